import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Clock } from '../../src/clock/index.js';
import type { Store } from '../../src/store/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { RedisStore } from '../../src/store/redis/index.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

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
  const prefix = `test:${suite}:${randomUUID()}:`;
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
        new RedisStore({ url: redisUrl, keyPrefix: `${prefix}${space}:` }),
      async cleanup() {
        const redis = new Redis(redisUrl);
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
