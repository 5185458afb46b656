import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Clock } from '../../src/clock/index.js';
import type { Store } from '../../src/store/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { RedisStore } from '../../src/store/redis/index.js';
import { REDIS_URL, testKeyPrefix } from '../support/server.js';

export type StoreUnderTest = {
  name: string;
  /** A store on its own key space; the same `space` again opens the same data (a "restart"). */
  create(clock: Clock, space?: string): Store;
  cleanup(): Promise<void>;
};

/**
 * The two stores every store-backed test of tokens and webhooks runs on: memory, and the real Redis
 * with a key prefix unique to this run (removed afterwards) so runs can share one server.
 */
export function storesUnderTest(suite: string): StoreUnderTest[] {
  const prefix = testKeyPrefix(suite);
  const memoryStores = new Map<string, MemoryStore>();
  return [
    {
      name: 'memory',
      create(clock, space = randomUUID()) {
        let store = memoryStores.get(space);
        if (!store) {
          store = new MemoryStore(clock);
          memoryStores.set(space, store);
        }
        return store;
      },
      cleanup: async () => memoryStores.clear(),
    },
    {
      name: 'redis',
      create: (_clock, space = randomUUID()) =>
        new RedisStore({ url: REDIS_URL, keyPrefix: `${prefix}${space}:` }),
      async cleanup() {
        const redis = new Redis(REDIS_URL);
        try {
          const keys = await redis.keys(`${prefix}*`);
          if (keys.length > 0) await redis.del(...keys);
        } finally {
          redis.disconnect();
        }
      },
    },
  ];
}
