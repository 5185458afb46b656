import type { Settings } from '@proofline/shared';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { AppDeps } from '../../deps.js';
import type { Site } from '../../tenants/index.js';

type SettingsOf = (site: Site) => Promise<Settings>;

export type Context = {
  deps: AppDeps;
  /** The `Origin` header of the browser page calling, if any. */
  origin: string | null;
  ip: string;
  /** A site's settings for this request (read once per request). */
  settingsOf: SettingsOf;
};

/** The context from plain values, apart from the Fastify request it is usually read from. */
function createContextInner(
  deps: AppDeps,
  request: { origin?: string | null; ip?: string; settingsOf?: SettingsOf } = {},
): Context {
  return {
    deps,
    origin: request.origin ?? null,
    ip: request.ip ?? '127.0.0.1',
    settingsOf: request.settingsOf ?? ((site) => deps.settings.get(site)),
  };
}

export function contextFactory(
  deps: AppDeps,
  settingsFor: (request: CreateFastifyContextOptions['req']) => SettingsOf,
) {
  return ({ req }: CreateFastifyContextOptions): Context => {
    const origin = req.headers.origin;
    return createContextInner(deps, {
      origin: typeof origin === 'string' ? origin : null,
      ip: req.ip,
      settingsOf: settingsFor(req),
    });
  };
}
