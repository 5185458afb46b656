import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningProofline } from '../../src/index.js';
import { eventually, type RedisNodeProcess, startRedisNode } from '../store/redis-servers.js';
import { startTestServer, testKeyPrefix } from '../support/server.js';
import { clientOf, errorCode, ORIGIN } from './client.js';

/**
 * Redis dies in the middle of verifications (SIGKILL, as a crash) and comes back with its
 * append-only file, as a production Redis with persistence does. Our own redis-server on a free
 * port: the shared one is never stopped.
 */
describe('Redis outage in the middle of a flow', () => {
  let redis: RedisNodeProcess & { close(): Promise<void> };
  let server: RunningProofline;

  beforeAll(async () => {
    redis = await startRedisNode(['--appendonly', 'yes', '--appendfsync', 'always']);
    server = await startTestServer({ env: { REDIS_URL: redis.url, REDIS_KEY_PREFIX: testKeyPrefix() } });
  });
  afterAll(async () => {
    await server?.close();
    await redis?.close();
  });

  it('fails closed within 2 s (503, not ready, nothing sent or approved), then recovers without a restart', async () => {
    const api = clientOf(server.url);
    // Within the outage every answer must come in 2 s: the deadline aborts the request otherwise.
    const fast = clientOf(server.url, 2_000);

    // Before: one verification approved (its token not yet redeemed), one pending.
    const approvedPhone = '+447400200001';
    const first = (await api.start(approvedPhone)).body.result.data;
    const approved = await api.check(first.verificationId, await api.code(approvedPhone));
    const token: string = approved.body.result.data.token;
    expect(approved.body.result.data.status).toBe('approved');
    const pendingPhone = '+447400200002';
    const pending = (await api.start(pendingPhone)).body.result.data;
    const pendingCode = await api.code(pendingPhone);

    await redis.stop();

    const startDuring = await fast.start('+447400200003');
    expect(startDuring.status).toBe(503);
    // The widget can read the refusal: tRPC's shape, with CORS headers from the sites' configured origins.
    expect(startDuring.body.error.data.code).toBe('service_unavailable');
    const preflight = await fetch(`${server.url}/trpc/verification.start`, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
      signal: AbortSignal.timeout(2_000),
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const checkDuring = await fast.check(pending.verificationId, pendingCode);
    expect(checkDuring.status).toBe(503);
    expect(errorCode(checkDuring)).toBe('service_unavailable');
    const restDuring = await fast.backend('POST', '/v1/phone/verify-otp', {
      verification_id: pending.verificationId,
      code: pendingCode,
    });
    expect(restDuring.status).toBe(503);
    expect(errorCode(restDuring)).toBe('service_unavailable');
    const siteverifyDuring = await fast.siteverify(token);
    expect(siteverifyDuring.body.success).toBe(false);
    const ready = await fast.call('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('not_ready');
    expect(await api.inbox('+447400200003')).toEqual([]);

    await redis.start();
    await eventually(async () => expect((await api.call('/readyz')).status).toBe(200));

    // Nothing was approved or counted during the outage: the pending one still takes its code.
    const after = await api.get(pending.verificationId);
    expect(after.body.result.data).toMatchObject({ status: 'pending', attemptsLeft: 5 });
    const late = await api.check(pending.verificationId, pendingCode);
    expect(late.body.result.data.status).toBe('approved');

    // The token approved before the outage is not lost: it redeems, once.
    const redeemed = await api.siteverify(token);
    expect(redeemed.body).toMatchObject({ success: true, phone: approvedPhone });
    const again = await api.siteverify(token);
    expect(again.body.success).toBe(false);
    expect(again.body['error-codes']).toEqual(['timeout-or-duplicate']);

    const fresh = await api.start('+447400200003');
    expect(fresh.body.result.data.status).toBe('pending');
    expect(await api.inbox('+447400200003')).toHaveLength(1);
  });

  it('answers 503 within 2 s while Redis is frozen (accepts connections, never answers)', async () => {
    const api = clientOf(server.url);
    const fast = clientOf(server.url, 2_000);
    const phone = '+447400200010';
    const pending = (await api.start(phone)).body.result.data;
    const code = await api.code(phone);

    redis.pause();
    try {
      const start = await fast.start('+447400200011');
      expect(start.status).toBe(503);
      const check = await fast.check(pending.verificationId, code);
      expect(check.status).toBe(503);
      expect((await fast.call('/readyz')).status).toBe(503);
    } finally {
      redis.resume();
    }
    await eventually(async () => expect((await api.call('/readyz')).status).toBe(200));
    expect(await api.inbox('+447400200011')).toEqual([]);
    expect((await api.check(pending.verificationId, code)).body.result.data.status).toBe('approved');
  });
});
