import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkOf } from '../../src/fraud/index.js';
import type { RunningProofline } from '../../src/index.js';
import { clientOf, errorCode } from '../faults/client.js';
import { REDIS_URL, startTestServer, testKeyPrefix } from '../support/server.js';

const network: NetworkOf = async () => ({ network: '23415', operatorName: 'Vodafone UK' });

/**
 * Two Proofline instances, each with its own Redis connections, on one Redis and one key prefix:
 * what a load balancer in front of several servers sees. No state lives in a process; what they
 * must share is configuration: the OTP hashing secret and the signing key.
 */
describe('two server instances on one Redis', () => {
  let a: RunningProofline;
  let b: RunningProofline;

  beforeAll(async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const env = {
      SERVER_SECRET: 'a-server-secret-of-at-least-32-characters',
      SIGNING_KEY: JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'scale-test' }),
      REDIS_URL,
      REDIS_KEY_PREFIX: testKeyPrefix(),
      // Two sends per number per 10 minutes, so the shared limit shows within a few calls.
      FRAUD_POLICY: JSON.stringify({
        rateLimits: {
          number: [{ points: 2, durationSeconds: 600 }],
          ip: [{ points: 1000, durationSeconds: 600 }],
          prefix: [{ points: 1000, durationSeconds: 600 }],
        },
      }),
    };
    [a, b] = await Promise.all([
      startTestServer({ env, networkOf: network }),
      startTestServer({ env, networkOf: network }),
    ]);
    expect(a.deps.store).not.toBe(b.deps.store);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('checks on one a verification started on the other', async () => {
    const onA = clientOf(a.url);
    const onB = clientOf(b.url);
    const phone = '+447400500001';
    const started = (await onA.start(phone)).body.result.data;
    // The code went out from A's dev inbox: the messages stay where they were sent.
    const code = await onA.code(phone);

    const wrong = await onB.check(started.verificationId, code === '000000' ? '111111' : '000000');
    expect(wrong.body.result.data).toMatchObject({ status: 'pending', attemptsLeft: 4 });
    const approved = await onB.check(started.verificationId, code);
    expect(approved.body.result.data.status).toBe('approved');
    expect((await onA.get(started.verificationId)).body.result.data.status).toBe('approved');
  });

  it('approves once and redeems the token once across both', async () => {
    const onA = clientOf(a.url);
    const onB = clientOf(b.url);
    const phone = '+447400500002';
    const started = (await onB.start(phone)).body.result.data;
    const code = await onB.code(phone);

    const checks = await Promise.all(
      Array.from({ length: 10 }, (_, index) => (index % 2 ? onA : onB).check(started.verificationId, code)),
    );
    const tokens = checks.map((answer) => answer.body.result.data.token).filter(Boolean);
    expect(tokens).toHaveLength(1);
    expect(checks.every((answer) => answer.body.result.data.status === 'approved')).toBe(true);

    const redemptions = await Promise.all(
      Array.from({ length: 10 }, (_, index) => (index % 2 ? onA : onB).siteverify(tokens[0])),
    );
    expect(redemptions.filter((answer) => answer.body.success)).toHaveLength(1);
    expect(
      redemptions.filter((answer) => !answer.body.success).map((answer) => answer.body['error-codes']),
    ).toEqual(Array.from({ length: 9 }, () => ['timeout-or-duplicate']));
  });

  it('shares the send limits', async () => {
    const onA = clientOf(a.url);
    const onB = clientOf(b.url);
    const phone = '+447400500003';
    const first = (await onA.start(phone)).body.result.data;
    await onB.widget('verification.cancel', { verificationId: first.verificationId });
    const second = (await onB.start(phone)).body.result.data;
    expect(second.verificationId).not.toBe(first.verificationId);
    await onA.widget('verification.cancel', { verificationId: second.verificationId });

    const third = await onA.start(phone);
    expect(third.status).toBe(429);
    expect(errorCode(third)).toBe('rate_limited');
    expect(await onA.inbox(phone)).toHaveLength(1);
    expect(await onB.inbox(phone)).toHaveLength(1);
  });

  it('shares network blocks and their lifting', async () => {
    const onA = clientOf(a.url);
    const onB = clientOf(b.url);
    await a.deps.fraud.blocks.impose('pk_test_demo', '23415', 'Vodafone UK', 'test: pumping');

    // Blocked on B as well: SMS and voice, billed per message to the network, are skipped.
    const blocked = await onB.start('+447400500004', { connection: 'wifi' });
    expect(blocked.body.result.data).toMatchObject({ status: 'pending', channel: 'whatsapp' });
    expect((await onB.inbox('+447400500004')).map((message) => message.channel)).toEqual(['whatsapp']);
    const listed = await onA.backend('GET', '/v1/networks/blocks');
    expect(listed.body.blocks).toMatchObject([{ network: '23415', level: 1 }]);

    expect((await onB.backend('POST', '/v1/networks/unblock', { network: '23415' })).status).toBe(200);
    const allowed = await onA.start('+447400500005', { connection: 'wifi' });
    expect(allowed.body.result.data).toMatchObject({ status: 'pending', channel: 'sms' });
  });
});
