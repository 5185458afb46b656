import type { SendOtpOutput, VerificationRecordView, VerifyOtpOutput } from '@proofline/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, type RunningProofline } from '../../src/index.js';
import { startTestServer } from '../support/server.js';
import { otpClient, RELAXED_FRAUD_POLICY, uniqueMobile, wrongCode } from './otp-client.js';

/** Expiry, attempts, sends, cooldown, resend and start-again rules, with time moved by the clock port. */
const clock = new ManualClock();
let server: RunningProofline;
let client: ReturnType<typeof otpClient>;
beforeAll(async () => {
  server = await startTestServer({ redis: true, clock, env: { FRAUD_POLICY: RELAXED_FRAUD_POLICY } });
  client = otpClient(server.url);
});
afterAll(() => server.close());

async function sendOtp(phone = uniqueMobile()) {
  const sent = await client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  return { phone, id: sent.body.verification_id!, code: await client.latestCode(phone), sent: sent.body };
}

const verify = (id: string, code: string) =>
  client.rest<VerifyOtpOutput>('POST', '/v1/phone/verify-otp', { verification_id: id, code });

describe('time and limits', () => {
  it('a right code after the expiry is refused; the record says expired', async () => {
    const { id, code, sent } = await sendOtp();
    expect(Date.parse(sent.expires_at!) - clock.now()).toBe(10 * 60_000);
    clock.advance(10 * 60_000 - 1);
    const pending = await client.rest<VerificationRecordView>('GET', `/v1/verifications/${id}`);
    expect(pending.body.status).toBe('pending');
    clock.advance(1);
    const late = await verify(id, code);
    expect(late.body).toMatchObject({ verification_status: 'expired' });
    expect(late.body.token).toBeUndefined();
    const record = await client.rest<VerificationRecordView>('GET', `/v1/verifications/${id}`);
    expect(record.body).toMatchObject({ status: 'expired' });
    expect(record.body.workflow?.[0]).toMatchObject({ channel: 'sms', status: 'expired' });
  });

  it('five wrong codes end it max_attempts_reached, and the right code is refused after', async () => {
    const { id, code } = await sendOtp();
    for (const left of [4, 3, 2, 1]) {
      expect((await verify(id, wrongCode(code))).body).toMatchObject({
        verification_status: 'pending',
        attempts_left: left,
      });
    }
    expect((await verify(id, wrongCode(code))).body).toMatchObject({
      verification_status: 'max_attempts_reached',
      attempts_left: 0,
    });
    const right = await verify(id, code);
    expect(right.body).toMatchObject({ verification_status: 'max_attempts_reached', attempts_left: 0 });
    expect(right.body.token).toBeUndefined();
  });

  it('resend inside the cooldown is 429 resend_cooldown with Retry-After, counted from the first send', async () => {
    const { id, sent } = await sendOtp();
    expect(Date.parse(sent.resend_available_at!) - clock.now()).toBe(30_000);
    clock.advance(12_000);
    const early = await client.rest('POST', `/v1/verifications/${id}/resend`, {});
    expect(early.status).toBe(429);
    expect(early.headers.get('retry-after')).toBe('18');
    expect(early.body.error).toMatchObject({ code: 'resend_cooldown', details: { retry_after: 18 } });
    clock.advance(18_000);
    const resent = await client.rest<VerificationRecordView>('POST', `/v1/verifications/${id}/resend`, {});
    expect(resent.status).toBe(200);
    expect(resent.body.workflow?.map((step) => step.status)).toEqual(['replaced', 'sent']);
  });

  it('tRPC refuses an early resend with TOO_MANY_REQUESTS, data.code and data.retryAfter', async () => {
    const started = await client.trpc('mutation', 'verification.start', {
      siteKey: 'pk_test_demo',
      phone: uniqueMobile(),
      channel: 'sms',
    });
    const early = await client.trpc('mutation', 'verification.resend', {
      siteKey: 'pk_test_demo',
      verificationId: started.data.verificationId,
    });
    expect(early.status).toBe(429);
    expect(early.error?.data).toMatchObject({ code: 'resend_cooldown', retryAfter: 30 });
    expect(early.headers.get('retry-after')).toBe('30');
  });

  it('a resend kills the old code; the new one approves', async () => {
    const { id, phone, code: first } = await sendOtp();
    clock.advance(30_000);
    await client.rest('POST', `/v1/verifications/${id}/resend`, {});
    const second = await client.latestCode(phone);
    expect((await client.inbox(phone)).length).toBe(2);
    if (second !== first) {
      expect((await verify(id, first)).body).toMatchObject({
        verification_status: 'pending',
        attempts_left: 4,
      });
    }
    expect((await verify(id, second)).body).toMatchObject({ verification_status: 'verified' });
  });

  it('max sends: the sixth message is refused with max_sends_reached', async () => {
    const { id, phone } = await sendOtp();
    // The wait grows with each send: 30 s, 60 s, 120 s, 240 s.
    for (let resend = 0; resend < 4; resend++) {
      clock.advance(30_000 * 2 ** resend);
      expect((await client.rest('POST', `/v1/verifications/${id}/resend`, {})).status).toBe(200);
    }
    clock.advance(1_000);
    const refused = await client.rest('POST', `/v1/verifications/${id}/resend`, {});
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe('max_sends_reached');
    expect((await client.inbox(phone)).length).toBe(5);
  });

  it('starting again answers the live verification without sending; after it ends, a new one', async () => {
    const { id, phone } = await sendOtp();
    const again = await client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
    expect(again.body.verification_id).toBe(id);
    expect((await client.inbox(phone)).length).toBe(1);

    const canceled = await client.rest<VerificationRecordView>('POST', `/v1/verifications/${id}/cancel`);
    expect(canceled.body.status).toBe('canceled');
    const fresh = await client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone, channel: 'sms' });
    expect(fresh.body.verification_id).not.toBe(id);
    expect((await client.inbox(phone)).length).toBe(2);
    // Another site's secret cannot see it.
    const resent = await client.rest('POST', `/v1/verifications/${id}/resend`, {});
    expect(resent.status).toBe(409);
    expect(resent.body.error?.code).toBe('verification_closed');
  });

  it('verify-otp by phone finds the live verification', async () => {
    const { phone, code } = await sendOtp();
    const byPhone = await client.rest<VerifyOtpOutput>('POST', '/v1/phone/verify-otp', { phone, code });
    expect(byPhone.body).toMatchObject({ verification_status: 'verified', phone });
  });
});

describe('concurrency', () => {
  it('50 concurrent right codes approve once and issue one token', async () => {
    const { id, code } = await sendOtp();
    const answers = await Promise.all(Array.from({ length: 50 }, () => verify(id, code)));
    const tokens = answers.filter((answer) => answer.body.token !== undefined);
    expect(tokens).toHaveLength(1);
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(answers.some((answer) => answer.body.verification_status === 'max_attempts_reached')).toBe(false);
    const record = await client.rest<VerificationRecordView>('GET', `/v1/verifications/${id}`);
    expect(record.body.status).toBe('approved');
  });
});
