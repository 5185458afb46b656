import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import type { RunningProofline } from '../../src/index.js';
import { clientOf } from '../faults/client.js';
import { REDIS_URL, startTestServer, testKeyPrefix } from '../support/server.js';

/** A rule that blocks every start of UK numbers: its effect is visible in one call. */
const blockUk = {
  rule_id: 'no-uk',
  trigger: 'verification_started',
  conditions: { all: [{ field: 'country', operator: 'eq', value: 'GB' }] },
  actions: [{ type: 'block', reason: 'No UK numbers today' }],
};

/**
 * Two instances on one real Redis and key prefix, each caching the site's settings and rules: a
 * change through one instance's API is seen by the other on its very next request, because the
 * change is published on the store and every instance drops its copy when it hears it.
 */
describe('settings and rules cached per instance, invalidated on every instance', () => {
  let a: RunningProofline;
  let b: RunningProofline;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    const env = {
      SERVER_SECRET: 'a-server-secret-of-at-least-32-characters',
      REDIS_URL,
      REDIS_KEY_PREFIX: testKeyPrefix(),
    };
    [a, b] = await Promise.all([startTestServer({ env, clock }), startTestServer({ env, clock })]);
    expect(a.deps.store).not.toBe(b.deps.store);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('a settings PUT on one instance is what the other answers next', async () => {
    const onA = clientOf(a.url);
    const onB = clientOf(b.url);
    // B reads (and caches) the settings first.
    expect((await onB.backend('GET', '/v1/settings/phone-verification')).body.max_otp_attempts).toBe(5);

    for (const attempts of [3, 7, 4]) {
      const put = await onA.backend('PUT', '/v1/settings/phone-verification', { max_otp_attempts: attempts });
      expect(put.status).toBe(200);
      const seen = await onB.backend('GET', '/v1/settings/phone-verification');
      expect(seen.body.max_otp_attempts).toBe(attempts);
      // And the flow on B uses it: a new verification there allows exactly that many attempts.
      const started = await onB.start(`+4474005100${attempts}0`);
      expect(started.body.result.data.attemptsLeft).toBe(attempts);
    }
  });

  it('a rule added or removed on one instance acts on the other at once', async () => {
    const onA = clientOf(a.url);
    const onB = clientOf(b.url);
    expect((await onB.start('+447400510101')).body.result.data.status).toBe('pending');

    expect((await onA.backend('POST', '/v1/workflows/rules', blockUk)).status).toBe(201);
    expect((await onB.start('+447400510102')).body.result.data.status).toBe('blocked');

    expect((await onA.backend('DELETE', '/v1/workflows/rules/no-uk')).status).toBe(200);
    expect((await onB.start('+447400510103')).body.result.data.status).toBe('pending');
  });

  it('a write that bypasses the API reaches a warm instance only after the cache TTL', async () => {
    const onB = clientOf(b.url);
    await onB.backend('PUT', '/v1/settings/phone-verification', { max_otp_attempts: 6 });
    expect((await onB.backend('GET', '/v1/settings/phone-verification')).body.max_otp_attempts).toBe(6);

    // Straight into the store, as a restore from backup would: no change message is published.
    const key = 'site:{pk_test_demo}:settings';
    const stored = JSON.parse((await b.deps.store.get(key)) ?? '{}');
    await b.deps.store.set(key, JSON.stringify({ ...stored, max_otp_attempts: 9 }));
    expect((await onB.backend('GET', '/v1/settings/phone-verification')).body.max_otp_attempts).toBe(6);

    clock.advance(60_001);
    expect((await onB.backend('GET', '/v1/settings/phone-verification')).body.max_otp_attempts).toBe(9);
  });
});
