import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { demoCompatCredentials } from '../../src/tenants/index.js';
import { otpClient, uniqueMobile, wrongCode } from '../http/otp-client.js';
import { startTestServer } from '../support/server.js';
import { startReceiver } from '../webhooks/receiver.js';

/**
 * The samples of docs/migrate-from-vonage.md and docs/migrate-from-twilio.md, run as written
 * against a real server with the demo site's documented credentials.
 */
const examples = fileURLToPath(new URL('../../../../docs/examples/', import.meta.url));
const demoKey = fileURLToPath(new URL('../../../../docs/demo-keys/vonage-demo-private.key', import.meta.url));
const { vonage, twilio } = demoCompatCredentials;

type Sample<Id> = {
  sendCode(phone: string): Promise<Id>;
  checkCode(idOrPhone: string, code: string): Promise<boolean>;
};

let server: RunningProofline;
let client: ReturnType<typeof otpClient>;

beforeAll(async () => {
  // The site's webhooks go to a receiver on 127.0.0.1.
  server = await startTestServer({ redis: true, env: { ALLOW_INSECURE_WEBHOOKS: 'true' } });
  client = otpClient(server.url);
  // The samples read their configuration from the environment, as deployed code does.
  Object.assign(process.env, {
    PROOFLINE_URL: server.url,
    VONAGE_APPLICATION_ID: vonage.applicationId,
    VONAGE_PRIVATE_KEY: demoKey,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_VERIFY_SERVICE_SID: twilio.serviceSid,
  });
});
afterAll(() => server?.close());

describe('migration samples', () => {
  it('vonage-verify.mjs: send, a wrong code, the right code', async () => {
    const sample = (await import(`${examples}vonage-verify.mjs`)) as Sample<string>;
    const phone = uniqueMobile();
    const requestId = await sample.sendCode(phone);
    const code = await client.latestCode(phone);
    expect(await sample.checkCode(requestId, wrongCode(code))).toBe(false);
    expect(await sample.checkCode(requestId, code)).toBe(true);
  });

  it('twilio-verify.mjs: send, a wrong code, the right code', async () => {
    const sample = (await import(`${examples}twilio-verify.mjs`)) as Sample<string>;
    const phone = uniqueMobile();
    expect(await sample.sendCode(phone)).toMatch(/^VE[0-9a-f]{32}$/);
    const code = await client.latestCode(phone);
    expect(await sample.checkCode(phone, wrongCode(code))).toBe(false);
    expect(await sample.checkCode(phone, code)).toBe(true);
  });

  it('vonage-network-unblock.sh', async () => {
    await server.deps.fraud.blocks.impose('pk_test_demo', '23410', 'O2 UK', 'pumping');
    const { stdout } = await promisify(execFile)('bash', [`${examples}vonage-network-unblock.sh`], {
      env: {
        PATH: process.env.PATH ?? '',
        PROOFLINE_URL: server.url,
        VONAGE_API_KEY: vonage.apiKey,
        VONAGE_API_SECRET: vonage.apiSecret,
      },
    });
    const answer = JSON.parse(stdout) as { network: string; unblocked_until: string };
    expect(answer.network).toBe('23410');
    expect(Date.parse(answer.unblocked_until)).toBeGreaterThan(Date.now() + 3_500_000);
  });
});

describe('Vonage callbacks and silent authentication', () => {
  it('vonage-summary.mjs hands a signed webhook’s summary to a Vonage status handler', async () => {
    const receiver = await startReceiver();
    try {
      const settings = await client.rest<{ webhook_secret: string }>(
        'PUT',
        '/v1/settings/phone-verification',
        { webhook_url: receiver.url },
      );
      const sample = (await import(`${examples}vonage-verify.mjs`)) as Sample<string>;
      const phone = uniqueMobile();
      const requestId = await sample.sendCode(phone);
      expect(await sample.checkCode(requestId, await client.latestCode(phone))).toBe(true);
      await receiver.receivedCount(1);
      const { headers, body } = receiver.received[0]!;

      const { vonageSummaryOf } = (await import(`${examples}vonage-summary.mjs`)) as {
        vonageSummaryOf(secret: string, headers: unknown, body: string): Record<string, unknown> | null;
      };
      expect(vonageSummaryOf(settings.body.webhook_secret!, headers, body)).toMatchObject({
        request_id: requestId,
        status: 'completed',
        type: 'summary',
        workflow: [
          { channel: 'sms', status: 'completed' },
          { channel: 'whatsapp', status: 'unused' },
        ],
      });
      expect(() => vonageSummaryOf('whsec_dGhpcyBpcyBub3QgdGhlIHNlY3JldA==', headers, body)).toThrow();
    } finally {
      await client.rest('PUT', '/v1/settings/phone-verification', { webhook_url: null });
      await receiver.close();
    }
  });

  it('vonage-verify.mjs startSilentAuth: the app opens checkUrl on the line, checkCode takes its code', async () => {
    const { startSilentAuth, checkCode } = (await import(`${examples}vonage-verify.mjs`)) as {
      startSilentAuth(phone: string): Promise<{ requestId: string; checkUrl: string }>;
      checkCode(requestId: string, code: string): Promise<boolean>;
    };
    const phone = uniqueMobile();
    const { requestId, checkUrl } = await startSilentAuth(phone);
    const device = await fetch(`${server.url}/sandbox/operator/device`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ phone }),
    });
    expect(device.status).toBe(200);
    const end = (await (await fetch(checkUrl)).json()) as { request_id: string; code: string };
    expect(end).toEqual({ request_id: requestId, code: expect.any(String) });
    expect(await checkCode(requestId, end.code)).toBe(true);
    expect(await client.inbox(phone)).toEqual([]);
  });
});
