import type { SendOtpOutput, VerificationRecordView, VerifyOtpOutput } from '@proofline/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, type RunningProofline } from '../../src/index.js';
import { type FakeProvider, sendJson, startFakeProvider } from '../messaging/fake-provider.js';
import { startTestServer } from '../support/server.js';
import { codeIn, otpClient, RELAXED_FRAUD_POLICY, uniqueMobile } from './otp-client.js';

/** Workflow fallback: SMS goes to a Twilio that refuses the number; WhatsApp and voice to the dev inbox. */
const clock = new ManualClock();
let twilio: FakeProvider;
let server: RunningProofline;
let client: ReturnType<typeof otpClient>;
beforeAll(async () => {
  twilio = await startFakeProvider((_request, response) =>
    sendJson(response, 400, {
      code: 21211,
      message: "The 'To' number is not a valid phone number.",
      status: 400,
    }),
  );
  server = await startTestServer({
    redis: true,
    clock,
    env: {
      FRAUD_POLICY: RELAXED_FRAUD_POLICY,
      MESSAGING_SMS: 'twilio',
      MESSAGING_WHATSAPP: 'dev',
      MESSAGING_VOICE: 'dev',
      TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
      TWILIO_AUTH_TOKEN: 'test-token',
      TWILIO_FROM: '+15005550006',
      TWILIO_BASE_URL: twilio.url,
    },
  });
  client = otpClient(server.url);
});
afterAll(async () => {
  await server.close();
  await twilio.close();
});

describe('workflow fallback', () => {
  it('a delivery failure moves on to the next channel at once', async () => {
    const phone = uniqueMobile();
    const started = await client.trpc('mutation', 'verification.start', {
      siteKey: 'pk_test_demo',
      phone,
      // On Wi-Fi: no silent step, the workflow starts with SMS.
      connection: 'wifi',
    });
    expect(started.data).toMatchObject({ status: 'pending', channel: 'whatsapp' });
    expect(twilio.requests).toHaveLength(1);
    const [message] = await client.inbox(phone);
    expect(message?.channel).toBe('whatsapp');

    const record = await client.rest<VerificationRecordView>(
      'GET',
      `/v1/verifications/${started.data.verificationId}`,
    );
    expect(record.body.workflow).toEqual([
      expect.objectContaining({ channel: 'sms', status: 'failed', reason: 'invalid_recipient' }),
      expect.objectContaining({ channel: 'whatsapp', status: 'sent' }),
    ]);
    const checked = await client.trpc('mutation', 'verification.check', {
      siteKey: 'pk_test_demo',
      verificationId: started.data.verificationId,
      code: codeIn(message!.body),
    });
    expect(checked.data).toMatchObject({ status: 'approved', channel: 'whatsapp' });
  });

  it('every channel failing ends the verification failed', async () => {
    const sent = await client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone: uniqueMobile(),
      channel: 'sms',
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ status: 'failed', reason: 'delivery_failed' });
  });

  it('a step timeout moves on when the verification is read; the earlier code still works', async () => {
    const phone = uniqueMobile();
    const sent = await client.rest<SendOtpOutput>('POST', '/v1/phone/send-otp', {
      phone,
      workflow: [{ channel: 'whatsapp' }, { channel: 'voice' }],
    });
    const id = sent.body.verification_id!;
    const whatsappCode = await client.latestCode(phone);
    clock.advance(59_999);
    expect((await client.rest<VerificationRecordView>('GET', `/v1/verifications/${id}`)).body.channel).toBe(
      'whatsapp',
    );
    clock.advance(1);
    const moved = await client.rest<VerificationRecordView>('GET', `/v1/verifications/${id}`);
    expect(moved.body).toMatchObject({ status: 'pending', channel: 'voice' });
    expect(moved.body.workflow?.map((step) => [step.channel, step.status])).toEqual([
      ['whatsapp', 'timed_out'],
      ['voice', 'sent'],
    ]);
    const messages = await client.inbox(phone);
    expect(messages.map((message) => message.channel)).toEqual(['voice', 'whatsapp']);

    const checked = await client.rest<VerifyOtpOutput>('POST', '/v1/phone/verify-otp', {
      verification_id: id,
      code: whatsappCode,
    });
    expect(checked.body.verification_status).toBe('verified');
  });

  it('resend with a channel jumps to it', async () => {
    const phone = uniqueMobile();
    const started = await client.trpc('mutation', 'verification.start', {
      siteKey: 'pk_test_demo',
      phone,
      channel: 'whatsapp',
    });
    clock.advance(30_000);
    const resent = await client.trpc('mutation', 'verification.resend', {
      siteKey: 'pk_test_demo',
      verificationId: started.data.verificationId,
      channel: 'voice',
    });
    expect(resent.data).toMatchObject({ status: 'pending', channel: 'voice', method: 'otp' });
    const [call] = await client.inbox(phone);
    expect(call?.channel).toBe('voice');
  });
});
