/** The independent send buckets; each is keyed within one site. */
export type Bucket = 'number' | 'ip' | 'site' | 'prefix' | 'country';

export type RateLimitRule = { points: number; durationSeconds: number };

export type PumpingPolicy = {
  /** The sliding window over which sends and approvals are compared. */
  windowSeconds: number;
  /**
   * Sends younger than this are left out of the conversion rate: a real user needs a moment to
   * type the code, and counting those sends would make a burst of real signups look like fraud.
   */
  settleSeconds: number;
  /** Network rule: at least this many sends to one network … */
  networkMinSends: number;
  /** Prefix rule: at least this many sends to one prefix (number minus its last 4 digits) … */
  prefixMinSends: number;
  /** … with fewer than this share approved (0–1) blocks the network. */
  minConversion: number;
  /**
   * Burst rule: this many sends to one network within `settleSeconds`, with fewer than
   * `minConversion` of them approved in that time and no converting traffic before, blocks
   * without waiting for the sends to settle.
   */
  burstSends: number;
  /** Adjacency rule: this many numbers of one prefix, each within `adjacentGap` of the next. */
  adjacentNumbers: number;
  adjacentGap: number;
};

export type FraudPolicy = {
  /** Every rule of every bucket must allow a send. */
  rateLimits: Record<Bucket, RateLimitRule[]>;
  pumping: PumpingPolicy;
  /** Block durations by level; `null` is permanent and ends the ladder. */
  blockDurationsSeconds: (number | null)[];
  /** A block that ended longer ago than this no longer counts for escalation. */
  escalationMemorySeconds: number;
};

const MINUTE = 60;
const HOUR = 3_600;
const DAY = 86_400;

/**
 * The documented defaults. Per number: 3 sends / 10 min and 10 / 24 h (Twilio's and Telnyx's
 * figures); per IP (widget calls only) 10 / 10 min and 50 / 24 h, enough for an office behind one
 * NAT; per site 1,000 / h as a cost ceiling; per prefix 20 / h; per country 300 / h. Pumping: a
 * network with ≥ 20 settled sends (or a prefix with ≥ 10) and < 10 % approved in 1 h, or 5 numbers
 * of one prefix each within 10 of the next, or a burst of ≥ 50 sends in a minute with < 10 % approved
 * and no converting traffic before it, is blocked for 1 h → 6 h → 24 h → permanently.
 */
export const defaultFraudPolicy: FraudPolicy = {
  rateLimits: {
    number: [
      { points: 3, durationSeconds: 10 * MINUTE },
      { points: 10, durationSeconds: DAY },
    ],
    ip: [
      { points: 10, durationSeconds: 10 * MINUTE },
      { points: 50, durationSeconds: DAY },
    ],
    site: [{ points: 1_000, durationSeconds: HOUR }],
    prefix: [{ points: 20, durationSeconds: HOUR }],
    country: [{ points: 300, durationSeconds: HOUR }],
  },
  pumping: {
    windowSeconds: HOUR,
    settleSeconds: MINUTE,
    networkMinSends: 20,
    prefixMinSends: 10,
    minConversion: 0.1,
    burstSends: 50,
    adjacentNumbers: 5,
    adjacentGap: 10,
  },
  blockDurationsSeconds: [HOUR, 6 * HOUR, DAY, null],
  escalationMemorySeconds: 30 * DAY,
};

export type FraudPolicyOverrides = {
  rateLimits?: Partial<Record<Bucket, RateLimitRule[]>>;
  pumping?: Partial<PumpingPolicy>;
  blockDurationsSeconds?: (number | null)[];
  escalationMemorySeconds?: number;
};

/** The defaults with a deployment's overrides; a bucket given replaces that bucket's rules. */
export function fraudPolicy(overrides: FraudPolicyOverrides = {}): FraudPolicy {
  const ladder = overrides.blockDurationsSeconds ?? defaultFraudPolicy.blockDurationsSeconds;
  if (ladder.length === 0) throw new Error('blockDurationsSeconds needs at least one level');
  return {
    rateLimits: { ...defaultFraudPolicy.rateLimits, ...overrides.rateLimits },
    pumping: { ...defaultFraudPolicy.pumping, ...overrides.pumping },
    blockDurationsSeconds: ladder,
    escalationMemorySeconds: overrides.escalationMemorySeconds ?? defaultFraudPolicy.escalationMemorySeconds,
  };
}
