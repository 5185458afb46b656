import { SiteverifyInput, SiteverifyOutput } from '@proofline/shared';
import type { AppDeps } from '../../deps.js';
import { siteverify, siteverifyInputFrom } from '../../tokens/index.js';
import { defineRoute, routePlugin } from './route.js';

export type SiteverifyRouteDeps = Pick<AppDeps, 'store' | 'clock' | 'tokens' | 'tenants'>;

/**
 * `POST /v1/siteverify`, Turnstile's contract: JSON or form body, the secret in the body or as
 * `Bearer`; always 200 with `success` and `error-codes`.
 */
export const siteverifyRoutes = routePlugin<SiteverifyRouteDeps>([
  defineRoute({
    method: 'POST',
    path: '/v1/siteverify',
    auth: 'secret_or_body',
    body: SiteverifyInput,
    bodyParsedByHandler: true,
    accepts: ['application/x-www-form-urlencoded'],
    response: SiteverifyOutput,
    doc: {
      tag: 'Siteverify',
      summary: 'Redeem a result token',
      description:
        "Turnstile's contract: the secret key as `Bearer` or as `secret` in the body; always 200 with " +
        '`success` and `error-codes`. A token is valid 300 s and single use; repeating the same ' +
        '`idempotency_key` returns the first answer.',
      example: { response: 'eyJhbGciOiJFUzI1NiJ9.e30.c2ln', idempotency_key: 'order-4711' },
    },
    handler: async ({ body, request }, deps) =>
      siteverify(siteverifyInputFrom(body, request.headers.authorization), {
        store: deps.store,
        clock: deps.clock,
        tokens: deps.tokens,
        findSiteBySecret: (secret) => deps.tenants.bySecret(secret),
        onStoreUnavailable: (error) => request.log.error({ err: error }, 'siteverify: store unavailable'),
      }),
  }),
]);
