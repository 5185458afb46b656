import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/index.js';
import {
  createRedisStore,
  defaultKeyPrefix,
  parseRedisNodes,
  RedisStore,
} from '../../src/store/redis/index.js';
import { describeStoreContract } from './contract.js';
import { keysUnder, redisStoreFactory, runPrefix } from './redis-harness.js';
import { eventually, freePort, startRedisNode } from './redis-servers.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = runPrefix();
let admin: Redis;

beforeAll(() => {
  admin = new Redis(url);
});
afterAll(async () => {
  await admin.quit();
});

describeStoreContract(
  'redis',
  redisStoreFactory(
    () => ({ url }),
    () => admin,
    prefix,
  ),
);

describe('RedisStore on real Redis', () => {
  it('puts every key under its prefix: plain, script, queue and limit keys', async () => {
    const tag = randomUUID();
    const keyPrefix = `${prefix}isolation:`;
    const store = createRedisStore({ url, keyPrefix });
    try {
      await store.set(`v:{${tag}}:a`, '1');
      await store.compareAndSet(`v:{${tag}}:b`, null, '2');
      await store.getAndIncrement(`v:{${tag}}:a`, `v:{${tag}}:n`);
      await store.batch([{ op: 'setAdd', key: `v:{${tag}}:s`, members: ['m'] }]);
      await store.enqueue(tag, 'job', 'payload', 0);
      await store.consumeLimits([{ key: `v:{${tag}}:limit`, max: 5, windowMs: 60_000 }]);

      const written: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await admin.scan(cursor, 'MATCH', `*${tag}*`, 'COUNT', 1000);
        cursor = next;
        written.push(...keys);
      } while (cursor !== '0');
      expect(written.sort()).toEqual(
        [
          `${keyPrefix}v:{${tag}}:limit`,
          `${keyPrefix}v:{${tag}}:a`,
          `${keyPrefix}v:{${tag}}:b`,
          `${keyPrefix}v:{${tag}}:n`,
          `${keyPrefix}v:{${tag}}:s`,
          `${keyPrefix}{q:${tag}}:due`,
          `${keyPrefix}{q:${tag}}:items`,
        ].sort(),
      );
    } finally {
      for (const key of await keysUnder(admin, keyPrefix)) await admin.del(key);
      await store.close();
    }
  });

  it('keeps stores with different prefixes apart', async () => {
    const one = createRedisStore({ url, keyPrefix: `${prefix}one:` });
    const two = createRedisStore({ url, keyPrefix: `${prefix}two:` });
    try {
      await one.set('shared', 'one');
      expect(await two.get('shared')).toBeNull();
      expect(await two.setIfAbsentOrGet('shared', 'two')).toBeNull();
      expect(await one.get('shared')).toBe('one');
    } finally {
      await one.del(['shared']);
      await two.del(['shared']);
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('uses proofline: as the default prefix and takes a ready ioredis client', async () => {
    const client = new Redis(url);
    const store = new RedisStore(client);
    const key = `${prefix}default-prefix-check`;
    try {
      await store.set(key, 'v', { ttlMs: 60_000 });
      expect(await admin.get(`${defaultKeyPrefix}${key}`)).toBe('v');
      expect(defaultKeyPrefix).toBe('proofline:');
    } finally {
      await store.del([key]);
      await store.close();
    }
    expect(client.status).toBe('end');
  });

  it('refuses a prefix holding a hash tag and a client with a prefix of its own', () => {
    expect(() => createRedisStore({ url, keyPrefix: 'app:{x}:' })).toThrow(/must not contain/);
    const client = new Redis(url, { keyPrefix: 'app:', lazyConnect: true });
    expect(() => new RedisStore(client)).toThrow(/not to the ioredis client/);
    client.disconnect();
  });

  it('surfaces a wrong call as the Redis error, not as an outage', async () => {
    const store = createRedisStore({ url, keyPrefix: `${prefix}wrongtype:` });
    try {
      await store.setAdd('{w}:set', ['m']);
      const error = await store.get('{w}:set').catch((caught: unknown) => caught);
      expect(error).not.toBeInstanceOf(StoreUnavailableError);
      expect(String(error)).toMatch(/WRONGTYPE/);
    } finally {
      await store.del(['{w}:set']);
      await store.close();
    }
  });
});

describe('RedisStore when Redis is unreachable', () => {
  it('rejects every kind of call with StoreUnavailableError, quickly, at a closed port', async () => {
    const port = await freePort();
    const store = createRedisStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: prefix });
    try {
      const started = Date.now();
      const calls = [
        store.ping(),
        store.get('{k}:a'),
        store.compareAndSet('{k}:a', null, 'v'),
        store.batch([{ op: 'set', key: '{k}:a', value: 'v' }]),
        store.claim('q', 0, 1_000, 10),
        store.consumeLimits([{ key: '{k}:limit', max: 1, windowMs: 1_000 }]),
      ];
      for (const call of calls) await expect(call).rejects.toBeInstanceOf(StoreUnavailableError);
      // Fail-closed bound from the fault requirements (2 s); ioredis's defaults would wait forever.
      expect(Date.now() - started).toBeLessThan(2_000);
      await expect(store.get('{k}:again')).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close();
    }
  });

  describe('with its own redis-server', () => {
    let node: Awaited<ReturnType<typeof startRedisNode>>;
    beforeAll(async () => {
      node = await startRedisNode();
    });
    afterAll(async () => {
      await node.close();
    });

    it('fails fast while Redis is down and recovers by itself when it is back', async () => {
      const store = createRedisStore({ url: node.url });
      try {
        await store.set('{f}:before', 'v');
        await node.stop();
        await eventually(() => expect(store.get('{f}:before')).rejects.toBeInstanceOf(StoreUnavailableError));
        const started = Date.now();
        await expect(store.increment('{f}:n')).rejects.toBeInstanceOf(StoreUnavailableError);
        await expect(store.enqueue('q', 'id', 'p', 0)).rejects.toBeInstanceOf(StoreUnavailableError);
        expect(Date.now() - started).toBeLessThan(2_000);

        await node.start();
        await eventually(() => store.ping());
        expect(await store.increment('{f}:n')).toBe(1);
      } finally {
        await store.close();
      }
    });

    it('times out a call to a Redis that stopped answering, then works again', async () => {
      const store = createRedisStore({ url: node.url, timeoutMs: 300 });
      try {
        await store.ping();
        node.pause();
        await expect(store.set('{h}:a', 'v')).rejects.toBeInstanceOf(StoreUnavailableError);
        node.resume();
        await eventually(() => store.ping());
        expect(await store.setIfAbsentOrGet('{h}:b', 'v')).toBeNull();
      } finally {
        node.resume();
        await store.close();
      }
    });
  });
});

describe('parseRedisNodes', () => {
  it('reads host:port lists', () => {
    expect(parseRedisNodes(' 10.0.0.1:7000, redis-b:7001 ,')).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b', port: 7001 },
    ]);
    expect(parseRedisNodes('[::1]:6379')).toEqual([{ host: '[::1]', port: 6379 }]);
  });

  it('rejects entries that are not host:port', () => {
    expect(() => parseRedisNodes('redis-a')).toThrow(/not host:port/);
    expect(() => parseRedisNodes('redis-a:0')).toThrow(/not host:port/);
    expect(() => parseRedisNodes(':6379')).toThrow(/not host:port/);
  });
});
