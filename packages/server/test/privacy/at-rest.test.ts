import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otpClient, RELAXED_FRAUD_POLICY } from '../http/otp-client.js';
import { REDIS_URL, startTestServer, testKeyPrefix } from '../support/server.js';
import { startReceiver } from '../webhooks/receiver.js';
import { dumpRedis } from './dump.js';

let admin: Redis;
beforeAll(() => {
  admin = new Redis(REDIS_URL);
});
afterAll(async () => {
  await admin.quit();
});

describe('numbers at rest', () => {
  it('leaves no number in clear in Redis after a whole flow', async () => {
    const prefix = testKeyPrefix();
    const receiver = await startReceiver();
    const server = await startTestServer({
      env: {
        REDIS_URL,
        REDIS_KEY_PREFIX: prefix,
        SERVER_SECRET: randomBytes(32).toString('base64url'),
        DATA_KEY: randomBytes(32).toString('base64url'),
        FRAUD_POLICY: RELAXED_FRAUD_POLICY,
      },
    });
    try {
      await server.deps.webhooks.stop();
      const api = otpClient(server.url);
      await api.rest('PUT', '/v1/settings/phone-verification', { webhook_url: receiver.url });
      const phone = `+4474009${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
      const sent = await api.rest<{ verification_id: string }>('POST', '/v1/phone/send-otp', { phone });
      const wrong = await api.rest('POST', '/v1/phone/verify-otp', {
        verification_id: sent.body.verification_id,
        code: '000000',
      });
      expect(wrong.status).toBe(200);
      const code = await api.latestCode(phone);
      const verified = await api.rest<{ token: string }>('POST', '/v1/phone/verify-otp', {
        verification_id: sent.body.verification_id,
        code,
      });
      const checked = await api.rest('POST', '/v1/siteverify', {
        response: verified.body.token,
        idempotency_key: 'k1',
      });
      expect(checked.body).toMatchObject({ success: true, phone });
      // What the site reads back is still the number itself.
      const record = await api.rest('GET', `/v1/verifications/${sent.body.verification_id}`);
      expect(record.body).toMatchObject({ phone, status: 'approved' });

      const dump = await dumpRedis(admin, prefix);
      expect(dump.length).toBeGreaterThan(3);
      const national = phone.slice(3); // 7400…, in every written form of the number
      const inClear = dump
        .filter(({ key, value }) => key.includes(national) || value.includes(national))
        .map(({ key }) => key.slice(prefix.length));
      // The fraud domain's counters and pumping windows are named by the same keyed hash.
      expect(inClear).toEqual([]);
    } finally {
      await server.close();
      await receiver.close();
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
    }
  });
});
