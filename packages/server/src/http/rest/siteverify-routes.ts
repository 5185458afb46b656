import type { SiteverifyOutput } from '@proofline/shared';
import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../deps.js';
import { siteverify, siteverifyInputFrom } from '../../tokens/index.js';

/**
 * `POST /v1/siteverify`, Turnstile's contract: JSON or form body, the secret in the body or as
 * `Bearer`; always 200 with `success` and `error-codes`.
 */
export function registerSiteverifyRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.post(
    '/v1/siteverify',
    async (request): Promise<SiteverifyOutput> =>
      siteverify(siteverifyInputFrom(request.body, request.headers.authorization), {
        store: deps.store,
        clock: deps.clock,
        tokens: deps.tokens,
        findSiteBySecret: (secret) => deps.tenants.bySecret(secret),
        onStoreUnavailable: (error) => request.log.error({ err: error }, 'siteverify: store unavailable'),
      }),
  );
}
