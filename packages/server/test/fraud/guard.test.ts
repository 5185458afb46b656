import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock/index.js';
import { ProoflineError } from '../../src/errors.js';
import { FraudGuard, longestAdjacentRun } from '../../src/fraud/index.js';
import { StoreUnavailableError } from '../../src/store/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { createRedisStore } from '../../src/store/redis/index.js';
import { freePort } from '../store/redis-servers.js';
import {
  context,
  type GuardHarness,
  guardHarness,
  networkOf,
  OTHER_SITE,
  pumpedNumber,
  type StoreKind,
  send,
  settings,
} from './harness.js';

const HOUR = 3_600_000;
const REASON = 'Fraudulent traffic detected for your account on network [ 23415 ].';

async function refusal(promise: Promise<unknown>): Promise<ProoflineError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProoflineError);
  return error as ProoflineError;
}

describe.each<StoreKind>(['memory', 'redis'])('FraudGuard on the %s store', (kind) => {
  let harness: GuardHarness;
  afterEach(async () => {
    await harness.dispose();
  });

  describe('rate limits', () => {
    it('allows 3 sends to a number in 10 minutes, then refuses with a generic 429 and Retry-After', async () => {
      harness = await guardHarness(kind);
      for (let i = 0; i < 3; i += 1) expect((await send(harness.guard, '+447700900001')).allow).toBe(true);
      const error = await refusal(send(harness.guard, '+447700900001'));
      expect(error.code).toBe('rate_limited');
      expect(error.status).toBe(429);
      expect(error.message).toBe('Too many requests. Try again later.');
      expect(error.retryAfterSeconds).toBeGreaterThan(590);
      expect(error.retryAfterSeconds).toBeLessThanOrEqual(600);
      // Another number and the same number on another site have buckets of their own.
      expect((await send(harness.guard, '+447700900002')).allow).toBe(true);
      expect((await send(harness.guard, '+447700900001', { siteKey: OTHER_SITE })).allow).toBe(true);
    });

    it('keeps a daily bucket per number apart from the 10-minute one', async () => {
      harness = await guardHarness(kind, {
        rateLimits: {
          number: [
            { points: 100, durationSeconds: 600 },
            { points: 2, durationSeconds: 86_400 },
          ],
        },
      });
      await send(harness.guard, '+447700900003');
      await send(harness.guard, '+447700900003');
      const error = await refusal(send(harness.guard, '+447700900003'));
      expect(error.retryAfterSeconds).toBeGreaterThan(86_000);
    });

    it('limits per IP only for widget calls that carry one', async () => {
      harness = await guardHarness(kind, { rateLimits: { ip: [{ points: 2, durationSeconds: 600 }] } });
      await send(harness.guard, '+447700900011', { ip: '203.0.113.9' });
      await send(harness.guard, '+447700900012', { ip: '203.0.113.9' });
      expect((await refusal(send(harness.guard, '+447700900013', { ip: '203.0.113.9' }))).code).toBe(
        'rate_limited',
      );
      expect((await send(harness.guard, '+447700900014', { ip: '203.0.113.10' })).allow).toBe(true);
      // A site backend's call (REST) has no client IP bucket.
      expect((await send(harness.guard, '+447700900015', { ip: null })).allow).toBe(true);
    });

    it('limits per site, per prefix and per country in independent buckets', async () => {
      harness = await guardHarness(kind, {
        rateLimits: {
          site: [{ points: 6, durationSeconds: 3_600 }],
          prefix: [{ points: 2, durationSeconds: 3_600 }],
          country: [{ points: 3, durationSeconds: 3_600 }],
        },
      });
      const { guard } = harness;
      // Prefix: the 3rd number of +4477009000xx is refused, another prefix is not.
      await send(guard, '+447700900021');
      await send(guard, '+447700900022');
      expect((await refusal(send(guard, '+447700900023'))).code).toBe('rate_limited');
      // Country: GB has had 3 sends (the refused one took its point too), FR still goes.
      expect((await refusal(send(guard, '+447700800001'))).code).toBe('rate_limited');
      expect((await send(guard, '+33612345678', { country: 'FR' })).allow).toBe(true);
      // Site: 6 sends asked so far (refused ones count); the next one anywhere is over 6 / h.
      expect((await send(guard, '+33612345679', { country: 'FR' })).allow).toBe(true);
      expect((await refusal(send(guard, '+33698765432', { country: 'FR' }))).code).toBe('rate_limited');
      expect((await send(guard, '+447700900021', { siteKey: OTHER_SITE })).allow).toBe(true);
    });

    it('does not take points for a send stopped by a network block', async () => {
      harness = await guardHarness(kind, { rateLimits: { number: [{ points: 1, durationSeconds: 600 }] } });
      await harness.guard.blocks.impose('pk_test_demo', '23415', null, 'test');
      expect(await send(harness.guard, pumpedNumber(1))).toMatchObject({ allow: false });
      expect((await send(harness.guard, pumpedNumber(1), { channel: 'whatsapp' })).allow).toBe(true);
    });
  });

  describe('geo permissions and line types', () => {
    it('refuses countries outside the site allow-list and those a channel blocks', async () => {
      harness = await guardHarness(kind);
      const { guard } = harness;
      const gbOnly = { ...settings, allowed_countries: ['GB'] };
      const fr = context('+33612345678', { country: 'FR', settings: gbOnly });
      expect((await refusal(guard.beforeSend(fr))).code).toBe('country_not_allowed');
      expect((await guard.beforeSend(context('+447700900031', { settings: gbOnly }))).allow).toBe(true);

      await guard.geo.update('pk_test_demo', {
        voice: { blocked_countries: ['GB'] },
        whatsapp: { allowed_countries: ['FR'] },
      });
      const voice = context('+447700900032', { channel: 'voice' });
      expect((await refusal(guard.beforeSend(voice))).status).toBe(403);
      expect((await guard.beforeSend(context('+447700900033', { channel: 'sms' }))).allow).toBe(true);
      // A channel's own allow-list replaces the site's.
      const frWhatsapp = context('+33612345670', { country: 'FR', channel: 'whatsapp', settings: gbOnly });
      expect((await guard.beforeSend(frWhatsapp)).allow).toBe(true);
      expect((await refusal(guard.beforeSend(context('+447700900034', { channel: 'whatsapp' })))).code).toBe(
        'country_not_allowed',
      );
      expect(await guard.geo.get('pk_test_demo')).toEqual({
        voice: { blocked_countries: ['GB'] },
        whatsapp: { allowed_countries: ['FR'] },
      });
    });

    it('refuses premium-rate numbers unless the site allows them', async () => {
      harness = await guardHarness(kind);
      const premium = '+449098790000';
      expect((await refusal(harness.guard.beforeSend(context(premium)))).code).toBe('line_type_not_allowed');
      expect(
        (await refusal(harness.guard.beforeSend(context('+447700900041', { lineType: 'SHARED_COST' })))).code,
      ).toBe('line_type_not_allowed');
      const allowing = { ...settings, block_premium: false };
      expect((await harness.guard.beforeSend(context(premium, { settings: allowing }))).allow).toBe(true);
    });
  });

  describe('SMS-pumping detection and network blocks', () => {
    it('blocks the network after 5 adjacent numbers of one prefix and sends the network.blocked event', async () => {
      harness = await guardHarness(kind);
      const { guard } = harness;
      for (let n = 0; n < 5; n += 1) expect((await send(guard, pumpedNumber(100 + n * 2))).allow).toBe(true);
      const next = await send(guard, pumpedNumber(200));
      expect(next).toMatchObject({ allow: false, reason: REASON });
      expect(harness.blockedEvents).toEqual([
        {
          siteKey: 'pk_test_demo',
          event: {
            network: '23415',
            operator_name: 'Vodafone UK',
            level: 1,
            blocked_until: new Date(harness.clock.now() + HOUR).toISOString(),
            reason: REASON,
          },
        },
      ]);
      // Voice is billed per call too; WhatsApp and email are not stopped by a network block.
      expect((await send(guard, pumpedNumber(300), { channel: 'voice' })).allow).toBe(false);
      expect((await send(guard, pumpedNumber(300), { channel: 'whatsapp' })).allow).toBe(true);
      expect(await guard.channelBlocked('pk_test_demo', '23415', 'sms')).toBe(true);
      expect(await guard.channelBlocked('pk_test_demo', '23415', 'email')).toBe(false);
      // Another network and another site are not affected.
      expect((await send(guard, '+447700900051')).allow).toBe(true);
      expect((await send(guard, pumpedNumber(400), { siteKey: OTHER_SITE })).allow).toBe(true);
    });

    it('blocks a network whose settled sends are rarely approved, and leaves a converting one alone', async () => {
      harness = await guardHarness(kind, { pumping: { adjacentNumbers: 1_000, prefixMinSends: 1_000 } });
      const { guard, clock } = harness;
      // 20 sends to scattered numbers of the pumped network, 1 approved (5 %).
      for (let n = 0; n < 20; n += 1) {
        const sent = await send(
          guard,
          `+4474001${String(n).padStart(2, '0')}${String(n * 37).padStart(3, '0')}`,
        );
        if (n === 0) await guard.onApproved(sent.ctx);
      }
      // The sends are too recent to judge: a real burst of signups must not be blocked.
      expect(await guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(false);
      clock.advance(61_000);
      await send(guard, '+447400129999');
      expect(await guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(true);
      const [block] = await guard.blocks.list('pk_test_demo');
      expect(block?.reason).toMatch(/^conversion 5 % of 20 sends to the network$/);

      // Real users on the home network confirm their codes: 25 sends, all approved, no block.
      for (let n = 0; n < 25; n += 1) {
        const sent = await send(
          guard,
          `+4477009${String(n).padStart(2, '0')}${String(n * 41).padStart(3, '0')}`,
        );
        await guard.onApproved(sent.ctx);
      }
      clock.advance(61_000);
      await send(guard, '+447700999999');
      expect(await guard.blocks.isBlocked('pk_test_demo', '23410')).toBe(false);
    });

    it('blocks a burst of 50 sends in a minute at once, unless the network converts before or during it', async () => {
      harness = await guardHarness(kind);
      const { guard, clock } = harness;
      const scattered = (range: number, n: number) =>
        `+4474${String(range).padStart(2, '0')}${String(n).padStart(2, '0')}${String((n * 7_919) % 10_000).padStart(4, '0')}`;
      // Real users on the pumped network first: 25 sends, all approved, settled.
      for (let n = 0; n < 25; n += 1) {
        const sent = await send(guard, scattered(0, n));
        await guard.onApproved(sent.ctx);
      }
      clock.advance(61_000);
      for (let n = 0; n < 50; n += 1) await send(guard, scattered(1, n));
      expect(await guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(false);

      // Nor is a fresh site whose users type their codes during the burst.
      const busy = await guardHarness(kind);
      try {
        for (let n = 0; n < 60; n += 1) {
          const sent = await send(busy.guard, scattered(3, n));
          if (n % 3 === 0) await busy.guard.onApproved(sent.ctx);
        }
        expect(await busy.guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(false);
      } finally {
        await busy.dispose();
      }

      // Without either, the same burst is pumping.
      const fresh = await guardHarness(kind);
      try {
        for (let n = 0; n < 49; n += 1) await send(fresh.guard, scattered(2, n));
        expect(await fresh.guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(false);
        await send(fresh.guard, scattered(2, 49));
        const [block] = await fresh.guard.blocks.list('pk_test_demo');
        expect(block?.reason).toBe('50 sends to the network within 60 s');
      } finally {
        await fresh.dispose();
      }
    });

    it('counts neither undelivered messages nor channels that are not billed per network', async () => {
      harness = await guardHarness(kind);
      const { guard } = harness;
      for (let n = 0; n < 8; n += 1) {
        const undelivered = context(pumpedNumber(500 + n));
        expect((await guard.beforeSend(undelivered)).allow).toBe(true);
        await guard.afterSend({ ...undelivered, delivered: false });
        await send(guard, pumpedNumber(600 + n), { channel: 'whatsapp' });
      }
      expect(await guard.blocks.list('pk_test_demo')).toEqual([]);
      // An approval reported without a verification id counts once per number.
      await guard.onApproved({ siteKey: 'pk_test_demo', phone: pumpedNumber(500), channel: 'sms' });
      await guard.onApproved({ siteKey: 'pk_test_demo', phone: pumpedNumber(500), channel: null });
    });

    it('escalates 1 h → 6 h → 24 h → permanent, keeping the history', async () => {
      // The limiter's windows run on real time, so the prefix bucket is widened for this attack.
      harness = await guardHarness(kind, {
        rateLimits: { prefix: [{ points: 1_000, durationSeconds: 3_600 }] },
      });
      const { guard, clock } = harness;
      const attack = async (round: number) => {
        for (let n = 0; n < 5; n += 1) await send(guard, pumpedNumber(round * 1_000 + n));
      };
      const durations = [HOUR, 6 * HOUR, 24 * HOUR];
      for (const [round, duration] of durations.entries()) {
        await attack(round);
        const [block] = await guard.blocks.list('pk_test_demo');
        expect(block).toMatchObject({
          level: round + 1,
          blocked_until: new Date(clock.now() + duration).toISOString(),
        });
        clock.advance(duration - 1);
        expect(await guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(true);
        clock.advance(1);
        expect(await guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(false);
        expect(await guard.blocks.list('pk_test_demo')).toEqual([]);
      }
      await attack(3);
      const [permanent] = await guard.blocks.list('pk_test_demo');
      expect(permanent).toMatchObject({ level: 4, blocked_until: null, unblocked_until: null });
      expect(permanent?.history.map((period) => period.level)).toEqual([1, 2, 3]);
      expect(harness.blockedEvents.map(({ event }) => (event as { level: number }).level)).toEqual([
        1, 2, 3, 4,
      ]);
      clock.advance(365 * 24 * HOUR);
      expect(await guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(true);

      // Only the unblock API lets traffic through, for the time asked, and the block then resumes.
      const { unblockedUntil } = await guard.blocks.unblock('pk_test_demo', '23415', 600);
      expect(unblockedUntil).toBe(clock.now() + 600_000);
      expect((await send(guard, pumpedNumber(9_000))).allow).toBe(true);
      // Traffic the site let through does not trigger a new block while the unblock lasts.
      for (let n = 1; n < 8; n += 1) await send(guard, pumpedNumber(9_000 + n));
      expect((await guard.blocks.list('pk_test_demo'))[0]).toMatchObject({
        level: 4,
        unblocked_until: new Date(unblockedUntil).toISOString(),
      });
      clock.advance(600_000);
      expect(await send(guard, pumpedNumber(9_100))).toMatchObject({ allow: false, reason: REASON });
    });

    it('answers network_not_blocked for a network that is not blocked, or no longer', async () => {
      harness = await guardHarness(kind);
      const { guard, clock } = harness;
      expect((await refusal(guard.blocks.unblock('pk_test_demo', '23415', 60))).code).toBe(
        'network_not_blocked',
      );
      await guard.blocks.impose('pk_test_demo', '23415', 'Vodafone UK', 'test');
      clock.advance(HOUR);
      expect((await refusal(guard.blocks.unblock('pk_test_demo', '23415', 60))).status).toBe(404);
    });

    it('forgets old blocks for escalation after the memory period', async () => {
      harness = await guardHarness(kind, { escalationMemorySeconds: 86_400 });
      const { guard, clock } = harness;
      expect((await guard.blocks.impose('pk_test_demo', '23415', null, 'first'))?.level).toBe(1);
      clock.advance(HOUR + 86_400_000 + 1);
      expect((await guard.blocks.impose('pk_test_demo', '23415', null, 'again'))?.level).toBe(1);
    });
  });

  describe('fraud_check: false', () => {
    it('bypasses a network block for that request only and writes a masked audit record', async () => {
      harness = await guardHarness(kind);
      const { guard } = harness;
      await guard.blocks.impose('pk_test_demo', '23415', 'Vodafone UK', 'test');
      const bypass = await send(guard, pumpedNumber(4_321), { fraudCheck: false });
      expect(bypass.allow).toBe(true);
      expect((await send(guard, pumpedNumber(4_322))).allow).toBe(false);
      harness.clock.advance(1_000);
      await send(guard, '+447700900061', { fraudCheck: false });

      const records = await guard.bypassAudit.list('pk_test_demo', 10);
      expect(records).toHaveLength(2);
      expect(records[1]).toMatchObject({
        site_key: 'pk_test_demo',
        at: new Date(harness.clock.now() - 1_000).toISOString(),
        phone: '+44******4321',
        verification_id: bypass.ctx.verificationId,
        channel: 'sms',
        network: '23415',
        reason: 'fraud_check: false; the block of network [ 23415 ] was bypassed.',
      });
      expect(records[0]?.reason).toBe('fraud_check: false; no network block was in force.');
      expect(JSON.stringify(records)).not.toContain('7400124321');
      expect(await guard.bypassAudit.list('pk_test_other', 10)).toEqual([]);
    });

    it('still applies the rate limits', async () => {
      harness = await guardHarness(kind, { rateLimits: { number: [{ points: 1, durationSeconds: 600 }] } });
      await send(harness.guard, '+447700900071', { fraudCheck: false });
      expect((await refusal(send(harness.guard, '+447700900071', { fraudCheck: false }))).code).toBe(
        'rate_limited',
      );
    });
  });
});

describe('FraudGuard with the store down', () => {
  it('fails closed on a Redis at a closed port: the store error propagates and nothing is allowed', async () => {
    const port = await freePort();
    const store = createRedisStore({ url: `redis://127.0.0.1:${port}`, keyPrefix: 'proofline-test:down:' });
    const guard = new FraudGuard({ store, clock: new ManualClock(), networkOf });
    try {
      await expect(guard.beforeSend(context('+447700900081'))).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(guard.beforeSend(context('+447700900081', { channel: 'email' }))).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
    } finally {
      await store.close();
    }
  });

  it('fails closed when only the limits cannot answer', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore(clock);
    const broken = Object.assign(Object.create(store) as MemoryStore, {
      consumeLimits: () => Promise.reject(new StoreUnavailableError()),
    });
    const guard = new FraudGuard({ store: broken, clock, networkOf });
    await expect(guard.beforeSend(context('+447700900082'))).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('longestAdjacentRun', () => {
  it('counts distinct numbers chained by gaps no larger than the limit', () => {
    expect(longestAdjacentRun([], 10)).toBe(0);
    expect(longestAdjacentRun([110, 111, 112, 113], 1)).toBe(4);
    expect(longestAdjacentRun([110, 111, 111, 130, 131, 132], 1)).toBe(3);
    expect(longestAdjacentRun([1, 20, 40, 60], 10)).toBe(1);
    expect(longestAdjacentRun([9_990, 5, 9_999, 12], 10)).toBe(2);
  });
});
