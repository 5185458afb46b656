import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ProoflineError } from '../../errors.js';
import type { Metrics } from '../../metrics/index.js';

/** Who may read `/metrics`: anyone, or only a bearer of the token (null: nobody, as production without one). */
export type MetricsAccess = { token: string | null } | 'open';

export function registerMetricsRoutes(app: FastifyInstance, metrics: Metrics, access: MetricsAccess): void {
  app.get('/metrics', async (request, reply) => {
    if (access !== 'open' && !bearerMatches(request.headers.authorization, access.token)) {
      throw new ProoflineError('unauthorized', 'Send Authorization: Bearer <METRICS_TOKEN>.');
    }
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}

function bearerMatches(header: string | undefined, token: string | null): boolean {
  const given = /^Bearer (.+)$/i.exec(header ?? '')?.[1];
  if (token === null || given === undefined) return false;
  // Equal-length digests, so the comparison takes the same time whatever was sent.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(token));
}
