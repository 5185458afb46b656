import type { Verify2 } from '@vonage/verify2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { otpClient, uniqueMobile } from '../http/otp-client.js';
import { siteWebhooks, startCompatServer, vonageClient } from './harness.js';

/**
 * Vonage's `silent_auth` step through `@vonage/verify2` against the sandbox operator: the start
 * answers `check_url`, the device opens it on mobile data (the sandbox's device is on a line), and
 * the request completes, or moves on to the next step of its workflow.
 */
let server: RunningProofline;
let vonage: Verify2;
let client: ReturnType<typeof otpClient>;
let webhooks: Awaited<ReturnType<typeof siteWebhooks>>;

beforeAll(async () => {
  ({ server } = await startCompatServer());
  vonage = vonageClient(server.url);
  client = otpClient(server.url);
  webhooks = await siteWebhooks(server);
});
afterAll(async () => {
  await webhooks?.close();
  await server?.close();
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
    const event = await webhooks.eventOf(requestId);
    expect(event.data).toMatchObject({
      status: 'completed',
      type: 'summary',
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
    const event = await webhooks.eventOf(requestId);
    expect(event.data).toMatchObject({
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
    const answer = await fetch(checkUrl!);
    expect(answer.ok).toBe(true);
    expect(await answer.json()).toMatchObject({ verification_id: requestId, status: 'failed' });
    const event = await webhooks.eventOf(requestId);
    expect(event).toMatchObject({
      type: 'verification.failed',
      data: { status: 'failed', workflow: [{ channel: 'silent_auth', status: 'failed' }] },
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
