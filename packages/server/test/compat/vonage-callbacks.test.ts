import type { Verify2 } from '@vonage/verify2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/clock/index.js';
import type { RunningProofline } from '../../src/index.js';
import { otpClient, uniqueMobile, wrongCode } from '../http/otp-client.js';
import { sandboxSubscriber, siteWebhooks, startCompatServer, vonageClient } from './harness.js';

/**
 * What a site hears of requests started with `@vonage/verify2`: Vonage's `summary` callback for
 * every way one ends, as its webhook endpoint receives it (real HTTP, Standard Webhooks signature
 * checked), and `silent_auth` against the sandbox operator: the start answers `check_url`, the
 * device opens it on mobile data, and the request completes or moves on to its next step.
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

/** The summary the site's endpoint received for the request, in an event of `eventType`. */
async function summaryOf(requestId: string, eventType: string): Promise<Record<string, unknown>> {
  const event = await webhooks.eventOf(requestId);
  expect(event).toMatchObject({ type: eventType, data: { request_id: requestId, type: 'summary' } });
  return event.data;
}

describe('summary callbacks of requests started through the Vonage facade', () => {
  it('completed: the walked step completed, the step never reached unused', async () => {
    const phone = uniqueMobile();
    const { requestId } = await vonage.newRequest(smsThenWhatsApp(phone));
    expect(await vonage.checkCode(requestId, await client.latestCode(phone))).toBe('completed');
    const summary = await summaryOf(requestId, 'verification.approved');
    expect(summary).toEqual({
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
    expect(summary.finalized_at).toBe(new Date(clock.now()).toISOString());
  });

  it('failed: too many wrong codes', async () => {
    const phone = uniqueMobile();
    const { requestId } = await vonage.newRequest({ ...smsThenWhatsApp(phone), channelTimeout: 300 });
    const code = wrongCode(await client.latestCode(phone));
    for (let attempt = 1; attempt < 5; attempt++)
      expect(await rejected(vonage.checkCode(requestId, code))).toBe(400);
    expect(await rejected(vonage.checkCode(requestId, code))).toBe(410);
    expect(await summaryOf(requestId, 'verification.failed')).toMatchObject({
      status: 'failed',
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
    expect(await summaryOf(requestId, 'verification.failed')).toMatchObject({
      status: 'expired',
      workflow: [
        { channel: 'sms', status: 'expired' },
        { channel: 'whatsapp', status: 'expired' },
      ],
    });
  });

  it('blocked: a rule stops the request before anything is sent', async () => {
    const phone = await sandboxSubscriber(server, { network: '23496' });
    const rule = await client.rest('POST', '/v1/workflows/rules', {
      rule_id: 'network-23496',
      trigger: 'verification_started',
      conditions: { all: [{ field: 'network', operator: 'eq', value: '23496' }] },
      actions: [{ type: 'block', reason: 'network_not_served' }],
    });
    expect(rule.status).toBe(201);
    const { requestId } = await vonage.newRequest(smsThenWhatsApp(phone));
    expect(await summaryOf(requestId, 'verification.blocked')).toMatchObject({
      status: 'blocked',
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

/** Which line the sandbox's device is on when it opens check_url; null is Wi-Fi. */
async function deviceOn(phone: string | null): Promise<void> {
  const answer = await fetch(`${server.url}/sandbox/operator/device`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ phone }),
  });
  expect(answer.status).toBe(200);
}

/** The device opening check_url as an HTTP client does: following every redirect to the end. */
async function openOnDevice(checkUrl: string): Promise<Record<string, unknown>> {
  const answer = await fetch(checkUrl);
  expect(answer.status).toBe(200);
  return (await answer.json()) as Record<string, unknown>;
}

const silentThenSms = (phone: string) => ({
  brand: 'Acme',
  workflow: [
    { channel: 'silent_auth' as never, to: phone.slice(1) },
    { channel: 'sms' as never, to: phone.slice(1) },
  ],
});

describe('silent_auth through @vonage/verify2', () => {
  it('the device on the line opens check_url and the request completes, no code sent', async () => {
    const phone = uniqueMobile();
    const { requestId, checkUrl } = await vonage.newRequest(silentThenSms(phone));
    expect(new URL(checkUrl!).pathname).toBe('/sandbox/operator/authorize');
    await deviceOn(phone);
    expect(await openOnDevice(checkUrl!)).toEqual({
      verification_id: requestId,
      status: 'approved',
      method: 'silent',
    });
    const native = await client.rest('GET', `/v1/verifications/${requestId}`);
    expect(native.body).toMatchObject({ status: 'approved', method: 'silent', phone });
    expect(await client.inbox(phone)).toEqual([]);
    expect(await summaryOf(requestId, 'verification.approved')).toMatchObject({
      status: 'completed',
      workflow: [
        { channel: 'silent_auth', status: 'completed' },
        { channel: 'sms', status: 'unused' },
      ],
    });
    // Verified already: a code check finds nothing to complete, as at Vonage.
    await expect(vonage.checkCode(requestId, '123456')).rejects.toMatchObject({ response: { status: 404 } });
  });

  it('the device on another line: the SMS step follows and its code completes the request', async () => {
    const phone = uniqueMobile();
    const { requestId, checkUrl } = await vonage.newRequest(silentThenSms(phone));
    await deviceOn(uniqueMobile());
    expect(await openOnDevice(checkUrl!)).toEqual({
      verification_id: requestId,
      status: 'pending',
      method: 'otp',
    });
    expect((await client.inbox(phone)).map((message) => message.channel)).toEqual(['sms']);
    expect(await vonage.checkCode(requestId, await client.latestCode(phone))).toBe('completed');
    expect(await summaryOf(requestId, 'verification.approved')).toMatchObject({
      status: 'completed',
      workflow: [
        { channel: 'silent_auth', status: 'user_rejected', reason: 'silent_number_mismatch' },
        { channel: 'sms', status: 'completed' },
      ],
    });
  });

  it('silent_auth alone, the device on Wi-Fi: the request fails', async () => {
    const phone = uniqueMobile();
    const { requestId, checkUrl } = await vonage.newRequest({
      brand: 'Acme',
      workflow: [{ channel: 'silent_auth' as never, to: phone }],
    });
    await deviceOn(null);
    expect(await openOnDevice(checkUrl!)).toMatchObject({ verification_id: requestId, status: 'failed' });
    expect(await summaryOf(requestId, 'verification.failed')).toMatchObject({
      status: 'failed',
      workflow: [{ channel: 'silent_auth', status: 'failed' }],
    });
    expect(await client.inbox(phone)).toEqual([]);
  });

  it('silent_auth anywhere but first is 422 naming the step', async () => {
    const phone = uniqueMobile();
    const refused = await vonage
      .newRequest({
        brand: 'Acme',
        workflow: [
          { channel: 'sms' as never, to: phone },
          { channel: 'silent_auth' as never, to: phone },
        ],
      })
      .catch((error: { response: Response }) => error.response);
    expect(refused).toMatchObject({ status: 422 });
    expect(await (refused as Response).json()).toMatchObject({
      invalid_parameters: [{ name: 'workflow[1].channel' }],
    });
    expect(await client.inbox(phone)).toEqual([]);
  });
});
