import { Cluster, Redis, type RedisOptions } from 'ioredis';

export type RedisNode = { host: string; port: number };

/** How to reach Redis: a URL (single node), Cluster seed nodes, or Sentinels and a master name. */
export type RedisConnectionConfig = {
  /** `redis://[user:password@]host:port[/db]`; with `cluster` or `sentinel` only its credentials count. */
  url?: string;
  cluster?: { nodes: readonly RedisNode[] };
  sentinel?: { sentinels: readonly RedisNode[]; name: string };
  /** Bound on connecting and on each command; a call never waits longer for a dead Redis. */
  timeoutMs?: number;
};

export type RedisClient = Redis | Cluster;

export const defaultTimeoutMs = 600;
const maxReconnectDelayMs = 500;

/**
 * The client options that make a dead Redis fail calls fast instead of queueing them: no offline
 * queue, no resend of in-flight commands, a command timeout; reconnecting goes on forever, so the
 * store recovers by itself when Redis is back.
 */
function failFastOptions(timeoutMs: number) {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    retryStrategy: (attempt: number) => Math.min(50 * attempt, maxReconnectDelayMs),
    // Commands issued in the same tick (a request's parallel rate-limit checks, concurrent
    // requests) go out as one pipeline: fewer writes and round trips under load.
    enableAutoPipelining: true,
  } satisfies RedisOptions;
}

function credentials(url: string | undefined): Pick<RedisOptions, 'username' | 'password'> {
  if (!url) return {};
  const parsed = new URL(url);
  return {
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}

export function connect(config: RedisConnectionConfig): RedisClient {
  const timeoutMs = config.timeoutMs ?? defaultTimeoutMs;
  // Not on Cluster: with auto-pipelining the Cluster contract tests failed (reads and batches
  // spread over several masters), so Cluster keeps one command per write.
  const {
    retryStrategy,
    enableOfflineQueue,
    enableAutoPipelining: _,
    ...perNode
  } = failFastOptions(timeoutMs);
  if (config.cluster && config.sentinel) throw new Error('redis: configure cluster or sentinel, not both');
  if (config.cluster) {
    if (config.cluster.nodes.length === 0) throw new Error('redis: cluster needs at least one node');
    return new Cluster([...config.cluster.nodes], {
      enableOfflineQueue,
      clusterRetryStrategy: retryStrategy,
      // Without this a restarted node is only found again through a MOVED reply.
      clusterNodeRetryStrategy: retryStrategy,
      slotsRefreshTimeout: timeoutMs,
      redisOptions: { ...perNode, ...credentials(config.url) },
    });
  }
  if (config.sentinel) {
    return new Redis({
      ...failFastOptions(timeoutMs),
      ...credentials(config.url),
      sentinels: [...config.sentinel.sentinels],
      name: config.sentinel.name,
      sentinelRetryStrategy: retryStrategy,
      sentinelCommandTimeout: timeoutMs,
    });
  }
  return new Redis(config.url ?? 'redis://127.0.0.1:6379', failFastOptions(timeoutMs));
}

/** Parses `host:port,host:port` (e.g. a `REDIS_CLUSTER_NODES` variable) into nodes. */
export function parseRedisNodes(list: string): RedisNode[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const at = entry.lastIndexOf(':');
      const host = entry.slice(0, at);
      const port = Number(entry.slice(at + 1));
      if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65_535) {
        throw new Error(`redis: "${entry}" is not host:port`);
      }
      return { host, port };
    });
}
