import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/index.js';
import { createRedisStore } from '../../src/store/redis/index.js';
import { describeStoreContract } from './contract.js';
import { keysUnder, redisStoreFactory, runPrefix } from './redis-harness.js';
import { freePort, type LocalCluster, startCluster } from './redis-servers.js';

// A real 3-master Redis Cluster on free local ports: every store operation must route by hash tag
// and never trip CROSSSLOT. Needs redis-server and redis-cli; without them this fails, by design.
let cluster: LocalCluster;
let admin: Cluster;
const prefix = runPrefix();

beforeAll(async () => {
  cluster = await startCluster();
  admin = new Cluster(cluster.nodes);
});
afterAll(async () => {
  await admin?.quit();
  await cluster?.close();
});

describeStoreContract(
  'redis cluster',
  redisStoreFactory(
    () => ({ cluster: { nodes: cluster.nodes } }),
    () => admin,
    prefix,
  ),
);

describe('RedisStore on Redis Cluster', () => {
  it('spreads tagged keys over the masters and still reads, deletes and batches across tags', async () => {
    const store = createRedisStore({ cluster: { nodes: cluster.nodes }, keyPrefix: `${prefix}spread:` });
    const tags = Array.from({ length: 12 }, (_, index) => `v:{tag-${index}}:record`);
    try {
      await store.batch(tags.map((key, index) => ({ op: 'set' as const, key, value: String(index) })));
      const perMaster = await Promise.all(
        admin.nodes('master').map(async (node) => (await node.keys(`${prefix}spread:*`)).length),
      );
      expect(perMaster.filter((count) => count > 0).length).toBeGreaterThan(1);
      expect(await store.getMany(tags)).toEqual(tags.map((_, index) => String(index)));
      expect(await store.del(tags)).toBe(tags.length);
    } finally {
      for (const key of await keysUnder(admin, `${prefix}spread:`)) await admin.del(key);
      await store.close();
    }
  });

  it('reports a multi-key script over two hash tags as the caller error it is', async () => {
    const store = createRedisStore({ cluster: { nodes: cluster.nodes }, keyPrefix: `${prefix}cross:` });
    try {
      const error = await store.getAndIncrement('{one}:v', '{two}:n').catch((caught: unknown) => caught);
      expect(error).not.toBeInstanceOf(StoreUnavailableError);
      expect(String(error)).toMatch(/same slot|CROSSSLOT/);
    } finally {
      await store.close();
    }
  });
});

describe('RedisStore on a Redis Cluster that does not answer', () => {
  it('rejects with StoreUnavailableError instead of waiting', async () => {
    const port = await freePort();
    const store = createRedisStore({ cluster: { nodes: [{ host: '127.0.0.1', port }] }, keyPrefix: prefix });
    try {
      await expect(store.get('{k}:a')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.claim('q', 0, 1_000, 1)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});
