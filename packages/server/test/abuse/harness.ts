import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VerificationView } from '@proofline/shared';
import { Redis } from 'ioredis';
import { ManualClock } from '../../src/clock/index.js';
import type { NetworkOf } from '../../src/fraud/index.js';
import { otpClient, type TrpcAnswer } from '../http/otp-client.js';
import { REDIS_URL, startTestServer, testKeyPrefix } from '../support/server.js';

/** Two sites an attacker may hold the public keys of; each has its own secret. */
export const SITE_A = {
  siteKey: 'pk_test_site_a',
  secret: 'sk_test_site_a',
  origin: 'http://localhost:5173',
};
export const SITE_B = {
  siteKey: 'pk_test_site_b',
  secret: 'sk_test_site_b',
  origin: 'http://127.0.0.1:5174',
};

function tenantsFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'proofline-abuse-')), 'tenants.json');
  const site = (s: typeof SITE_A) => ({
    site_key: s.siteKey,
    secret: s.secret,
    brand: 'Abuse test',
    allowed_origins: ['http://localhost:*', 'http://127.0.0.1:*'],
  });
  writeFileSync(path, JSON.stringify({ sites: [site(SITE_A), site(SITE_B)] }));
  return path;
}

/**
 * A server on real Redis (its own key prefix) with two sites, trusting 127.0.0.1 as a proxy so
 * each simulated client can have its own IP, and a manual clock.
 */
export async function startAbuseServer(
  options: { networkOf?: NetworkOf; env?: Record<string, string> } = {},
) {
  const clock = new ManualClock(Date.now());
  const prefix = testKeyPrefix();
  const server = await startTestServer({
    clock,
    ...(options.networkOf ? { networkOf: options.networkOf } : {}),
    env: {
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      PROOFLINE_CONFIG: tenantsFile(),
      TRUSTED_PROXIES: '127.0.0.1',
      ...options.env,
    },
  });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  const a = otpClient(server.url, { secret: SITE_A.secret, origin: SITE_A.origin });
  const b = otpClient(server.url, { secret: SITE_B.secret, origin: SITE_B.origin });

  /** A widget call for `site` from the client IP `ip`. */
  async function widget<T = VerificationView>(
    path: string,
    input: Record<string, unknown>,
    { site = SITE_A, ip = '198.51.100.1', kind = 'mutation' as 'query' | 'mutation' } = {},
  ): Promise<TrpcAnswer<T>> {
    const headers = { origin: site.origin, 'content-type': 'application/json', 'x-forwarded-for': ip };
    const body = { siteKey: site.siteKey, ...input };
    const response =
      kind === 'query'
        ? await fetch(`${server.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(body))}`, {
            headers,
          })
        : await fetch(`${server.url}/trpc/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    const parsed = (await response.json()) as { result?: { data: T }; error?: TrpcAnswer<T>['error'] };
    return {
      status: response.status,
      headers: response.headers,
      data: parsed.result?.data as T,
      error: parsed.error,
    };
  }

  /** Every key this server wrote (SCAN, never KEYS). */
  async function keys(): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
    return found;
  }

  async function close(): Promise<void> {
    await server.close();
    const written = await keys();
    if (written.length > 0) await redis.del(...written);
    redis.disconnect();
  }

  return { server, clock, a, b, widget, keys, close };
}

export type AbuseServer = Awaited<ReturnType<typeof startAbuseServer>>;
