export { parseRedisNodes } from './connection.js';
export { defaultKeyPrefix, RedisStore, type RedisStoreConfig } from './redis-store.js';

import { RedisStore, type RedisStoreConfig } from './redis-store.js';

/** The Redis store from configuration (`REDIS_URL`, `REDIS_KEY_PREFIX`, Cluster or Sentinel nodes). */
export function createRedisStore(config: RedisStoreConfig = {}): RedisStore {
  return new RedisStore(config);
}
