import type {
  SendOtpOutput,
  SiteverifyOutput,
  VerificationRecordView,
  VerifyOtpOutput,
} from '@proofline/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { startTestServer } from '../support/server.js';
import { otpClient, uniqueMobile, wrongCode } from './otp-client.js';

/** The Done-when flow of issue 3, over real HTTP on the real Redis. */
let server: RunningProofline;
let client: ReturnType<typeof otpClient>;
beforeAll(async () => {
  server = await startTestServer({ redis: true });
  client = otpClient(server.url);
});
afterAll(() => server.close());

describe('OTP over REST', () => {
  it('send-otp → wrong ×2 → right → verified with a token → siteverify once', async () => {
    const phone = uniqueMobile();
    const sent = await client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone,
      channel: 'sms',
      action: 'signup',
      cdata: 'order-42',
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ status: 'pending', channel: 'sms', to: phone, attempts_left: 5 });
    expect(sent.body.verification_id).toMatch(/^ver_[a-z2-7]{26}$/);
    const id = sent.body.verification_id!;
    const code = await client.latestCode(phone);

    for (const left of [4, 3]) {
      const wrong = await client.rest<VerifyOtpOutput>('POST', '/v1/phone/verify-otp', {
        verification_id: id,
        code: wrongCode(code),
      });
      expect(wrong.status).toBe(200);
      expect(wrong.body).toMatchObject({
        verification_status: 'pending',
        attempts_left: left,
        verified_at: null,
      });
      expect(wrong.body.token).toBeUndefined();
    }

    const right = await client.rest<VerifyOtpOutput>('POST', '/v1/phone/verify-otp', {
      verification_id: id,
      code,
    });
    expect(right.status).toBe(200);
    expect(right.body).toMatchObject({ verification_status: 'verified', phone, attempts_left: 2 });
    expect(right.body.phone_intelligence).toMatchObject({ type: 'mobile', country: 'GB' });
    expect(typeof right.body.token).toBe('string');

    const first = await client.rest<SiteverifyOutput>('POST', '/v1/siteverify', {
      response: right.body.token,
    });
    expect(first.body).toMatchObject({
      success: true,
      phone,
      method: 'otp',
      channel: 'sms',
      action: 'signup',
      cdata: 'order-42',
      hostname: null,
      'error-codes': [],
    });
    const second = await client.rest<SiteverifyOutput>('POST', '/v1/siteverify', {
      response: right.body.token,
    });
    expect(second.body).toMatchObject({ success: false, 'error-codes': ['timeout-or-duplicate'] });

    // The final record stays readable, with its history.
    const record = await client.rest<VerificationRecordView>('GET', `/v1/verifications/${id}`);
    expect(record.status).toBe(200);
    expect(record.body).toMatchObject({
      verification_id: id,
      status: 'approved',
      method: 'otp',
      channel: 'sms',
      phone,
    });
    expect(record.body.workflow).toEqual([expect.objectContaining({ channel: 'sms', status: 'approved' })]);
  });

  it('answers the typed errors of docs/design.md', async () => {
    const badCode = await client.rest<VerifyOtpOutput>('POST', '/v1/phone/verify-otp', {
      verification_id: 'ver_x',
      code: '12ab',
    });
    expect(badCode.status).toBe(400);
    expect(badCode.body.error?.code).toBe('invalid_code');
    const unknown = await client.rest<VerifyOtpOutput>('POST', '/v1/phone/verify-otp', {
      verification_id: 'ver_aaaaaaaaaaaaaaaaaaaaaaaaaa',
      code: '123456',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.code).toBe('not_found');
    const badPhone = await client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', { phone: '12' });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error?.code).toBe('invalid_phone');
    const noSecret = await otpClient(server.url, { secret: 'sk_nope' }).rest('POST', '/v1/phone/send-otp', {
      phone: uniqueMobile(),
    });
    expect(noSecret.status).toBe(401);
  });
});

describe('OTP over tRPC', () => {
  it('start → wrong → right with an allowed Origin; hostname reaches siteverify', async () => {
    const phone = '+33612345678';
    const started = await client.trpc('mutation', 'verification.start', {
      siteKey: 'pk_test_demo',
      phone,
      channel: 'sms',
      action: 'login',
    });
    expect(started.status).toBe(200);
    expect(started.data).toMatchObject({
      status: 'pending',
      method: 'otp',
      channel: 'sms',
      to: '+33*****5678',
      attemptsLeft: 5,
    });
    const { verificationId } = started.data;
    const code = await client.latestCode(phone);
    expect((await client.inbox(phone))[0]!.body).toContain('@localhost #');

    const wrong = await client.trpc('mutation', 'verification.check', {
      siteKey: 'pk_test_demo',
      verificationId,
      code: wrongCode(code),
    });
    expect(wrong.data).toMatchObject({ status: 'pending', attemptsLeft: 4 });
    const right = await client.trpc('mutation', 'verification.check', {
      siteKey: 'pk_test_demo',
      verificationId,
      code,
    });
    expect(right.data).toMatchObject({ status: 'approved', method: 'otp' });
    const got = await client.trpc('query', 'verification.get', { siteKey: 'pk_test_demo', verificationId });
    expect(got.data).toMatchObject({ status: 'approved' });
    expect(got.data.token).toBeUndefined();

    const redeemed = await client.rest<SiteverifyOutput>('POST', '/v1/siteverify', {
      response: right.data.token,
    });
    expect(redeemed.body).toMatchObject({
      success: true,
      phone,
      method: 'otp',
      action: 'login',
      cdata: null,
      hostname: 'localhost',
    });
  });

  it('refuses a disallowed Origin', async () => {
    const refused = await client.trpc(
      'mutation',
      'verification.start',
      { siteKey: 'pk_test_demo', phone: '+33612345679' },
      'https://evil.example',
    );
    expect(refused.status).toBe(403);
    expect(refused.error?.data.code).toBe('origin_not_allowed');
  });
});
