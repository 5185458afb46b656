import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { JWK } from 'jose';
import type { Clock } from '../../clock/index.js';
import { registerAdminRoutes } from './admin-routes.js';
import { registerApiRoutes } from './api-routes.js';
import { CamaraFailure } from './failure.js';
import { OAuthFailure, registerOAuthRoutes } from './oauth-routes.js';
import type { SandboxDialect } from './scopes.js';
import { SandboxState } from './state.js';
import { SubscriptionHub } from './subscriptions.js';

export type SandboxOperatorOptions = {
  clock: Clock;
  /** `camara` (default): current CAMARA paths and scopes; `aggregator`: v0 paths, `dpv:Purpose#scope`. */
  dialect?: SandboxDialect;
  /** Where the routes live; default `/sandbox/operator`. Register the plugin without a prefix. */
  basePath?: string;
  /** Public keys that may sign `private_key_jwt` assertions for `sandbox-client`. */
  clientKeys?: JWK[];
  /** Accept `http://` subscription sinks (embedded defaults: the sink is this machine); CAMARA needs https. */
  insecureSinks?: boolean;
  /** How CloudEvents reach subscription sinks; default the global fetch. */
  sinkFetch?: typeof fetch;
};

const correlatorPattern = /^[a-zA-Z0-9-_:;./<>{}]{1,256}$/;

/**
 * A simulated mobile operator: CAMARA APIs, OAuth2 and an admin API, with its own in-memory state
 * (it stands for a remote operator, so it never touches Proofline's store).
 */
export const sandboxOperatorPlugin: FastifyPluginAsync<SandboxOperatorOptions> = async (app, options) => {
  const basePath = (options.basePath ?? '/sandbox/operator').replace(/\/+$/, '');
  const dialect = options.dialect ?? 'camara';
  const state = new SandboxState(options.clock);
  const subscriptions = new SubscriptionHub(state, {
    fetch: options.sinkFetch ?? fetch,
    insecureSinks: options.insecureSinks ?? false,
    basePath,
  });
  // Expiry is checked on every request and once a second, so a ManualClock needs no timer.
  const sweeper = setInterval(() => subscriptions.sweep(), 1000);
  sweeper.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweeper);
    await subscriptions.settled();
  });
  await app.register(
    async (sandbox: FastifyInstance) => {
      if (!sandbox.hasContentTypeParser('application/x-www-form-urlencoded'))
        await sandbox.register(formbody);
      sandbox.addHook('onRequest', async () => subscriptions.sweep());
      sandbox.addHook('onSend', async (request, reply, payload) => {
        const given = request.headers['x-correlator'];
        reply.header(
          'x-correlator',
          typeof given === 'string' && correlatorPattern.test(given) ? given : randomUUID(),
        );
        return payload;
      });
      sandbox.setErrorHandler((error, _request, reply) => {
        if (error instanceof OAuthFailure) {
          if (error.status === 401) reply.header('www-authenticate', 'Basic realm="sandbox-operator"');
          return reply.status(error.status).send({ error: error.error, error_description: error.message });
        }
        const failure = error instanceof CamaraFailure ? error : fromFastify(error);
        return reply
          .status(failure.status)
          .send({ status: failure.status, code: failure.code, message: failure.message });
      });
      sandbox.setNotFoundHandler((request, reply) =>
        reply.status(404).send({
          status: 404,
          code: 'NOT_FOUND',
          message: `No route ${request.method} ${request.url.split('?')[0]}.`,
        }),
      );
      registerOAuthRoutes(sandbox, state, { dialect, basePath, clientKeys: options.clientKeys ?? [] });
      registerApiRoutes(sandbox, state, dialect);
      subscriptions.register(sandbox);
      registerAdminRoutes(sandbox, state, dialect, subscriptions);
    },
    { prefix: basePath },
  );
};

/** Fastify's own refusals (bad JSON, wrong media type, too large) in CAMARA's words; never a stack. */
function fromFastify(error: unknown): CamaraFailure {
  const status = (error as { statusCode?: unknown }).statusCode;
  if (status === 415) return new CamaraFailure(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send application/json.');
  if (status === 413) return new CamaraFailure(413, 'INVALID_ARGUMENT', 'The request body is too large.');
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new CamaraFailure(
      400,
      'INVALID_ARGUMENT',
      'Client specified an invalid argument, request body or query param.',
    );
  }
  return new CamaraFailure(500, 'INTERNAL', 'Unknown server error.');
}
