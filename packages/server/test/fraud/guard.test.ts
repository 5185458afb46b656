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
  numberKey,
  OTHER_SITE,
  pumpedNumber,
  type StoreKind,
  send,
  settings,
} from './harness.js';

const HOUR = 3_600_000;
const REASON = 'Fraudulent traffic detected for your account on network [ 23415 ].';
/** The prefix of `pumpedNumber`: the number minus its last 4 digits. */
const PREFIX = '+44740012';
const PREFIX_REASON = 'Fraudulent traffic detected for your account on number range [ +44740012 ].';

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

/** Five adjacent unverified numbers of one range, a second apart: the prefix rule, not the spread rule. */
async function pumpRange(harness: GuardHarness, prefix: string): Promise<void> {
  for (let n = 0; n < 5; n += 1) {
    harness.clock.advance(1_000);
    expect((await send(harness.guard, `${prefix}${100 + n}`)).allow).toBe(true);
  }
}

describe.each<StoreKind>(['memory', 'redis'])('FraudGuard on the %s store', (kind) => {
  let harness: GuardHarness;
  afterEach(async () => {
    await harness.dispose();
  });

  describe('rate limits', () => {
    it('allows 5 sends to a number in 10 minutes, then refuses with a generic 429 and Retry-After', async () => {
      harness = await guardHarness(kind);
      expect(harness.guard.policy.rateLimits.number).toEqual([
        { points: 5, durationSeconds: 600 },
        { points: 10, durationSeconds: 86_400 },
      ]);
      for (let i = 0; i < 5; i += 1) expect((await send(harness.guard, '+447700900001')).allow).toBe(true);
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

    it('runs the limit windows on the clock port', async () => {
      // On Redis the windows are key TTLs, which run on Redis's time: `advance` shortens them too.
      harness = await guardHarness(kind);
      const { guard } = harness;
      for (let i = 0; i < 5; i += 1) expect((await send(guard, '+447700900004')).allow).toBe(true);
      // (Redis's own time moves on during the test too: a few seconds of slack.)
      const first = (await refusal(send(guard, '+447700900004'))).retryAfterSeconds!;
      expect(first).toBeGreaterThan(595);
      expect(first).toBeLessThanOrEqual(600);
      await harness.advance(595_000);
      const late = (await refusal(send(guard, '+447700900004'))).retryAfterSeconds!;
      expect(late).toBeGreaterThan(0);
      expect(late).toBeLessThanOrEqual(5);
      await harness.advance(5_000);
      // The 10-minute window is over; the daily one (10) has 5 sends left.
      for (let i = 0; i < 5; i += 1) expect((await send(guard, '+447700900004')).allow).toBe(true);
      await harness.advance(600_000);
      const daily = await refusal(send(guard, '+447700900004'));
      expect(daily.code).toBe('rate_limited');
      expect(daily.retryAfterSeconds).toBeGreaterThan(86_400 - 1_200 - 5);
      expect(daily.retryAfterSeconds).toBeLessThanOrEqual(86_400 - 1_200);
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

    it('takes nothing from any bucket for a refused send: an IP over its limit cannot use up a number', async () => {
      harness = await guardHarness(kind, { rateLimits: { ip: [{ points: 1, durationSeconds: 600 }] } });
      const { guard } = harness;
      const victim = '+447700900016';
      await send(guard, '+447700900017', { ip: '203.0.113.66' });
      for (let i = 0; i < 20; i += 1) {
        expect((await refusal(send(guard, victim, { ip: '203.0.113.66' }))).code).toBe('rate_limited');
      }
      // The real user, from an address of their own, still has every send of the number.
      for (let i = 0; i < 5; i += 1) {
        expect((await send(guard, victim, { ip: `198.51.100.${i}` })).allow).toBe(true);
      }
      expect((await refusal(send(guard, victim, { ip: '198.51.100.99' }))).code).toBe('rate_limited');
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
      // Prefix: the 3rd number of +44770090xxxx is refused.
      await send(guard, '+447700900021');
      await send(guard, '+447700900022');
      expect((await refusal(send(guard, '+447700900023'))).code).toBe('rate_limited');
      // Country: the refused send took no point, so another GB prefix gets the 3rd GB send; the 4th is refused.
      expect((await send(guard, '+447700800001')).allow).toBe(true);
      expect((await refusal(send(guard, '+447700800002'))).code).toBe('rate_limited');
      // Other countries still go: FR twice, DE once (site: 6 sends, the refused ones took nothing).
      expect((await send(guard, '+33612345678', { country: 'FR' })).allow).toBe(true);
      expect((await send(guard, '+33698765432', { country: 'FR' })).allow).toBe(true);
      expect((await send(guard, '+4915123456789', { country: 'DE' })).allow).toBe(true);
      // Site: the next send anywhere is over 6 / h, whatever its number, prefix or country.
      expect((await refusal(send(guard, '+34612345678', { country: 'ES' }))).code).toBe('rate_limited');
      expect((await send(guard, '+447700900021', { siteKey: OTHER_SITE })).allow).toBe(true);
    });

    it('refuses codes and new sends for a number after 10 wrong codes in 24 h', async () => {
      harness = await guardHarness(kind);
      const { guard } = harness;
      expect(guard.policy.wrongCodes).toEqual({ max: 10, windowSeconds: 86_400 });
      const phone = '+447700900025';
      for (let i = 0; i < 9; i += 1) await guard.recordWrongCode('pk_test_demo', phone);
      await guard.assertCodesAccepted('pk_test_demo', phone);
      expect((await send(guard, phone)).allow).toBe(true);
      await guard.recordWrongCode('pk_test_demo', phone);
      const locked = await refusal(guard.assertCodesAccepted('pk_test_demo', phone));
      expect(locked.code).toBe('rate_limited');
      expect(locked.retryAfterSeconds).toBeGreaterThan(86_390);
      expect(locked.retryAfterSeconds).toBeLessThanOrEqual(86_400);
      expect((await refusal(send(guard, phone))).code).toBe('rate_limited');
      // Per number and site: another number, and the number on another site, are not locked.
      await guard.assertCodesAccepted('pk_test_demo', '+447700900026');
      await guard.assertCodesAccepted(OTHER_SITE, phone);
      expect((await send(guard, phone, { siteKey: OTHER_SITE })).allow).toBe(true);
    });

    it('does not take points for a send stopped by a network block', async () => {
      harness = await guardHarness(kind, { rateLimits: { number: [{ points: 1, durationSeconds: 600 }] } });
      await harness.guard.blocks.impose('pk_test_demo', '23415', null, 'test');
      expect(await send(harness.guard, pumpedNumber(1))).toMatchObject({ allow: false });
      expect((await send(harness.guard, pumpedNumber(1), { channel: 'whatsapp' })).allow).toBe(true);
    });
  });

  describe('geo permissions', () => {
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

    it('refuses SMS and voice to high-risk destinations unless the channel allows them', async () => {
      harness = await guardHarness(kind);
      const { guard } = harness;
      const inmarsat = '+870773111632';
      const solomon = '+6777412345';
      for (const channel of ['sms', 'voice'] as const) {
        expect((await refusal(guard.beforeSend(context(inmarsat, { country: null, channel })))).code).toBe(
          'country_not_allowed',
        );
        expect((await refusal(guard.beforeSend(context(solomon, { country: 'SB', channel })))).status).toBe(
          403,
        );
      }
      // WhatsApp and email are not billed per destination network.
      expect((await guard.beforeSend(context(solomon, { country: 'SB', channel: 'whatsapp' }))).allow).toBe(
        true,
      );

      // Listing the country in the channel's allow-list lets that channel reach it, and only it.
      await guard.geo.update('pk_test_demo', { sms: { allowed_countries: ['GB', 'SB'] } });
      expect((await guard.beforeSend(context(solomon, { country: 'SB' }))).allow).toBe(true);
      expect((await refusal(guard.beforeSend(context(inmarsat, { country: null })))).code).toBe(
        'country_not_allowed',
      );
      expect(
        (await refusal(guard.beforeSend(context(solomon, { country: 'SB', channel: 'voice' })))).code,
      ).toBe('country_not_allowed');
      // `allow_high_risk` opens every high-risk destination to the channel.
      await guard.geo.update('pk_test_demo', { voice: { allow_high_risk: true } });
      expect((await guard.beforeSend(context(inmarsat, { country: null, channel: 'voice' }))).allow).toBe(
        true,
      );
      expect((await guard.beforeSend(context(solomon, { country: 'SB', channel: 'voice' }))).allow).toBe(
        true,
      );
      expect((await refusal(guard.beforeSend(context(inmarsat, { country: null })))).code).toBe(
        'country_not_allowed',
      );
    });
  });

  describe('SMS-pumping detection and network blocks', () => {
    it('blocks the prefix after 5 adjacent unverified numbers and sends the network.blocked event', async () => {
      harness = await guardHarness(kind);
      const { guard } = harness;
      for (let n = 0; n < 4; n += 1) expect((await send(guard, pumpedNumber(100 + n * 2))).allow).toBe(true);
      expect(await guard.blocks.list('pk_test_demo')).toEqual([]);
      expect((await send(guard, pumpedNumber(108))).allow).toBe(true);
      const next = await send(guard, pumpedNumber(200));
      expect(next).toMatchObject({ allow: false, reason: PREFIX_REASON });
      expect(harness.blockedEvents).toEqual([
        {
          siteKey: 'pk_test_demo',
          event: {
            network: PREFIX,
            scope: 'prefix',
            operator_name: 'Vodafone UK',
            level: 1,
            blocked_until: new Date(harness.clock.now() + HOUR).toISOString(),
            reason: PREFIX_REASON,
          },
        },
      ]);
      expect(await guard.blocks.list('pk_test_demo')).toEqual([
        expect.objectContaining({
          network: PREFIX,
          scope: 'prefix',
          level: 1,
          reason: '5 adjacent unverified numbers of one range',
        }),
      ]);
      // Voice is billed per call too; WhatsApp and email are not stopped by a block.
      expect((await send(guard, pumpedNumber(300), { channel: 'voice' })).allow).toBe(false);
      expect((await send(guard, pumpedNumber(300), { channel: 'whatsapp' })).allow).toBe(true);
      expect(await guard.channelBlocked('pk_test_demo', PREFIX, 'sms')).toBe(true);
      expect(await guard.channelBlocked('pk_test_demo', PREFIX, 'email')).toBe(false);
      // Only that prefix: the rest of its network, other networks and other sites are not affected.
      expect(await guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(false);
      expect((await send(guard, '+447400130001')).allow).toBe(true);
      expect((await send(guard, '+447700900051')).allow).toBe(true);
      expect((await send(guard, pumpedNumber(400), { siteKey: OTHER_SITE })).allow).toBe(true);
    });

    it('blocks a prefix whose settled sends to 20 unverified numbers are under 10 % approved', async () => {
      harness = await guardHarness(kind, {
        rateLimits: { prefix: [{ points: 1_000, durationSeconds: 3_600 }] },
      });
      const { guard, clock } = harness;
      // Numbers of one prefix too far apart to make a run (gap 400); the first one is approved.
      const scattered = (n: number) => pumpedNumber(7 + n * 400);
      for (let n = 0; n < 20; n += 1) {
        const sent = await send(guard, scattered(n));
        expect(sent.allow).toBe(true);
        if (n === 0) await guard.onApproved(sent.ctx);
      }
      // The sends are too recent to judge: a real burst of signups must not be blocked.
      expect(await guard.blocks.list('pk_test_demo')).toEqual([]);
      clock.advance(61_000);
      // 19 settled unverified numbers at 5 % conversion: one short of the rule.
      expect((await send(guard, scattered(20))).allow).toBe(true);
      expect(await guard.blocks.list('pk_test_demo')).toEqual([]);
      clock.advance(61_000);
      expect((await send(guard, pumpedNumber(9_999))).allow).toBe(true);
      expect(await guard.blocks.list('pk_test_demo')).toEqual([
        expect.objectContaining({
          network: PREFIX,
          scope: 'prefix',
          reason: '20 unverified numbers of one range, conversion 5 %',
        }),
      ]);
      expect(await send(guard, scattered(21))).toMatchObject({ allow: false, reason: PREFIX_REASON });
      // The network is not blocked for one prefix.
      expect(await guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(false);
      expect((await send(guard, '+447400130007')).allow).toBe(true);
    });

    it('keeps a prefix unblocked while its users approve their codes', async () => {
      harness = await guardHarness(kind, {
        rateLimits: { prefix: [{ points: 1_000, durationSeconds: 3_600 }] },
      });
      const { guard, clock } = harness;
      // An office range: 10 adjacent numbers, each approved before the next is sent.
      for (let n = 0; n < 10; n += 1) {
        const sent = await send(guard, pumpedNumber(100 + n));
        expect(sent.allow).toBe(true);
        await guard.onApproved(sent.ctx);
      }
      // Volume at 13 % conversion (4 of 30 approved), settled: 26 unverified numbers are not pumping.
      const home = (n: number) => `+44770090${String(3 + n * 300).padStart(4, '0')}`;
      for (let n = 0; n < 30; n += 1) {
        const sent = await send(guard, home(n));
        expect(sent.allow).toBe(true);
        if (n % 8 === 0) await guard.onApproved(sent.ctx);
      }
      clock.advance(61_000);
      expect((await send(guard, '+447700909999')).allow).toBe(true);
      // Unverified numbers further apart than 10 make no run.
      for (let n = 0; n < 6; n += 1)
        expect((await send(guard, `+44740013${String(100 + n * 11)}`)).allow).toBe(true);
      expect(await guard.blocks.list('pk_test_demo')).toEqual([]);
      expect(harness.blockedEvents).toEqual([]);
    });

    it('blocks the whole network only once 3 of its prefixes were blocked within 24 h', async () => {
      harness = await guardHarness(kind);
      const { guard, clock } = harness;
      const pump = (prefix: string) => pumpRange(harness, prefix);
      await pump('+447400120');
      clock.advance(12 * HOUR);
      await pump('+447400130');
      // Two blocked ranges: the rest of the network still goes.
      expect(await guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(false);
      expect((await send(guard, '+447400145000')).allow).toBe(true);
      await pump('+447400150');
      expect(await guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(true);
      expect(harness.blockedEvents.map(({ event }) => event)).toEqual([
        expect.objectContaining({ network: '+44740012', scope: 'prefix' }),
        expect.objectContaining({ network: '+44740013', scope: 'prefix' }),
        expect.objectContaining({ network: '+44740015', scope: 'prefix' }),
        {
          network: '23415',
          scope: 'network',
          operator_name: 'Vodafone UK',
          level: 1,
          blocked_until: new Date(clock.now() + HOUR).toISOString(),
          reason: REASON,
        },
      ]);
      const listed = await guard.blocks.list('pk_test_demo');
      // The first prefix's 1-hour block has ended; it still counted as evidence.
      expect(listed.map(({ network, scope }) => `${scope} ${network}`).sort()).toEqual([
        'network 23415',
        'prefix +44740013',
        'prefix +44740015',
      ]);
      expect(listed.find(({ scope }) => scope === 'network')?.reason).toBe(
        'pumping in 3 number ranges of the network',
      );
      // Every range of the network is stopped now; other networks are not.
      expect(await send(guard, '+447400160001')).toMatchObject({ allow: false, reason: REASON });
      expect((await send(guard, '+447700900061')).allow).toBe(true);
      // The network block lifts like any other.
      const { unblockedUntil } = await guard.blocks.unblock('pk_test_demo', '23415', 600);
      expect(unblockedUntil).toBe(clock.now() + 600_000);
      expect((await send(guard, '+447400160001')).allow).toBe(true);
    });

    it('blocks a network on a burst of unverified sends spread over 3+ of its prefixes, not while it converts', async () => {
      const wide = {
        prefix: [{ points: 1_000, durationSeconds: 3_600 }],
        country: [{ points: 1_000, durationSeconds: 3_600 }],
      };
      // One number in each of many prefixes: no prefix shows anything, the network does.
      const scattered = (n: number) =>
        `+447400${String(10 + n).padStart(2, '0')}${String(1_000 + n * 7).padStart(4, '0')}`;
      // A bot: 5 within a second.
      harness = await guardHarness(kind, { rateLimits: wide });
      for (let n = 0; n < 5; n += 1) expect((await send(harness.guard, scattered(n))).allow).toBe(true);
      expect(await harness.guard.blocks.list('pk_test_demo')).toEqual([
        expect.objectContaining({ network: '23415', scope: 'network', level: 1 }),
      ]);
      expect((await send(harness.guard, scattered(60))).allow).toBe(false);
      await harness.dispose();

      // A bot that paces itself (one send every 2 s) is caught by the minute tier, at 50.
      harness = await guardHarness(kind, { rateLimits: wide });
      for (let n = 0; n < 49; n += 1) {
        expect((await send(harness.guard, scattered(n))).allow).toBe(true);
        harness.clock.advance(1_200);
      }
      expect(await harness.guard.blocks.list('pk_test_demo')).toEqual([]);
      await send(harness.guard, scattered(49));
      expect(await harness.guard.blocks.list('pk_test_demo')).toEqual([
        expect.objectContaining({ network: '23415', scope: 'network' }),
      ]);
      await harness.dispose();

      // The same spread where users verify is real traffic.
      harness = await guardHarness(kind, { rateLimits: wide });
      const first = await send(harness.guard, scattered(0));
      await harness.guard.onApproved(first.ctx);
      for (let n = 1; n < 60; n += 1) expect((await send(harness.guard, scattered(n))).allow).toBe(true);
      expect(await harness.guard.blocks.list('pk_test_demo')).toEqual([]);
    });

    it('counts only prefixes of one network blocked within the last 24 h for the network rule', async () => {
      harness = await guardHarness(kind);
      const { guard, clock } = harness;
      const pump = (prefix: string) => pumpRange(harness, prefix);
      await pump('+447400120');
      clock.advance(24 * HOUR + 1_000);
      await pump('+447400130');
      // A range of another network is no evidence against this one.
      await pump('+447700900');
      await pump('+447400140');
      expect(harness.blockedEvents.map(({ event }) => (event as { scope: string }).scope)).toEqual([
        'prefix',
        'prefix',
        'prefix',
        'prefix',
      ]);
      expect(await guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(false);
      expect(await guard.blocks.isBlocked('pk_test_demo', '23410')).toBe(false);
      await pump('+447400150');
      expect(await guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(true);
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
      // Each round pumps the same prefix again: the block escalates per target. The Redis store's
      // limit windows run on Redis's own time, so the prefix bucket is widened for the years this spans.
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
        expect(await guard.blocks.isBlocked('pk_test_demo', PREFIX)).toBe(true);
        clock.advance(1);
        expect(await guard.blocks.isBlocked('pk_test_demo', PREFIX)).toBe(false);
        expect(await guard.blocks.list('pk_test_demo')).toEqual([]);
      }
      await attack(3);
      const [permanent] = await guard.blocks.list('pk_test_demo');
      expect(permanent).toMatchObject({ level: 4, blocked_until: null, unblocked_until: null });
      expect(permanent?.history.map((period) => period.level)).toEqual([1, 2, 3]);
      expect(harness.blockedEvents.map(({ event }) => event)).toEqual(
        [1, 2, 3, 4].map((level) => expect.objectContaining({ network: PREFIX, scope: 'prefix', level })),
      );
      // One range pumped four times is still one range: the network is not blocked.
      expect(await guard.blocks.isBlocked('pk_test_demo', '23415')).toBe(false);
      clock.advance(365 * 24 * HOUR);
      expect(await guard.blocks.isBlocked('pk_test_demo', PREFIX)).toBe(true);

      // Only the unblock API lets traffic through, for the time asked, and the block then resumes.
      const { unblockedUntil } = await guard.blocks.unblock('pk_test_demo', PREFIX, 600);
      expect(unblockedUntil).toBe(clock.now() + 600_000);
      expect((await send(guard, pumpedNumber(9_000))).allow).toBe(true);
      // Traffic the site let through does not trigger a new block while the unblock lasts.
      for (let n = 1; n < 8; n += 1) await send(guard, pumpedNumber(9_000 + n));
      expect((await guard.blocks.list('pk_test_demo'))[0]).toMatchObject({
        level: 4,
        unblocked_until: new Date(unblockedUntil).toISOString(),
      });
      clock.advance(600_000);
      expect(await send(guard, pumpedNumber(9_100))).toMatchObject({ allow: false, reason: PREFIX_REASON });
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
        reason: 'fraud_check: false; the block of [ 23415 ] was bypassed.',
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
    const guard = new FraudGuard({ store, clock: new ManualClock(), networkOf, numberKey });
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
    const guard = new FraudGuard({ store: broken, clock, networkOf, numberKey });
    await expect(guard.beforeSend(context('+447700900082'))).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('FraudGuard naming numbers', () => {
  it('hashes a send’s number and prefix once each, to the keys the keyed hash gives', async () => {
    const named: string[] = [];
    const counting = (value: string) => {
      named.push(value);
      return numberKey(value);
    };
    const store = new MemoryStore();
    const guard = new FraudGuard({ store, clock: new ManualClock(), networkOf, numberKey: counting });
    const phone = '+447700900091';
    const wrongCodesKey = guard.wrongCodeCounter.keyOf('pk_test_naming', phone);
    expect((await send(guard, phone, { siteKey: 'pk_test_naming' })).allow).toBe(true);
    expect(named).toEqual([phone, '+44770090']);
    expect(wrongCodesKey).toBe(`fraud:{pk_test_naming}:wrong-codes:${numberKey(phone)}`);
    const prefixSends = `fraud:{pk_test_naming}:pfx:${numberKey('+44770090')}:sent`;
    expect(await store.sortedCount(prefixSends, 0, Number.POSITIVE_INFINITY)).toBe(1);
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
