import type { Verify2 } from '@vonage/verify2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/clock/index.js';
import type { RunningProofline } from '../../src/index.js';
import { otpClient, uniqueMobile, wrongCode } from '../http/otp-client.js';
import { siteWebhooks, startCompatServer, vonageClient } from './harness.js';

/**
 * Vonage's `summary` callback for every way a request started with `@vonage/verify2` ends, as the
 * site's webhook endpoint receives it (real HTTP, Standard Webhooks signature checked).
 */
let server: RunningProofline;
let clock: ManualClock;
let vonage: Verify2;
let client: ReturnType<typeof otpClient>;
let webhooks: Awaited<ReturnType<typeof siteWebhooks>>;

beforeAll(async () => {
  ({ server, clock } = await startCompatServer());
  vonage = vonageClient(server.url);
  client = otpClient(server.url);
  webhooks = await siteWebhooks(server);
});
afterAll(async () => {
  await webhooks?.close();
  await server?.close();
});

const smsThenWhatsApp = (phone: string) => ({
  brand: 'Acme',
  clientRef: 'order-42',
  workflow: [
    { channel: 'sms' as never, to: phone },
    { channel: 'whatsapp' as never, to: phone },
  ],
});
const rejected = (work: Promise<unknown>) =>
  work.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: { response: { status: number } }) => error.response.status,
  );

describe('summary callbacks of requests started through the Vonage facade', () => {
  it('completed: the walked step completed, the step never reached unused', async () => {
    const phone = uniqueMobile();
    const { requestId } = await vonage.newRequest(smsThenWhatsApp(phone));
    expect(await vonage.checkCode(requestId, await client.latestCode(phone))).toBe('completed');
    const event = await webhooks.eventOf(requestId);
    expect(event.type).toBe('verification.approved');
    expect(event.data).toEqual({
      request_id: requestId,
      submitted_at: expect.any(String),
      status: 'completed',
      type: 'summary',
      channel_timeout: 60,
      workflow: [
        { channel: 'sms', initiated_at: expect.any(String), status: 'completed', reason: null },
        { channel: 'whatsapp', initiated_at: null, status: 'unused', reason: null },
      ],
      finalized_at: expect.any(String),
      client_ref: 'order-42',
      applicant_id: null,
    });
    expect(event.data.finalized_at).toBe(new Date(clock.now()).toISOString());
  });

  it('failed: too many wrong codes', async () => {
    const phone = uniqueMobile();
    const { requestId } = await vonage.newRequest({ ...smsThenWhatsApp(phone), channelTimeout: 300 });
    const code = wrongCode(await client.latestCode(phone));
    for (let attempt = 1; attempt < 5; attempt++)
      expect(await rejected(vonage.checkCode(requestId, code))).toBe(400);
    expect(await rejected(vonage.checkCode(requestId, code))).toBe(410);
    const event = await webhooks.eventOf(requestId);
    expect(event.type).toBe('verification.failed');
    expect(event.data).toMatchObject({
      request_id: requestId,
      status: 'failed',
      type: 'summary',
      channel_timeout: 300,
      workflow: [
        { channel: 'sms', status: 'failed' },
        { channel: 'whatsapp', status: 'unused' },
      ],
    });
  });

  it('expired: the code was not used in time, after next_workflow moved on', async () => {
    const phone = uniqueMobile();
    const { requestId } = await vonage.newRequest(smsThenWhatsApp(phone));
    clock.advance(30_000);
    expect(await vonage.nextWorkflow(requestId)).toBe(true);
    clock.advance(10 * 60_000);
    // The next use of the request finds it expired: Vonage's "not found or verified already".
    expect(await rejected(vonage.checkCode(requestId, await client.latestCode(phone)))).toBe(404);
    const event = await webhooks.eventOf(requestId);
    expect(event.type).toBe('verification.failed');
    expect(event.data).toMatchObject({
      status: 'expired',
      type: 'summary',
      workflow: [
        { channel: 'sms', status: 'expired' },
        { channel: 'whatsapp', status: 'expired' },
      ],
    });
  });

  it('blocked: a rule stops the request before anything is sent', async () => {
    const phone = uniqueMobile();
    const subscriber = await fetch(
      `${server.url}/sandbox/operator/subscribers/${encodeURIComponent(phone)}`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ network: '23496' }),
      },
    );
    expect(subscriber.status).toBe(200);
    const rule = await client.rest('POST', '/v1/workflows/rules', {
      rule_id: 'network-23496',
      trigger: 'verification_started',
      conditions: { all: [{ field: 'network', operator: 'eq', value: '23496' }] },
      actions: [{ type: 'block', reason: 'network_not_served' }],
    });
    expect(rule.status).toBe(201);
    const { requestId } = await vonage.newRequest(smsThenWhatsApp(phone));
    const event = await webhooks.eventOf(requestId);
    expect(event.type).toBe('verification.blocked');
    expect(event.data).toMatchObject({
      status: 'blocked',
      type: 'summary',
      workflow: [
        { channel: 'sms', initiated_at: null, status: 'unused' },
        { channel: 'whatsapp', initiated_at: null, status: 'unused' },
      ],
      client_ref: 'order-42',
    });
    expect(await client.inbox(phone)).toEqual([]);
  });

  it('a request started over /v1 keeps Proofline’s own webhook body', async () => {
    const phone = uniqueMobile();
    const sent = await client.rest<{ verification_id: string }>('POST', '/v1/phone/send-otp', { phone });
    const checked = await client.rest('POST', '/v1/phone/verify-otp', {
      verification_id: sent.body.verification_id,
      code: await client.latestCode(phone),
    });
    expect(checked.body).toMatchObject({ verification_status: 'verified' });
    const event = await webhooks.eventOf(sent.body.verification_id!);
    expect(event.type).toBe('verification.approved');
    expect(event.data).toMatchObject({ verification_id: sent.body.verification_id, status: 'approved' });
    expect(event.data.type).toBeUndefined();
  });
});
