import { readFileSync } from 'node:fs';
import { Auth } from '@vonage/auth';
import { Verify2 } from '@vonage/verify2';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { ManualClock } from '../../src/clock/index.js';
import type { RunningProofline } from '../../src/index.js';
import { demoCompatCredentials } from '../../src/tenants/index.js';
import { startTestServer } from '../support/server.js';

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
