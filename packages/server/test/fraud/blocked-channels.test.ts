import type { SendOtpOutput, VerificationSummary } from '@proofline/shared';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkInfo } from '../../src/fraud/index.js';
import type { RunningProofline } from '../../src/index.js';
import { codeIn, otpClient, RELAXED_FRAUD_POLICY } from '../http/otp-client.js';
import { eventually } from '../store/redis-servers.js';
import { type RestCall, restClient } from '../support/http-client.js';
import { startTestServer } from '../support/server.js';
import { startReceiver } from '../webhooks/receiver.js';

/**
 * A network block (or a number-prefix block) stops SMS and voice only: WhatsApp and email still go, so a
 * workflow moves on to them; with nothing left the verification ends `blocked`, and the site gets
 * the Vonage-style summary callback, signed per Standard Webhooks.
 */
const REASON = 'Fraudulent traffic detected for your account on network [ 23415 ].';
const PREFIX_REASON = 'Fraudulent traffic detected for your account on number range [ +44740031 ].';
const networkOf = async (): Promise<NetworkInfo> => ({ network: '23415', operatorName: 'Vodafone UK' });

let server: RunningProofline;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let webhookSecret: string;
let fraudBlocks: { impose: (...args: unknown[]) => Promise<unknown> };
let call: RestCall;

beforeAll(async () => {
  receiver = await startReceiver();
  server = await startTestServer({ redis: true, networkOf, env: { FRAUD_POLICY: RELAXED_FRAUD_POLICY } });
  call = restClient(server.url);
  const settings = await call('PUT', '/v1/settings/phone-verification', { webhook_url: receiver.url });
  webhookSecret = settings.body.webhook_secret;
  const fraud = (
    server.deps as unknown as { fraud: { blocks: { impose: (...args: unknown[]) => Promise<unknown> } } }
  ).fraud;
  await fraud.blocks.impose('pk_test_demo', '23415', 'Vodafone UK', REASON);
  fraudBlocks = fraud.blocks;
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});

async function sendOtp(body: unknown): Promise<SendOtpOutput> {
  const answer = await call<SendOtpOutput>('POST', '/v1/phone/send-otp', body);
  expect(answer.status).toBe(200);
  return answer.body;
}

describe('a blocked network', () => {
  it('skips SMS and delivers the code by WhatsApp, which then verifies', async () => {
    const phone = '+447400300001';
    const started = await sendOtp({ phone, workflow: [{ channel: 'sms' }, { channel: 'whatsapp' }] });
    expect(started).toMatchObject({ status: 'pending', channel: 'whatsapp' });
    const client = otpClient(server.url);
    const messages = await client.inbox(phone);
    expect(messages.map((message) => message.channel)).toEqual(['whatsapp']);
    const verified = await client.rest<{ verification_status: string }>('POST', '/v1/phone/verify-otp', {
      verification_id: started.verification_id,
      code: codeIn(messages[0]!.body),
    });
    expect(verified.body.verification_status).toBe('verified');

    const { body: record } = await call<{ workflow: { channel: string; status: string; reason?: string }[] }>(
      'GET',
      `/v1/verifications/${started.verification_id}`,
    );
    expect(record.workflow[0]).toMatchObject({ channel: 'sms', status: 'blocked', reason: REASON });
  });

  it('ends blocked when only SMS and voice were asked, sends nothing, and calls the site back', async () => {
    const phone = '+447400300002';
    const started = await sendOtp({ phone, workflow: [{ channel: 'sms' }, { channel: 'voice' }] });
    expect(started).toMatchObject({ status: 'blocked', reason: REASON });
    expect(await otpClient(server.url).inbox(phone)).toEqual([]);

    // The dispatcher delivers from its queue in the background.
    const delivery = await eventually(async () => {
      const found = receiver.received.find((entry) => entry.body.includes('"verification.blocked"'));
      if (!found) throw new Error('no verification.blocked delivery yet');
      return found;
    });
    const event = new Webhook(webhookSecret).verify(delivery.body, {
      'webhook-id': String(delivery.headers['webhook-id']),
      'webhook-timestamp': String(delivery.headers['webhook-timestamp']),
      'webhook-signature': String(delivery.headers['webhook-signature']),
    }) as { type: string; data: VerificationSummary };
    expect(event.type).toBe('verification.blocked');
    expect(event.data).toMatchObject({
      request_id: started.verification_id,
      status: 'blocked',
      type: 'summary',
      workflow: [
        { channel: 'sms', status: 'blocked', reason: REASON },
        { channel: 'voice', status: 'blocked', reason: REASON },
      ],
    });
  });

  it('a blocked prefix skips SMS and voice the same way, naming the number range', async () => {
    // The site lets the network through: the prefix block alone stops SMS and voice to its range.
    const unblocked = await call('POST', '/v1/networks/unblock', { network: '23415' });
    expect(unblocked.status).toBe(200);
    await fraudBlocks.impose('pk_test_demo', '+44740031', 'Vodafone UK', 'test');
    const phone = '+447400310001';
    const started = await sendOtp({
      phone,
      workflow: [{ channel: 'sms' }, { channel: 'voice' }, { channel: 'whatsapp' }],
    });
    expect(started).toMatchObject({ status: 'pending', channel: 'whatsapp' });
    expect((await otpClient(server.url).inbox(phone)).map((message) => message.channel)).toEqual([
      'whatsapp',
    ]);
    const { body: record } = await call<{ workflow: { channel: string; status: string; reason?: string }[] }>(
      'GET',
      `/v1/verifications/${started.verification_id}`,
    );
    // Another range of the network gets its SMS.
    const other = await sendOtp({ phone: '+447400320001', workflow: [{ channel: 'sms' }] });
    expect(other).toMatchObject({ status: 'pending', channel: 'sms' });
    expect(record.workflow.slice(0, 2)).toEqual([
      expect.objectContaining({ channel: 'sms', status: 'blocked', reason: PREFIX_REASON }),
      expect.objectContaining({ channel: 'voice', status: 'blocked', reason: PREFIX_REASON }),
    ]);
  });
});
