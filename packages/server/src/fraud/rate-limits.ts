import { ProoflineError } from '../errors.js';
import type { Expected, Limit, Store } from '../store/index.js';
import { fraudKeys } from './keys.js';
import type { Bucket, FraudPolicy } from './policy.js';

/** The value each bucket counts for one send (the number, the client IP, its prefix, …). */
export type BucketKeys = Partial<Record<Bucket, string>>;

/** The per-IP bucket first: a client over its own limit is refused before anything else is looked at. */
const ORDER: readonly Bucket[] = ['ip', 'number', 'prefix', 'country', 'site'];

/**
 * The send limits: independent buckets (each with one or more windows) per site, taken all or
 * nothing in one atomic store step. A refused send takes from no bucket, so requests refused for
 * one reason (an IP over its limit, a wrong-code lock) can never use up a real user's allowance.
 */
export class SendRateLimits {
  constructor(
    private readonly store: Store,
    private readonly policy: Pick<FraudPolicy, 'rateLimits' | 'wrongCodes'>,
  ) {}

  /**
   * Takes one send from every bucket that has a key, unless one is full or the number is locked
   * by wrong codes. Refused → `rate_limited` with the wait; the message is the same whichever
   * bucket refused, so it tells an attacker nothing. A store failure propagates (fail closed).
   * With `expected`, takes nothing and answers the values found when one of those keys changed;
   * else answers null.
   */
  async consume(
    siteKey: string,
    keys: BucketKeys & { number: string },
    expected: readonly Expected[] = [],
  ): Promise<(string | null)[] | null> {
    const limits: Limit[] = [
      this.wrongCodeLimit(siteKey, keys.number),
      ...ORDER.flatMap((bucket) => {
        const value = keys[bucket];
        if (value === undefined) return [];
        return this.policy.rateLimits[bucket].map((rule) => ({
          key: fraudKeys.sendLimit(siteKey, bucket, rule.durationSeconds, value),
          max: rule.points,
          windowMs: rule.durationSeconds * 1_000,
        }));
      }),
    ];
    const decision = await this.store.consumeLimits(limits, expected);
    if (decision.allowed) return null;
    if ('found' in decision) return decision.found;
    throw rateLimited(decision.retryAfterMs);
  }

  /** Counts a wrong code for the number, across all its verifications at the site. */
  async recordWrongCode(siteKey: string, number: string): Promise<void> {
    const { key, windowMs } = this.wrongCodeLimit(siteKey, number);
    await this.store.increment(key, 1, windowMs);
  }

  /** Refuses (`rate_limited`) once the number had `wrongCodes.max` wrong codes in the window. */
  async assertCodesAccepted(siteKey: string, number: string): Promise<void> {
    const decision = await this.store.consumeLimits([this.wrongCodeLimit(siteKey, number)]);
    if (!decision.allowed && 'retryAfterMs' in decision) throw rateLimited(decision.retryAfterMs);
  }

  /**
   * {@link assertCodesAccepted} on a count read elsewhere: the code check's own store step reads the
   * counter (`wrongCodeLimit(…).key`, which the record names) in the step that counts its attempt.
   */
  assertCountAccepted(count: number, msLeft: number): void {
    if (count + 1 > this.policy.wrongCodes.max) throw rateLimited(Math.max(1, msLeft));
  }

  /** Checked, never taken from, by sends: only wrong codes fill it. */
  wrongCodeLimit(siteKey: string, number: string): Limit {
    const wrong = this.policy.wrongCodes;
    return {
      key: fraudKeys.wrongCodes(siteKey, number),
      max: wrong.max,
      windowMs: wrong.windowSeconds * 1_000,
      cost: 0,
    };
  }
}

function rateLimited(retryAfterMs: number): ProoflineError {
  return new ProoflineError('rate_limited', undefined, undefined, {
    retryAfterSeconds: Math.ceil(retryAfterMs / 1_000),
  });
}
