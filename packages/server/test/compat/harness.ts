import { readFileSync } from 'node:fs';
import { Auth } from '@vonage/auth';
import { Verify2 } from '@vonage/verify2';
import { Webhook } from 'standardwebhooks';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { expect } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import type { RunningProofline } from '../../src/index.js';
import { demoCompatCredentials } from '../../src/tenants/index.js';
import { otpClient, uniqueMobile } from '../http/otp-client.js';
import { startTestServer } from '../support/server.js';
import { startReceiver } from '../webhooks/receiver.js';

export const demoVonage = demoCompatCredentials.vonage;
export const demoTwilio = demoCompatCredentials.twilio;
export const vonageDemoPrivateKey = readFileSync(
  new URL('../../../../docs/demo-keys/vonage-demo-private.key', import.meta.url),
  'utf8',
);

/** A server on real Redis with the default fraud policy, and a clock the test moves. */
export async function startCompatServer(): Promise<{ server: RunningProofline; clock: ManualClock }> {
  const clock = new ManualClock(Date.now());
  // Webhooks may go to a receiver on 127.0.0.1.
  const server = await startTestServer({ redis: true, clock, env: { ALLOW_INSECURE_WEBHOOKS: 'true' } });
  return { server, clock };
}

/** The official Vonage client with only its host changed; JWT from the demo application, as the SDK does it. */
export function vonageClient(baseUrl: string): Verify2 {
  return new Verify2(
    new Auth({ applicationId: demoVonage.applicationId, privateKey: vonageDemoPrivateKey }),
    {
      apiHost: baseUrl,
    },
  );
}

type RequestOptions<TData> = RequestClient.RequestOptions<TData>;

/** Twilio's own HTTP client, sending each request to `baseUrl` instead of Twilio's host; nothing else changes. */
export class HostRewritingClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super();
  }

  override request<TData>(options: RequestOptions<TData>) {
    const target = new URL(options.uri);
    const local = new URL(this.baseUrl);
    target.protocol = local.protocol;
    target.host = local.host;
    return super.request<TData>({ ...options, uri: target.href });
  }
}

/** The official Twilio client with only its host changed. */
export function twilioClient(baseUrl: string) {
  return twilio(demoTwilio.accountSid, demoTwilio.authToken, {
    httpClient: new HostRewritingClient(baseUrl),
  });
}

export type SiteEvent = { type: string; timestamp: string; data: Record<string, unknown> };

/**
 * The site's webhook endpoint, as the site runs it: a real HTTP receiver on 127.0.0.1 that trusts
 * an event only once its Standard Webhooks signature checks out with the site's secret.
 */
export async function siteWebhooks(server: RunningProofline) {
  const receiver = await startReceiver();
  const client = otpClient(server.url);
  const settings = await client.rest<{ webhook_secret: string }>('PUT', '/v1/settings/phone-verification', {
    webhook_url: receiver.url,
  });
  const webhook = new Webhook(settings.body.webhook_secret!);
  // The signature is checked with the package's own signer: `verify` would also compare the
  // timestamp with the wall clock, which the tests' manual clock runs ahead of.
  const verified = () =>
    receiver.received.map(({ headers, body }) => {
      const signed = webhook.sign(
        String(headers['webhook-id']),
        new Date(Number(headers['webhook-timestamp']) * 1000),
        body,
      );
      expect(String(headers['webhook-signature']).split(' ')).toContain(signed);
      return JSON.parse(body) as SiteEvent;
    });
  return {
    /** The first event whose data names `requestId` (Vonage's `request_id` or Proofline's id). */
    async eventOf(requestId: string): Promise<SiteEvent> {
      for (;;) {
        const found = verified().find(
          ({ data }) => data.request_id === requestId || data.verification_id === requestId,
        );
        if (found) return found;
        await receiver.receivedCount(receiver.received.length + 1);
      }
    },
    async close(): Promise<void> {
      await client.rest('PUT', '/v1/settings/phone-verification', { webhook_url: null });
      await receiver.close();
    },
  };
}

/** A new number the sandbox operator knows with these facts (network, line status, …). */
export async function sandboxSubscriber(server: RunningProofline, facts: Record<string, unknown>) {
  const phone = uniqueMobile();
  const answer = await fetch(`${server.url}/sandbox/operator/subscribers/${encodeURIComponent(phone)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(facts),
  });
  expect(answer.status).toBe(200);
  return phone;
}
