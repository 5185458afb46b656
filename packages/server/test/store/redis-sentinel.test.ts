import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStore } from '../../src/store/redis/index.js';
import { describeStoreContract } from './contract.js';
import { redisStoreFactory, runPrefix } from './redis-harness.js';
import { type LocalSentinel, startSentinel } from './redis-servers.js';

// A master watched by one local Sentinel (redis-server --sentinel): the store finds the master
// through the Sentinel by name, and the whole contract suite runs through that connection.
let sentinel: LocalSentinel;
let admin: Redis;
const prefix = runPrefix();

beforeAll(async () => {
  sentinel = await startSentinel();
  admin = new Redis(sentinel.master.url);
});
afterAll(async () => {
  await admin?.quit();
  await sentinel?.close();
});

const viaSentinel = () => ({ sentinel: { sentinels: sentinel.sentinels, name: sentinel.name } });

describeStoreContract(
  'redis sentinel',
  redisStoreFactory(viaSentinel, () => admin, prefix),
);

describe('RedisStore through Sentinel', () => {
  it('writes to the master the Sentinel names', async () => {
    const store = createRedisStore({ ...viaSentinel(), keyPrefix: `${prefix}master:` });
    try {
      await store.set('{s}:a', 'via-sentinel');
      expect(await admin.get(`${prefix}master:{s}:a`)).toBe('via-sentinel');
    } finally {
      await store.del(['{s}:a']);
      await store.close();
    }
  });
});
