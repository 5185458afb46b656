import type { FastifyInstance, FastifyPluginOptions } from 'fastify';
import { VonageSilentAuth } from '../../compat/index.js';
import type { AppDeps } from '../../deps.js';
import { casesRoutes } from './cases-routes.js';
import { fraudRoutes } from './fraud-routes.js';
import { intelligenceRoutes } from './intelligence-routes.js';
import { monitorRoutes } from './monitor-routes.js';
import { openApiDocumentOf, openApiRoutes } from './openapi.js';
import { operatorRoutes } from './operator-routes.js';
import type { AnyRoute, RoutePlugin } from './route.js';
import { rulesRoutes } from './rules-routes.js';
import { settingsRoutes } from './settings-routes.js';
import { silentRoutes } from './silent-routes.js';
import { siteverifyRoutes } from './siteverify-routes.js';
import { verificationRoutes } from './verification-routes.js';

export { monitorEventsPath } from './monitor-routes.js';
export { buildOpenApiDocument, openApiPath } from './openapi.js';
export { silentCallbackPath } from './silent-routes.js';

/** Every `/v1` route, mounted or not, in the order the OpenAPI document lists them. */
export const restRoutes = (
  [
    verificationRoutes,
    silentRoutes,
    siteverifyRoutes,
    intelligenceRoutes,
    operatorRoutes,
    settingsRoutes,
    rulesRoutes,
    casesRoutes,
    fraudRoutes,
    monitorRoutes,
    openApiRoutes,
  ] as { routes: readonly AnyRoute[] }[]
).flatMap((plugin) => plugin.routes);

/**
 * Mounts the `/v1` routes for site backends, each domain a plugin of its own; those that need an
 * operator only where one is wired in. `GET /v1/openapi.json` describes what was mounted.
 */
export async function registerRestRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const mounted: AnyRoute[] = [];
  const mount = async <Deps extends FastifyPluginOptions>(plugin: RoutePlugin<Deps>, options: Deps) => {
    await app.register(plugin, options);
    mounted.push(...plugin.routes);
  };
  await mount(verificationRoutes, deps);
  if (deps.silent) {
    const vonage = new VonageSilentAuth(deps.keyedHash);
    await mount(silentRoutes, {
      ...deps,
      silent: deps.silent,
      facadeAnswer: (reply, record) => vonage.answerDevice(reply, record),
    });
  }
  await mount(siteverifyRoutes, deps);
  await mount(intelligenceRoutes, deps);
  if (deps.operator) await mount(operatorRoutes, { ...deps, operator: deps.operator });
  await mount(settingsRoutes, deps);
  await mount(rulesRoutes, deps);
  await mount(casesRoutes, deps);
  await mount(fraudRoutes, deps);
  if (deps.monitoring) await mount(monitorRoutes, { ...deps, monitoring: deps.monitoring });
  // The list is complete by the first request, when the document is built.
  await mount(openApiRoutes, { ...deps, document: openApiDocumentOf(mounted, deps.config.PUBLIC_URL) });
}
