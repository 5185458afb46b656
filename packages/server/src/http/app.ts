import { existsSync, readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import cors from '@fastify/cors';
import formbody from '@fastify/formbody';
import type { Settings } from '@proofline/shared';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { twilioBasePath, twilioVerifyPlugin, vonageBasePath, vonageVerifyPlugin } from '../compat/index.js';
import type { AppDeps } from '../deps.js';
import { sandboxOperatorPlugin } from '../operator/sandbox/index.js';
import { originMatches, type Site } from '../tenants/index.js';
import { sandboxBasePath } from '../wiring/index.js';
import { toProoflineError, toRestError } from './errors.js';
import { requestSettings } from './request-settings.js';
import { devInboxRoutes } from './rest/dev-inbox-routes.js';
import { registerHealthRoutes } from './rest/health-routes.js';
import { registerRestRoutes } from './rest/index.js';
import { registerMetricsRoutes } from './rest/metrics-routes.js';
import { registerWellKnownRoutes } from './rest/wellknown-routes.js';
import { registerWidgetRoutes } from './rest/widget-routes.js';
import { contextFactory } from './trpc/context.js';
import { type AppRouter, appRouter } from './trpc/router.js';

const BODY_LIMIT_BYTES = 64 * 1024;

type RegisteredRoute = { method: string; url: string };

declare module 'fastify' {
  interface FastifyInstance {
    registeredRoutes: RegisteredRoute[];
  }
}

const widgetDist = fileURLToPath(new URL('../../../widget/dist/', import.meta.url));
const widgetVersion = (
  JSON.parse(
    readFileSync(fileURLToPath(new URL('../../../widget/package.json', import.meta.url)), 'utf8'),
  ) as {
    version: string;
  }
).version;

/** The HTTP server: tRPC for the widget, REST for site backends, and the operational routes. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: deps.config.TRUSTED_PROXIES?.split(',').map((entry) => entry.trim()) ?? false,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true },
  });

  closeUnusedConnectionsOnClose(app);

  // Every route, as registered: the OpenAPI test and the bad-input test walk this list.
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    // The sandbox stands for a remote operator: its routes speak CAMARA, not Proofline's API; the
    // drop-in facades speak Vonage's and Twilio's.
    if ([`${sandboxBasePath}/`, vonageBasePath, twilioBasePath].some((base) => route.url.startsWith(base)))
      return;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url });
    }
  });

  // Only JSON and forms are bodies we understand; anything else is 415, not a guess.
  app.removeContentTypeParser('text/plain');
  await app.register(formbody, { bodyLimit: BODY_LIMIT_BYTES });

  app.setErrorHandler((error, request, reply) => {
    const mapped = toProoflineError(error);
    if (mapped.code === 'service_unavailable') deps.metrics.storeErrors.inc();
    if (mapped.code === 'internal_error') {
      request.log.error({ err: mapped.cause ?? error, url: request.url.split('?')[0] }, 'request failed');
    }
    const answer = toRestError(mapped);
    return reply.status(answer.status).headers(answer.headers).send(answer.body);
  });
  app.setNotFoundHandler((request, reply) => {
    const answer = toRestError(toProoflineError({ statusCode: 404 }));
    return reply.status(answer.status).send({
      error: { ...answer.body.error, message: `No route ${request.method} ${request.url.split('?')[0]}.` },
    });
  });

  registerHealthRoutes(app, deps);
  registerWellKnownRoutes(app, deps);
  if (deps.config.devInboxEnabled && deps.messaging.devInbox) {
    await app.register(devInboxRoutes, { inbox: deps.messaging.devInbox });
  }
  await registerRestRoutes(app, deps);
  if (deps.config.sandboxEnabled) {
    await app.register(sandboxOperatorPlugin, {
      clock: deps.clock,
      basePath: sandboxBasePath,
      insecureSinks: deps.config.allowInsecureWebhooks,
    });
  }
  await app.register(vonageVerifyPlugin, { ...deps, prefix: vonageBasePath });
  await app.register(twilioVerifyPlugin, { ...deps, prefix: twilioBasePath });
  const { METRICS_TOKEN, NODE_ENV } = deps.config;
  registerMetricsRoutes(
    app,
    deps.metrics,
    METRICS_TOKEN || NODE_ENV === 'production' ? { token: METRICS_TOKEN ?? null } : 'open',
  );

  await app.register(
    async (trpc) => {
      await trpc.register(cors, {
        delegator(request, callback) {
          const origin = request.headers.origin;
          const options = { methods: ['GET', 'POST', 'OPTIONS'], maxAge: 600 };
          if (!origin) return callback(null, { ...options, origin: false });
          // `config.get` (a simple GET, no preflight) is readable from any page: the procedure still
          // refuses an origin the site does not allow, and the widget can then tell the developer
          // `origin_not_allowed` / `invalid_site_key` instead of failing like a network error.
          if (request.method === 'GET' && request.url.startsWith('/trpc/config.get'))
            return callback(null, { ...options, origin: true });
          originAllowedForAnySite(deps, origin, requestSettings(deps.settings, request)).then(
            (allowed) => callback(null, { ...options, origin: allowed }),
            // The store does not answer: the sites' configured origins still decide, so the
            // widget can read the 503 that follows.
            () => callback(null, { ...options, origin: originAllowedStatically(deps, origin) }),
          );
        },
      });
      await trpc.register(fastifyTRPCPlugin, {
        trpcOptions: {
          router: appRouter,
          createContext: contextFactory(deps, (request) => requestSettings(deps.settings, request)),
          responseMeta({ errors }) {
            const retryAfter = errors
              .map((error) => toProoflineError(error.cause ?? error).retryAfterSeconds)
              .find((seconds) => seconds !== undefined);
            return retryAfter === undefined ? {} : { headers: { 'retry-after': String(retryAfter) } };
          },
          onError({ error }) {
            const mapped = toProoflineError(error.cause ?? error);
            if (mapped.code === 'service_unavailable') deps.metrics.storeErrors.inc();
            if (mapped.code === 'internal_error')
              deps.logger.error({ err: error.cause ?? error }, 'trpc call failed');
          },
        } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
      });
    },
    { prefix: '/trpc' },
  );

  if (existsSync(widgetDist)) await registerWidgetRoutes(app, widgetDist, widgetVersion);

  return app;
}

/**
 * On close, connections with no request in flight are closed at once and the others right after
 * their answer. `forceCloseConnections: 'idle'` alone leaves a connection that was opened but
 * never used (HTTP clients open them around aborted requests) holding `close()` for up to Node's
 * 30 s connection check: the server calls its own embedded sandbox, so aborted calls happen here.
 */
function closeUnusedConnectionsOnClose(app: FastifyInstance): void {
  const inFlight = new Map<Socket, number>();
  let closing = false;
  app.server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });
  app.addHook('onRequest', async (request) => {
    const { socket } = request.raw;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
  });
  app.addHook('onResponse', async (request) => {
    const { socket } = request.raw;
    const left = Math.max(0, (inFlight.get(socket) ?? 1) - 1);
    inFlight.set(socket, left);
    if (closing && left === 0) socket.end();
  });
  app.addHook('preClose', async () => {
    closing = true;
    for (const [socket, count] of inFlight) if (count === 0) socket.destroy();
  });
}

async function originAllowedForAnySite(
  deps: AppDeps,
  origin: string,
  settingsOf: (site: Site) => Promise<Settings>,
): Promise<boolean> {
  for (const site of deps.tenants.all()) {
    const settings = await settingsOf(site);
    if (settings.allowed_origins.some((pattern) => originMatches(pattern, origin))) return true;
  }
  return false;
}

function originAllowedStatically(deps: AppDeps, origin: string): boolean {
  return deps.tenants
    .all()
    .some((site) => site.allowedOrigins.some((pattern) => originMatches(pattern, origin)));
}
