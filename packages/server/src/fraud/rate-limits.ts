import { ProoflineError } from '../errors.js';
import type { RateLimiter, Store } from '../store/index.js';
import type { Bucket, FraudPolicy } from './policy.js';

export type BucketKeys = Partial<Record<Bucket, string>>;

/** The send limits: independent buckets, each with one or more windows, all on the store. */
export class SendRateLimits {
  private readonly limiters: { bucket: Bucket; limiter: RateLimiter }[];

  constructor(store: Store, rules: FraudPolicy['rateLimits']) {
    this.limiters = (Object.keys(rules) as Bucket[]).flatMap((bucket) =>
      rules[bucket].map((rule) => ({
        bucket,
        limiter: store.rateLimiter({
          name: `send:${bucket}:${rule.durationSeconds}`,
          points: rule.points,
          durationSeconds: rule.durationSeconds,
        }),
      })),
    );
  }

  /**
   * Takes one send from every bucket that has a key. Over any limit → `rate_limited` with the
   * longest wait; the message is the same whichever bucket refused, so it tells an attacker
   * nothing about the number. A store failure propagates: no send without a working limiter.
   */
  async consume(keys: BucketKeys): Promise<void> {
    const results = await Promise.all(
      this.limiters
        .filter(({ bucket }) => keys[bucket] !== undefined)
        .map(({ bucket, limiter }) => limiter.consume(keys[bucket]!)),
    );
    const waits = results.filter((result) => !result.allowed).map((result) => result.retryAfterMs);
    if (waits.length > 0) {
      throw new ProoflineError('rate_limited', undefined, undefined, {
        retryAfterSeconds: Math.ceil(Math.max(...waits) / 1_000),
      });
    }
  }
}
