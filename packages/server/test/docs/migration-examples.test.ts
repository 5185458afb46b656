import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { demoCompatCredentials } from '../../src/tenants/index.js';
import { otpClient, uniqueMobile, wrongCode } from '../http/otp-client.js';
import { startTestServer } from '../support/server.js';

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
  server = await startTestServer({ redis: true });
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
