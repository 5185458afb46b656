import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { DataCipher, keyedHash } from '../../src/privacy/index.js';
import { RedisStore } from '../../src/store/redis/index.js';
import {
  plainRecords,
  sealedRecords,
  type VerificationRecord,
  VerificationRepository,
} from '../../src/verification/index.js';
import { REDIS_URL, testKeyPrefix } from '../support/server.js';
import { dumpRedis } from './dump.js';

const secret = () => randomBytes(32).toString('base64url');
const day = 86_400_000;

function record(id: string, phone: string, createdAt: number): VerificationRecord {
  return {
    id,
    siteKey: 'pk_live_shop',
    phone,
    workflow: [{ channel: 'sms', to: phone }],
    steps: [{ channel: 'sms', to: phone, initiatedAt: createdAt, status: 'sent', reason: null }],
    silent: null,
    resultToken: null,
    createdAt,
    expiresAt: createdAt + 600_000,
  } as unknown as VerificationRecord;
}

describe('DataCipher', () => {
  it('seals with the current key, opens with older ones, and only in the same context', () => {
    const oldKey = secret();
    const older = new DataCipher(oldKey);
    const sealed = older.seal('+447400123456', 'ver_1');
    expect(sealed).not.toContain('447400123456');
    expect(sealed.split('.')[1]).toBe(older.keyId);

    const rotated = new DataCipher(secret(), [oldKey]);
    expect(rotated.open(sealed, 'ver_1')).toBe('+447400123456');
    expect(rotated.isCurrent(sealed)).toBe(false);
    expect(rotated.isCurrent(rotated.seal('x', 'c'))).toBe(true);
    expect(() => rotated.open(sealed, 'ver_2')).toThrow('moved from another record');
    expect(() => new DataCipher(secret()).open(sealed, 'ver_1')).toThrow(/neither DATA_KEY nor DATA_KEYS/);
    const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
    expect(() => rotated.open(tampered, 'ver_1')).toThrow();
  });

  it('names keys with a keyed hash that depends on the secret', () => {
    const one = keyedHash(secret());
    expect(one('pk_live_shop', '+447400123456')).toBe(one('pk_live_shop', '+447400123456'));
    expect(one('pk_live_shop', '+447400123456')).not.toBe(
      keyedHash(secret())('pk_live_shop', '+447400123456'),
    );
    expect(one('pk_live_shop', '+447400123456')).not.toContain('7400');
  });
});

describe('records on Redis: migration, rotation and retention', () => {
  let admin: Redis;
  beforeAll(() => {
    admin = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await admin.quit();
  });

  it('seals plain records, then re-seals them after a key rotation; the retention purge still finds them', async () => {
    const prefix = testKeyPrefix();
    const store = new RedisStore({ url: REDIS_URL, keyPrefix: prefix });
    const serverSecret = secret();
    const firstKey = secret();
    const secondKey = secret();
    const phoneKey = keyedHash(serverSecret);
    try {
      const now = Date.now();
      const plain = new VerificationRepository(store, 30 * day, { codec: plainRecords, phoneKey });
      const phones = ['+447400111111', '+447400222222', '+447400333333'];
      for (const [index, phone] of phones.entries()) {
        await plain.create(record(`ver_${index}`, phone, now - (index === 0 ? 40 * day : index * 1000)));
      }
      const inClear = async () =>
        (await dumpRedis(admin, prefix)).filter(({ value }) =>
          phones.some((phone) => value.includes(phone.slice(3))),
        );
      expect(await inClear()).toHaveLength(3);

      // DATA_KEY set: the CLI seals every existing record.
      const env = {
        REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        SERVER_SECRET: serverSecret,
        DATA_KEY: firstKey,
      };
      expect((await runCli(['records', 'migrate'], env)).lines).toEqual([
        `3 records sealed with key ${new DataCipher(firstKey).keyId}`,
      ]);
      expect(await inClear()).toEqual([]);
      const sealed = new VerificationRepository(store, 30 * day, {
        codec: sealedRecords(new DataCipher(firstKey)),
        phoneKey,
      });
      expect((await sealed.load('ver_1'))?.record.phone).toBe(phones[1]);

      // Rotation: the new key reads the old records (DATA_KEYS) and migration re-seals them.
      const rotatedEnv = { ...env, DATA_KEY: secondKey, DATA_KEYS: firstKey };
      expect((await runCli(['records', 'migrate'], rotatedEnv)).lines).toEqual([
        `3 records sealed with key ${new DataCipher(secondKey).keyId}`,
      ]);
      expect((await runCli(['records', 'migrate'], rotatedEnv)).lines).toEqual([
        `0 records sealed with key ${new DataCipher(secondKey).keyId}`,
      ]);
      const current = new VerificationRepository(store, 30 * day, {
        codec: sealedRecords(new DataCipher(secondKey)),
        phoneKey,
      });
      expect((await current.load('ver_2'))?.record.steps[0]?.to).toBe(phones[2]);

      // Retention works on ids alone: the 40-day-old record goes.
      const old = await current.createdBefore(now - 30 * day, 10);
      expect(old).toEqual(['ver_0']);
      await current.purge(old);
      expect(await current.load('ver_0')).toBeNull();
      expect(await current.load('ver_1')).not.toBeNull();
    } finally {
      await store.close();
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
    }
  });
});
