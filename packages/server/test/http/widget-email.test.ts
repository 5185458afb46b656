import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, type RunningProofline } from '../../src/index.js';
import { startTestServer } from '../support/server.js';
import { codeIn, otpClient, RELAXED_FRAUD_POLICY, uniqueMobile } from './otp-client.js';

/**
 * What the widget needs of the server beyond the phone flow: an email address given on resend (the
 * widget's email step), and setup errors it can read from any page (to tell the developer).
 */
const clock = new ManualClock();
let server: RunningProofline;
let client: ReturnType<typeof otpClient>;

beforeAll(async () => {
  server = await startTestServer({ redis: true, clock, env: { FRAUD_POLICY: RELAXED_FRAUD_POLICY } });
  client = otpClient(server.url);
});

afterAll(async () => {
  await server?.close();
});

async function started(): Promise<string> {
  const start = await client.trpc('mutation', 'verification.start', {
    siteKey: 'pk_test_demo',
    phone: uniqueMobile(),
    connection: 'wifi',
  });
  expect(start.data).toMatchObject({ status: 'pending', channel: 'sms' });
  clock.advance(31_000);
  return start.data.verificationId;
}

describe('verification.resend with an email address', () => {
  it('sends the code to the address and approves with it', async () => {
    const verificationId = await started();
    const address = `User-${Math.random().toString(36).slice(2)}@Example.com`;
    const resent = await client.trpc('mutation', 'verification.resend', {
      siteKey: 'pk_test_demo',
      verificationId,
      channel: 'email',
      email: address,
    });
    expect(resent.data).toMatchObject({ status: 'pending', channel: 'email' });
    expect(resent.data.to).not.toContain(address.split('@')[0]!.toLowerCase());
    const [message] = await client.inbox(address.toLowerCase());
    expect(message?.channel).toBe('email');
    const checked = await client.trpc('mutation', 'verification.check', {
      siteKey: 'pk_test_demo',
      verificationId,
      code: codeIn(message!.body),
    });
    expect(checked.data).toMatchObject({ status: 'approved', channel: 'email' });
  });

  it('refuses email without an address, and an address that is not one', async () => {
    const verificationId = await started();
    const none = await client.trpc('mutation', 'verification.resend', {
      siteKey: 'pk_test_demo',
      verificationId,
      channel: 'email',
    });
    expect(none.status).toBe(403);
    expect(none.error?.data.code).toBe('channel_not_allowed');
    const bad = await client.trpc('mutation', 'verification.resend', {
      siteKey: 'pk_test_demo',
      verificationId,
      channel: 'email',
      email: 'not an address',
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.error)).toContain('email');
  });

  it('refuses email when the site does not offer it', async () => {
    const settings = (channels: string[]) =>
      client.rest('PUT', '/v1/settings/phone-verification', { channels });
    expect((await settings(['sms', 'whatsapp'])).status).toBe(200);
    try {
      const verificationId = await started();
      const refused = await client.trpc('mutation', 'verification.resend', {
        siteKey: 'pk_test_demo',
        verificationId,
        channel: 'email',
        email: 'user@example.com',
      });
      expect(refused.status).toBe(403);
      expect(refused.error?.data.code).toBe('channel_not_allowed');
    } finally {
      await settings(['sms', 'whatsapp', 'voice', 'email']);
    }
  });
});

describe('setup errors the widget can read', () => {
  const config = (siteKey: string, origin: string) =>
    fetch(`${server.url}/trpc/config.get?input=${encodeURIComponent(JSON.stringify({ siteKey }))}`, {
      headers: { origin },
    });

  it('config.get answers a page of an origin the site does not allow, readable, with origin_not_allowed', async () => {
    const response = await config('pk_test_demo', 'https://not-allowed.example');
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://not-allowed.example');
    const body = (await response.json()) as { error: { data: { code: string } } };
    expect(body.error.data.code).toBe('origin_not_allowed');
  });

  it('config.get tells an unknown site key apart: invalid_site_key', async () => {
    const response = await config('pk_nobody', 'https://not-allowed.example');
    expect(response.status).toBe(401);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://not-allowed.example');
    const body = (await response.json()) as { error: { data: { code: string } } };
    expect(body.error.data.code).toBe('invalid_site_key');
  });

  it('still answers no CORS preflight for the other procedures from that origin', async () => {
    const preflight = await fetch(`${server.url}/trpc/verification.start`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://not-allowed.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});
