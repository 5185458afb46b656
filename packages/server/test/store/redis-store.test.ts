import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { describeStoreContract } from './contract.js';
import { redisStoreFactory, runPrefix } from './redis-harness.js';

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
