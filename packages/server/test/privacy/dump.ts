import type { Redis } from 'ioredis';

/** Every key under `prefix` with its whole value as text, as `redis-cli --scan` plus reads would show. */
export async function dumpRedis(redis: Redis, prefix: string): Promise<{ key: string; value: string }[]> {
  const keys = await redis.keys(`${prefix}*`);
  return Promise.all(
    keys.sort().map(async (key) => {
      const type = await redis.type(key);
      const value =
        type === 'string'
          ? await redis.get(key)
          : type === 'hash'
            ? JSON.stringify(await redis.hgetall(key))
            : type === 'zset'
              ? JSON.stringify(await redis.zrange(key, '0', '-1', 'WITHSCORES'))
              : type === 'set'
                ? JSON.stringify(await redis.smembers(key))
                : type === 'list'
                  ? JSON.stringify(await redis.lrange(key, 0, -1))
                  : `<${type}>`;
      return { key, value: value ?? '' };
    }),
  );
}
