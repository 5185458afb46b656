import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisNode } from '../store/redis-servers.js';
import { REDIS_URL, testKeyPrefix } from '../support/server.js';
import { refusedStart, type ServerProcess, startServerProcess } from '../support/server-process.js';

const secret = () => randomBytes(32).toString('base64url');

/** Writes a tenants file with these site keys. */
async function tenantsFile(siteKeys: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'proofline-tenants-'));
  const path = join(dir, 'tenants.json');
  const sites = siteKeys.map((site_key) => ({
    site_key,
    secret: `sk_live_${randomBytes(12).toString('hex')}`,
    brand: 'Shop',
    allowed_origins: ['https://shop.example.com'],
  }));
  await writeFile(path, JSON.stringify({ sites }));
  return path;
}

/** A production environment that starts: every later test breaks exactly one thing in it. */
let production: Record<string, string>;
const metricsToken = secret();

beforeAll(async () => {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  production = {
    NODE_ENV: 'production',
    REDIS_URL,
    REDIS_KEY_PREFIX: testKeyPrefix(),
    SIGNING_KEY: JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'k1' }),
    PROOFLINE_CONFIG: await tenantsFile(['pk_live_shop']),
    SERVER_SECRET: secret(),
    DATA_KEY: secret(),
    METRICS_TOKEN: metricsToken,
    TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
    TWILIO_AUTH_TOKEN: 'twilio-token',
    TWILIO_FROM: '+15005550006',
  };
});

describe('production refuses to start, with one line naming the cause', () => {
  const without = (env: Record<string, string>, ...names: string[]) =>
    Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));

  it.each<
    [
      string,
      (env: Record<string, string>) => Record<string, string> | Promise<Record<string, string>>,
      string,
    ]
  >([
    [
      'no messaging provider',
      (env) => without(env, 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'),
      'proofline: refusing to start: no messaging provider configured: set TWILIO_*, VONAGE_* or SMTP_URL, or MESSAGING=none for silent verification only',
    ],
    [
      'a channel sent to the dev inbox',
      (env) => ({ ...env, MESSAGING_EMAIL: 'dev' }),
      'proofline: refusing to start: MESSAGING_EMAIL=dev keeps codes in memory: no user would receive them',
    ],
    [
      'the sandbox enabled',
      (env) => ({ ...env, ENABLE_SANDBOX: 'true' }),
      'proofline: refusing to start: ENABLE_SANDBOX=true: anyone could approve any number through the sandbox operator',
    ],
    [
      'SERVER_SECRET of one repeated character',
      (env) => ({ ...env, SERVER_SECRET: 'a'.repeat(32) }),
      'proofline: refusing to start: SERVER_SECRET is weak (one repeated character): make one with `proofline secrets generate`',
    ],
    [
      'SERVER_SECRET copied from the docs',
      (env) => ({ ...env, SERVER_SECRET: 'pD8e0Lq2mV1cR7sT9xW4yZ6aB3nF5hJ0kQ2uE8iO1gM' }),
      'proofline: refusing to start: SERVER_SECRET is weak (a value from the docs): make one with `proofline secrets generate`',
    ],
    [
      'DATA_KEY under 32 bytes',
      (env) => ({ ...env, DATA_KEY: 'short-data-key' }),
      'proofline: invalid DATA_KEY: at least 32 bytes (got "short-data-key")',
    ],
    [
      'DATA_KEY of one repeated character',
      (env) => ({ ...env, DATA_KEY: '0'.repeat(44) }),
      'proofline: refusing to start: DATA_KEY is weak (one repeated character): make one with `proofline secrets generate`',
    ],
    [
      'METRICS_TOKEN copied from the docs',
      (env) => ({ ...env, METRICS_TOKEN: 'f3Jq9Zr1Lx7Cv5Bn2Mm8Kk4Hh6Gg0Dd2Ss4Aa6Qq8W' }),
      'proofline: refusing to start: METRICS_TOKEN is weak (a value from the docs): make one with `proofline secrets generate`',
    ],
    [
      'a tenant with a test key',
      async (env) => ({ ...env, PROOFLINE_CONFIG: await tenantsFile(['pk_live_shop', 'pk_test_shop']) }),
      'proofline: refusing to start: PROOFLINE_CONFIG has the test site pk_test_shop: production sites use live keys',
    ],
    [
      'insecure webhooks allowed',
      (env) => ({ ...env, ALLOW_INSECURE_WEBHOOKS: 'true' }),
      'proofline: refusing to start: ALLOW_INSECURE_WEBHOOKS=true: webhooks could reach http:// and internal addresses',
    ],
  ])('%s', async (_name, change, line) => {
    const result = await refusedStart(await change(production));
    expect(result.status).toBe(1);
    expect(result.stderr).toEqual([line]);
  });
});

describe('production that starts', () => {
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
  });
  const warnings = (server: ServerProcess) =>
    server
      .lines()
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((entry) => entry.level === 40)
      .map((entry) => entry.msg);

  it('warns once when Redis has no persistence, and keeps /metrics for the bearer of METRICS_TOKEN', async () => {
    // The shared test Redis runs without persistence.
    const server = await startServerProcess(production);
    servers.push(server);
    expect(warnings(server)).toEqual([
      'Redis is not durable: no persistence (set appendonly yes or save): a restart forgets redeemed tokens',
    ]);

    const open = await fetch(`${server.url}/metrics`);
    expect(open.status).toBe(401);
    expect(((await open.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    const wrong = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const allowed = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain('proofline_verifications_started_total');
  });

  it('warns about an eviction policy, and says nothing for a durable Redis', async () => {
    const evicting = await startRedisNode(['--appendonly', 'yes', '--maxmemory-policy', 'allkeys-lru']);
    const durable = await startRedisNode(['--appendonly', 'yes']);
    try {
      const first = await startServerProcess({ ...production, REDIS_URL: evicting.url });
      servers.push(first);
      expect(warnings(first)).toEqual([
        'Redis is not durable: maxmemory-policy is allkeys-lru (set noeviction): Redis may drop records',
      ]);
      const second = await startServerProcess({ ...production, REDIS_URL: durable.url });
      servers.push(second);
      expect(warnings(second)).toEqual([]);
    } finally {
      await Promise.all(servers.map((server) => server.stop()));
      await evicting.close();
      await durable.close();
    }
  });

  it('starts with MESSAGING=none and no provider (silent verification only)', async () => {
    const { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, ...bare } = production;
    const server = await startServerProcess({ ...bare, MESSAGING: 'none' });
    servers.push(server);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
