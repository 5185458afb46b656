import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../deps.js';

/** The public keys of result tokens; every key of the ring, so tokens signed before a rotation still verify. */
export function registerWellKnownRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/.well-known/jwks.json', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*');
    return deps.tokens.publicJwks();
  });
}
