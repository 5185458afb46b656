import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/index.js';
import { createRedisStore } from '../../src/store/redis/index.js';
import { describeStoreContract } from './contract.js';
import { redisStoreFactory, runPrefix } from './redis-harness.js';
import { eventually, type LocalSentinel, startSentinel } from './redis-servers.js';

// A master and a replica watched by one local Sentinel (redis-server --sentinel): the store finds
// the master through the Sentinel by name, the whole contract suite runs through that connection,
// and last the master is killed to see the store follow the failover to the promoted replica.
let sentinel: LocalSentinel;
let admin: Redis;
const prefix = runPrefix();

beforeAll(async () => {
  sentinel = await startSentinel();
  admin = new Redis(sentinel.master.url);
  // Its reconnect attempts after the failover test are expected.
  admin.on('error', () => {});
});
afterAll(async () => {
  // Disconnect, not quit: after the failover test this client's server is gone.
  admin?.disconnect();
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

describe('RedisStore through Sentinel, on failover (runs last: it kills the master)', () => {
  it('fails closed while the master is gone, then follows the Sentinel to the promoted replica', async () => {
    const store = createRedisStore({ ...viaSentinel(), keyPrefix: `${prefix}failover:` });
    try {
      await store.set('{f}:kept', 'approved');
      expect(await admin.call('WAIT', '1', '2000')).toBe(1);
      await sentinel.master.stop();
      await eventually(() => expect(store.get('{f}:kept')).rejects.toBeInstanceOf(StoreUnavailableError));

      await eventually(async () => expect(await store.get('{f}:kept')).toBe('approved'), 15_000);
      expect(await store.compareAndSet('{f}:kept', 'approved', 'redeemed')).toBe(true);
      const replica = new Redis(sentinel.replica.url);
      try {
        expect(await replica.get(`${prefix}failover:{f}:kept`)).toBe('redeemed');
      } finally {
        await replica.quit();
      }
    } finally {
      await store.close();
    }
  });
});
