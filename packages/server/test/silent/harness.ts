import type { VerificationView } from '@proofline/shared';
import { expect } from 'vitest';
import { ManualClock, type RunningProofline } from '../../src/index.js';
import { otpClient, RELAXED_FRAUD_POLICY } from '../http/otp-client.js';
import { startTestServer } from '../support/server.js';

export const SITE_KEY = 'pk_test_demo';
const ORIGIN = 'http://localhost:5173';

/** A server on embedded defaults (sandbox operator, dev inbox) on real Redis, with a manual clock. */
export async function startSilentServer(env: Record<string, string> = {}) {
  const clock = new ManualClock();
  const server = await startTestServer({
    redis: true,
    clock,
    env: { FRAUD_POLICY: RELAXED_FRAUD_POLICY, ...env },
  });
  return { clock, server, ...helpers(server) };
}

function helpers(server: RunningProofline) {
  const client = otpClient(server.url, { origin: ORIGIN });

  /** The sandbox operator's admin API (no token: it exists only on embedded defaults). */
  async function sandbox(method: string, path: string, body?: unknown) {
    const response = await fetch(`${server.url}/sandbox/operator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    expect(response.status, `${method} ${path}`).toBeLessThan(300);
    return response.json() as Promise<unknown>;
  }

  const start = (phone: string, extra: Record<string, unknown> = {}) =>
    client.trpc('mutation', 'verification.start', { siteKey: SITE_KEY, phone, ...extra });
  const get = (verificationId: string) =>
    client.trpc('query', 'verification.get', { siteKey: SITE_KEY, verificationId });

  /**
   * What the widget's no-cors fetch (or a top-level navigation) does: follow the operator's
   * redirects to our callback. Answers every hop, the callback's answer last.
   */
  async function follow(authUrl: string, signal?: AbortSignal) {
    const hops: { url: string; status: number; location: string | null; body: string }[] = [];
    let next: string | null = authUrl;
    while (next && hops.length < 10) {
      const response: Response = await fetch(next, { redirect: 'manual', ...(signal ? { signal } : {}) });
      const location = response.headers.get('location');
      hops.push({ url: next, status: response.status, location, body: await response.text() });
      const isCallback: boolean = new URL(next).pathname === '/v1/silent/callback';
      next = location && !isCallback ? new URL(location, next).toString() : null;
    }
    return hops;
  }

  /** Starts on a cellular connection and expects the silent step. */
  async function startSilent(phone: string, extra: Record<string, unknown> = {}): Promise<VerificationView> {
    const started = await start(phone, { connection: 'cellular', ...extra });
    expect(started.status, JSON.stringify(started.error)).toBe(200);
    expect(started.data).toMatchObject({ status: 'pending', method: 'silent', channel: null });
    expect(started.data.silent?.authUrl).toMatch(/\/sandbox\/operator\/authorize\?/);
    return started.data;
  }

  return { client, sandbox, start, get, follow, startSilent };
}
