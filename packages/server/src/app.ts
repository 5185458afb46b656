import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { type Clock, systemClock } from './clock/index.js';
import { type Config, loadConfig } from './config/index.js';
import type { AppDeps } from './deps.js';
import { buildApp } from './http/app.js';
import { createLogger } from './logging/index.js';
import { Metrics } from './metrics/index.js';
import type { Store } from './store/index.js';
import { MemoryStore } from './store/memory/index.js';
import { demoSite, SettingsRepository, TenantDirectory } from './tenants/index.js';

export type StartOptions = {
  /** Environment variables; defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  /** Overrides `PORT`; 0 picks a free port. */
  port?: number;
  clock?: Clock;
  /** A store to use instead of the one configuration names (tests share one between servers). */
  store?: Store;
  logDestination?: DestinationStream;
};

export type RunningProofline = {
  url: string;
  app: FastifyInstance;
  deps: AppDeps;
  close(): Promise<void>;
};

/** The composition root: reads configuration, wires adapters to ports, and listens. */
export async function startProofline(options: StartOptions = {}): Promise<RunningProofline> {
  const env = { ...(options.env ?? process.env) };
  if (options.port !== undefined) env.PORT = String(options.port);
  const config = loadConfig(env);
  const clock = options.clock ?? systemClock;
  const logger = createLogger(config.LOG_LEVEL, options.logDestination);
  const store = options.store ?? (await createStore(config, clock));
  const tenants = config.PROOFLINE_CONFIG
    ? TenantDirectory.fromFile(config.PROOFLINE_CONFIG)
    : new TenantDirectory([demoSite]);

  const deps: AppDeps = {
    config,
    clock,
    store,
    logger,
    metrics: new Metrics(),
    tenants,
    settings: new SettingsRepository(store),
  };
  if (config.NODE_ENV === 'production' && (config.sandboxEnabled || config.devInboxEnabled)) {
    logger.warn('the sandbox operator or the dev inbox is enabled in production');
  }

  const app = await buildApp(deps);
  const address = await app.listen({
    host: config.HOST,
    port: config.PORT,
    listenTextResolver: (address) => `listening on ${address}`,
  });
  const url = address.replace('[::1]', 'localhost');

  let closing: Promise<void> | undefined;
  return {
    url,
    app,
    deps,
    close() {
      closing ??= (async () => {
        await app.close();
        if (!options.store) await store.close();
      })();
      return closing;
    },
  };
}

async function createStore(config: Config, clock: Clock): Promise<Store> {
  if (config.REDIS_URL === undefined) return new MemoryStore(clock);
  const { createRedisStore } = await import('./store/redis/index.js');
  return createRedisStore({
    url: config.REDIS_URL,
    keyPrefix: config.REDIS_KEY_PREFIX,
    ...(config.REDIS_CLUSTER_NODES ? { cluster: { nodes: parseHostPorts(config.REDIS_CLUSTER_NODES) } } : {}),
    ...(config.REDIS_SENTINELS && config.REDIS_SENTINEL_NAME
      ? { sentinel: { sentinels: parseHostPorts(config.REDIS_SENTINELS), name: config.REDIS_SENTINEL_NAME } }
      : {}),
  });
}

function parseHostPorts(list: string): { host: string; port: number }[] {
  return list.split(',').map((entry) => {
    const [host, port] = entry.trim().split(':');
    return { host: host ?? '127.0.0.1', port: Number(port ?? 6379) };
  });
}
