import { Cluster, type Redis } from 'ioredis';
import { RedisStore, type RedisStoreConfig } from '../../src/store/redis/index.js';
import { testKeyPrefix } from '../support/server.js';
import type { StoreUnderTest } from './contract.js';

/** A prefix no other run shares, so runs on one Redis never see each other's keys. */
export function runPrefix(): string {
  return testKeyPrefix('store');
}

/** Every key under `prefix`, on every master when the client is a Cluster. */
export async function keysUnder(admin: Redis | Cluster, prefix: string): Promise<string[]> {
  const nodes = admin instanceof Cluster ? admin.nodes('master') : [admin];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found;
}

/**
 * Makes a fresh RedisStore per test, each under its own prefix inside the run's prefix. `admin` is
 * a separate client the harness uses to let time pass for TTLs and to clean up.
 */
export function redisStoreFactory(
  connection: () => RedisStoreConfig,
  admin: () => Redis | Cluster,
  prefix: string,
): () => Promise<StoreUnderTest> {
  let made = 0;
  return async () => {
    made += 1;
    const keyPrefix = `${prefix}${made}:`;
    const store = new RedisStore({ ...connection(), keyPrefix });
    return {
      store,
      async advance(ms) {
        const client = admin();
        for (const key of await keysUnder(client, keyPrefix)) {
          const remaining = await client.pttl(key);
          if (remaining < 0) continue;
          if (remaining <= ms) await client.del(key);
          else await client.pexpire(key, remaining - ms);
        }
      },
      async dispose() {
        const client = admin();
        for (const key of await keysUnder(client, keyPrefix)) await client.del(key);
        await store.close();
      },
    };
  };
}
