import type { FastifyRequest } from 'fastify';
import { ProoflineError } from '../../errors.js';
import type { Site, TenantDirectory } from '../../tenants/index.js';

/** The site whose secret key is in `Authorization: Bearer sk_…`; 401 otherwise. */
export function requireSecret(request: FastifyRequest, tenants: TenantDirectory): Site {
  const secret = bearerSecret(request);
  if (!secret) throw new ProoflineError('unauthorized', 'Send the secret key as Authorization: Bearer sk_….');
  const site = tenants.bySecret(secret);
  if (!site) throw new ProoflineError('unauthorized', 'The secret key is not valid.');
  return site;
}

/** The token in `Authorization: Bearer …`, if any (a secret key, or a sink credential). */
export function bearerSecret(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}
