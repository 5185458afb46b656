import { defaultSettings, type Settings } from '@proofline/shared';
import { Redis } from 'ioredis';
import { ManualClock } from '../../src/clock/index.js';
import {
  FraudGuard,
  type FraudPolicyOverrides,
  type NetworkInfo,
  type SendContext,
  type SendDecision,
} from '../../src/fraud/index.js';
import { keyedHash } from '../../src/privacy/index.js';
import type { Store } from '../../src/store/index.js';
import { MemoryStore } from '../../src/store/memory/index.js';
import { RedisStore } from '../../src/store/redis/index.js';
import { demoSite } from '../../src/tenants/index.js';
import { REDIS_URL, testKeyPrefix } from '../support/server.js';

/** Numbers in key names as the server names them: a keyed hash. */
export const numberKey = keyedHash('test-server-secret-of-32-characters!');

export const OTHER_SITE = 'pk_test_other';

/** The network each test number is on: numbers starting +447400 are on the "pumped" network. */
const pumpedNetwork: NetworkInfo = { network: '23415', operatorName: 'Vodafone UK' };
const homeNetwork: NetworkInfo = { network: '23410', operatorName: 'O2 UK' };

export function networkOf(e164: string): Promise<NetworkInfo | null> {
  if (e164.startsWith('+447400')) return Promise.resolve(pumpedNetwork);
  if (e164.startsWith('+44')) return Promise.resolve(homeNetwork);
  return Promise.resolve(null);
}

export type StoreKind = 'memory' | 'redis';

export type GuardHarness = {
  guard: FraudGuard;
  store: Store;
  clock: ManualClock;
  blockedEvents: { siteKey: string; event: unknown }[];
  /**
   * Lets `ms` pass: the manual clock moves, and on Redis (whose TTLs run on its own time) every
   * TTL under the harness's prefix is shortened and keys past theirs removed, as the store
   * contract's harness does.
   */
  advance(ms: number): Promise<void>;
  dispose(): Promise<void>;
};

/** A FraudGuard on a fresh store (memory, or real Redis under a prefix of its own) and a manual clock. */
export async function guardHarness(
  kind: StoreKind,
  policy: FraudPolicyOverrides = {},
): Promise<GuardHarness> {
  const clock = new ManualClock();
  const keyPrefix = testKeyPrefix('fraud');
  const store: Store =
    kind === 'memory' ? new MemoryStore(clock) : new RedisStore({ url: REDIS_URL, keyPrefix });
  const blockedEvents: GuardHarness['blockedEvents'] = [];
  const guard = new FraudGuard({
    store,
    clock,
    numberKey,
    networkOf,
    policy,
    onNetworkBlocked: async (siteKey, event) => {
      blockedEvents.push({ siteKey, event });
    },
  });
  return {
    guard,
    store,
    clock,
    blockedEvents,
    async advance(ms) {
      clock.advance(ms);
      if (kind !== 'redis') return;
      const admin = new Redis(REDIS_URL);
      try {
        for (const key of await admin.keys(`${keyPrefix}*`)) {
          const remaining = await admin.pttl(key);
          if (remaining < 0) continue;
          if (remaining <= ms) await admin.del(key);
          else await admin.pexpire(key, remaining - ms);
        }
      } finally {
        await admin.quit();
      }
    },
    async dispose() {
      if (kind === 'redis') {
        const admin = new Redis(REDIS_URL);
        const keys = await admin.keys(`${keyPrefix}*`);
        if (keys.length > 0) await admin.del(...keys);
        await admin.quit();
      }
      await store.close();
    },
  };
}

export const settings: Settings = defaultSettings(demoSite.brand, demoSite.allowedOrigins);

let sequence = 0;

export function context(phone: string, overrides: Partial<SendContext> = {}): SendContext {
  sequence += 1;
  return {
    siteKey: demoSite.siteKey,
    settings,
    phone,
    country: 'GB',
    channel: 'sms',
    ip: null,
    fraudCheck: true,
    verificationId: `ver_${sequence}`,
    ...overrides,
  };
}

/** One send as the verification flow makes it: ask, and if allowed, report it sent. */
export async function send(
  guard: FraudGuard,
  phone: string,
  overrides: Partial<SendContext> = {},
): Promise<SendDecision & { ctx: SendContext }> {
  const ctx = context(phone, overrides);
  const decision = await guard.beforeSend(ctx);
  if (decision.allow) await guard.afterSend(ctx);
  return { ...decision, ctx };
}

/** `+447400120000` + n: adjacent numbers of one prefix on the pumped network. */
export function pumpedNumber(n: number): string {
  return `+44740012${String(n).padStart(4, '0')}`;
}
