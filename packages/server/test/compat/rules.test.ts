import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { otpClient } from '../http/otp-client.js';
import { demoTwilio, sandboxSubscriber, startCompatServer, twilioClient, vonageClient } from './harness.js';

/**
 * The site's rules and the operator's facts act on verifications started through the facades
 * exactly as through `/v1`.
 */
let server: RunningProofline;
let client: ReturnType<typeof otpClient>;

const subscriber = (facts: Record<string, unknown>) => sandboxSubscriber(server, facts);

beforeAll(async () => {
  ({ server } = await startCompatServer());
  client = otpClient(server.url);
  for (const [ruleId, network, action] of [
    ['whatsapp-first', '23499', { type: 'send_otp', channel: 'whatsapp' }],
    ['blocked-network', '23498', { type: 'block', reason: 'network_not_served' }],
  ] as const) {
    const rule = await client.rest('POST', '/v1/workflows/rules', {
      rule_id: ruleId,
      trigger: 'verification_started',
      conditions: { all: [{ field: 'network', operator: 'eq', value: network }] },
      actions: [action],
    });
    expect(rule.status).toBe(201);
  }
});
afterAll(() => server?.close());

describe('rules through the facades', () => {
  it('a send_otp rule picks the channel of a Twilio create', async () => {
    const phone = await subscriber({ network: '23499' });
    const verify = twilioClient(server.url).verify.v2.services(demoTwilio.serviceSid);
    const created = await verify.verifications.create({ to: phone, channel: 'sms' });
    expect(created).toMatchObject({ status: 'pending', channel: 'whatsapp' });
    expect((await client.inbox(phone)).map((message) => message.channel)).toEqual(['whatsapp']);
  });

  it('a block rule: Twilio answers 60410, Vonage accepts and the request ends blocked', async () => {
    const verify = twilioClient(server.url).verify.v2.services(demoTwilio.serviceSid);
    const twilioPhone = await subscriber({ network: '23498' });
    await expect(verify.verifications.create({ to: twilioPhone, channel: 'sms' })).rejects.toMatchObject({
      status: 403,
      code: 60410,
    });

    const vonagePhone = await subscriber({ network: '23498' });
    const { requestId } = await vonageClient(server.url).newRequest({
      brand: 'Acme',
      workflow: [{ channel: 'sms' as never, to: vonagePhone }],
    });
    const record = await client.rest('GET', `/v1/verifications/${requestId}`);
    expect(record.body).toMatchObject({ status: 'blocked', reason: 'network_not_served' });
    expect(await client.inbox(vonagePhone)).toEqual([]);
  });
});

describe('operator facts through the facades', () => {
  it('an inactive line is refused before anything is sent: Twilio 60205, Vonage 403', async () => {
    const phone = await subscriber({ line_status: 'inactive' });
    const verify = twilioClient(server.url).verify.v2.services(demoTwilio.serviceSid);
    await expect(verify.verifications.create({ to: phone, channel: 'sms' })).rejects.toMatchObject({
      status: 400,
      code: 60205,
      message: 'This phone line is not active.',
    });
    await expect(
      vonageClient(server.url).newRequest({
        brand: 'Acme',
        workflow: [{ channel: 'sms' as never, to: phone }],
      }),
    ).rejects.toMatchObject({ response: { status: 403 } });
    expect(await client.inbox(phone)).toEqual([]);
  });
});
