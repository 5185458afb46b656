import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { startTestServer } from '../support/server.js';

let server: RunningProofline;
beforeAll(async () => {
  server = await startTestServer({ redis: true });
});
afterAll(() => server.close());

/** The defaults in the settings table of docs/rest-api.md: "| `key` (default, range) | effect |". */
function documentedDefaults(): Record<string, unknown> {
  const docs = readFileSync(new URL('../../../../docs/rest-api.md', import.meta.url), 'utf8');
  const defaults: Record<string, unknown> = {};
  for (const [, key, cell] of docs.matchAll(/^\| `(\w+)` \(([^)]*)\) \|/gm)) {
    // A code-formatted value, else a leading number; "(the site's name)" has no fixed default.
    const literal = /^`([^`]*)`/.exec(cell!)?.[1] ?? /^\d+/.exec(cell!)?.[0];
    if (literal !== undefined) defaults[key!] = documentedValue(literal);
  }
  return defaults;
}

/** `sms, whatsapp` is a list, `{min_score: 80}` an object, `true`, `10`, `null`, `[]` JSON, `auto` a string. */
function documentedValue(literal: string): unknown {
  if (/^[\w-]+(, [\w-]+)+$/.test(literal)) return literal.split(', ');
  try {
    return JSON.parse(literal.replace(/(\w+):/g, '"$1":'));
  } catch {
    return literal;
  }
}

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
  it('answers the defaults docs/rest-api.md states', async () => {
    const response = await fetch(`${server.url}/v1/settings/phone-verification`, { headers: secret });
    expect(response.status).toBe(200);
    const defaults = documentedDefaults();
    expect(Object.keys(defaults).length).toBeGreaterThan(20);
    // No signing secret until a webhook URL is set.
    expect(await response.json()).toMatchObject({ ...defaults, webhook_secret: null });
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
