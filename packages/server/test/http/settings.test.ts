import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { startTestServer } from '../support/server.js';

let server: RunningProofline;
beforeAll(async () => {
  server = await startTestServer({ redis: true });
});
afterAll(() => server.close());

const secret = { authorization: 'Bearer sk_test_demo' };
const json = { ...secret, 'content-type': 'application/json' };

async function put(body: unknown) {
  return fetch(`${server.url}/v1/settings/phone-verification`, {
    method: 'PUT',
    headers: json,
    body: JSON.stringify(body),
  });
}

describe('settings', () => {
  it('answers the defaults of docs/design.md', async () => {
    const response = await fetch(`${server.url}/v1/settings/phone-verification`, { headers: secret });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      require_otp: true,
      otp_expiry_minutes: 10,
      max_otp_attempts: 5,
      max_sends: 5,
      resend_cooldown_seconds: 30,
      code_length: 6,
      channels: ['sms', 'whatsapp', 'voice', 'email'],
      silent: true,
      block_voip: false,
      flag_voip: true,
      block_virtual: false,
      block_premium: true,
      sim_swap_check: true,
      sim_swap_threshold_days: 7,
      allowed_countries: null,
      webhook_url: null,
      webhook_secret: null,
      kyc_policy: { min_score: 80 },
      risk_weights: {},
    });
  });

  it('merges the keys given and keeps the others', async () => {
    expect((await put({ code_length: 8 })).status).toBe(200);
    const response = await put({ block_voip: true });
    expect(await response.json()).toMatchObject({ code_length: 8, block_voip: true, otp_expiry_minutes: 10 });
  });

  it.each([
    [{ unknown_key: 1 }, ''],
    [{ code_length: 3 }, 'code_length'],
    [{ otp_expiry_minutes: 31 }, 'otp_expiry_minutes'],
    [{ channels: ['sms', 'sms'] }, 'channels'],
    [{ channels: ['pigeon'] }, 'channels.0'],
    [{ allowed_countries: ['gb'] }, 'allowed_countries.0'],
    [{ webhook_url: 'not a url' }, 'webhook_url'],
    [{ webhook_secret: 'whsec_mine' }, ''],
  ])('refuses %j with the path of the mistake, changing nothing', async (body, path) => {
    const before = await (
      await fetch(`${server.url}/v1/settings/phone-verification`, { headers: secret })
    ).json();
    const response = await put(body);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: { code: string; details: { path: string }[] } };
    expect(answer.error.code).toBe('bad_request');
    expect(answer.error.details.map((issue) => issue.path)).toContain(path);
    const after = await (
      await fetch(`${server.url}/v1/settings/phone-verification`, { headers: secret })
    ).json();
    expect(after).toEqual(before);
  });

  it('creates a webhook secret with the URL, and rotates it', async () => {
    const set = (await (await put({ webhook_url: 'https://example.com/hooks' })).json()) as {
      webhook_secret: string;
    };
    expect(set.webhook_secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
    const again = (await (await put({ webhook_url: 'https://example.com/other' })).json()) as {
      webhook_secret: string;
    };
    expect(again.webhook_secret).toBe(set.webhook_secret);
    const rotated = await fetch(`${server.url}/v1/settings/webhook-secret/rotate`, {
      method: 'POST',
      headers: secret,
    });
    const answer = (await rotated.json()) as { webhook_secret: string };
    expect(answer.webhook_secret).toMatch(/^whsec_/);
    expect(answer.webhook_secret).not.toBe(set.webhook_secret);
    expect(
      await server.deps.settings.signingSecrets(server.deps.tenants.all()[0]!, server.deps.clock.now()),
    ).toEqual([answer.webhook_secret, set.webhook_secret]);
  });

  it('needs the secret key', async () => {
    const response = await fetch(`${server.url}/v1/settings/phone-verification`, {
      headers: { authorization: 'Bearer sk_wrong' },
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('takes effect at once for the widget', async () => {
    await put({ brand: 'Acme', channels: ['whatsapp', 'sms'] });
    const input = encodeURIComponent(JSON.stringify({ siteKey: 'pk_test_demo' }));
    const response = await fetch(`${server.url}/trpc/config.get?input=${input}`, {
      headers: { origin: 'http://localhost:5173' },
    });
    const body = (await response.json()) as { result: { data: { brand: string; channels: string[] } } };
    expect(body.result.data).toMatchObject({ brand: 'Acme', channels: ['whatsapp', 'sms'] });
  });
});
