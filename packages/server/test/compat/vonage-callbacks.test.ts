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
async function openOnDevice(
  checkUrl: string,
): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
  const answer = await fetch(checkUrl);
  return {
    status: answer.status,
    type: answer.headers.get('content-type') ?? '',
    body: (await answer.json()) as Record<string, unknown>,
  };
}

/** Vonage's answer when silent authentication could not recognise the line (its 412). */
const silentAuthFailed = (detail: string) => ({
  status: 412,
  type: expect.stringContaining('application/problem+json'),
  body: {
    type: 'https://developer.vonage.com/api-errors/verify-v2#precondition-failed',
    title: 'Silent authentication failed',
    detail,
    instance: expect.any(String),
  },
});

const silentThenSms = (phone: string) => ({
  brand: 'Acme',
  workflow: [
    { channel: 'silent_auth' as never, to: phone.slice(1) },
    { channel: 'sms' as never, to: phone.slice(1) },
  ],
});

/** A request started through the SDK whose device completed silent authentication: its code. */
async function silentlyVerified(phone: string): Promise<{ requestId: string; code: string }> {
  const { requestId, checkUrl } = await vonage.newRequest(silentThenSms(phone));
  await deviceOn(phone);
  const device = await openOnDevice(checkUrl!);
  expect(device).toEqual({
    status: 200,
    type: expect.stringContaining('application/json'),
    body: { request_id: requestId, code: expect.any(String) },
  });
  return { requestId, code: device.body.code as string };
}

describe('silent_auth through @vonage/verify2', () => {
  it('check_url ends with {request_id, code}; the SDK checks that code and the request completes', async () => {
    const phone = uniqueMobile();
    const { requestId, code } = await silentlyVerified(phone);
    expect(await vonage.checkCode(requestId, code)).toBe('completed');
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
  });

  it('a wrong code, or the code of another request, is 400 Invalid Code; the right one still completes', async () => {
    const first = await silentlyVerified(uniqueMobile());
    const second = await silentlyVerified(uniqueMobile());
    expect(first.code).not.toBe(second.code);
    for (const [requestId, code] of [
      [first.requestId, second.code],
      [first.requestId, '123456'],
      [second.requestId, first.code],
    ] as const) {
      const refused = await vonage
        .checkCode(requestId, code)
        .catch((error: { response: Response }) => error.response);
      expect(refused).toMatchObject({ status: 400 });
      expect(await (refused as Response).json()).toMatchObject({
        title: 'Invalid Code',
        detail: 'The code you provided does not match the expected value.',
      });
    }
    expect(await vonage.checkCode(first.requestId, first.code)).toBe('completed');
    expect(await vonage.checkCode(second.requestId, second.code)).toBe('completed');
  });

  it('the device on another line: check_url ends in 412, the SMS step follows and its code completes', async () => {
    const phone = uniqueMobile();
    const { requestId, checkUrl } = await vonage.newRequest(silentThenSms(phone));
    await deviceOn(uniqueMobile());
    expect(await openOnDevice(checkUrl!)).toEqual(silentAuthFailed('Device MSISDN does not match.'));
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

  it('silent_auth alone, the device on Wi-Fi: check_url ends in 412 and the request fails', async () => {
    const phone = uniqueMobile();
    const { requestId, checkUrl } = await vonage.newRequest({
      brand: 'Acme',
      workflow: [{ channel: 'silent_auth' as never, to: phone }],
    });
    await deviceOn(null);
    expect(await openOnDevice(checkUrl!)).toEqual(
      silentAuthFailed('The silent auth verification cannot be completed.'),
    );
    expect(await summaryOf(requestId, 'verification.failed')).toMatchObject({
      status: 'failed',
      workflow: [{ channel: 'silent_auth', status: 'failed' }],
    });
    expect(await client.inbox(phone)).toEqual([]);
  });

  it('a silent start over /v1 still ends with Proofline’s own answer', async () => {
    const phone = uniqueMobile();
    const started = await client.rest<{ verification_id: string; auth_url: string }>(
      'POST',
      '/v1/silent/start',
      { phone },
    );
    expect(started.status).toBe(200);
    await deviceOn(phone);
    expect(await openOnDevice(started.body.auth_url!)).toEqual({
      status: 200,
      type: expect.stringContaining('application/json'),
      body: { verification_id: started.body.verification_id, status: 'approved', method: 'silent' },
    });
    // No Vonage code belongs to it: the Vonage check finds a request verified already.
    const refused = await vonage
      .checkCode(started.body.verification_id!, '123456')
      .catch((error: { response: Response }) => error.response);
    expect(refused).toMatchObject({ status: 404 });
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
