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
  /** Prefix rule: sent, unverified messages to at least this many numbers of one prefix … */
  prefixMinSends: number;
  /** … with fewer than this share approved (0–1) blocks the prefix. */
  minConversion: number;
  /** Adjacency rule: this many unverified numbers of one prefix, each within `adjacentGap` of the next. */
  adjacentNumbers: number;
  adjacentGap: number;
  /** Network rule: a network is blocked once this many of its prefixes were blocked for pumping … */
  networkMinPrefixes: number;
  /** … within this many seconds. */
  networkEvidenceSeconds: number;
  /**
   * Spread rule, for attacks that touch each prefix once: this many unverified sends to one
   * network within `settleSeconds`, over at least `networkMinPrefixes` of its prefixes, with no
   * converting traffic to it in the window, block the network before the country's limit is spent.
   */
  burstSends: number;
};

export type FraudPolicy = {
  /** Every rule of every bucket must allow a send. */
  rateLimits: Record<Bucket, RateLimitRule[]>;
  pumping: PumpingPolicy;
  /** Wrong codes per number and site, across all its verifications; then new sends are refused. */
  wrongCodes: { max: number; windowSeconds: number };
  /** Block durations by level; `null` is permanent and ends the ladder. */
  blockDurationsSeconds: (number | null)[];
  /** A block that ended longer ago than this no longer counts for escalation. */
  escalationMemorySeconds: number;
};

const MINUTE = 60;
const HOUR = 3_600;
const DAY = 86_400;

/**
 * The documented defaults (docs/security.md). Per number: 5 sends / 10 min (so a user can use
 * every send `max_sends` allows) and 10 / 24 h; per IP (widget calls only) 10 / 10 min and 50 /
 * 24 h, enough for an office behind one NAT; per site 1,000 / h as a cost ceiling; per prefix 20 /
 * h; per country 300 / h. Wrong codes: 10 per number / 24 h. Pumping: sent, unverified messages to
 * ≥ 20 numbers of one prefix in 10 min at < 10 % conversion, or 5 unverified numbers of one prefix
 * each within 10 of the next, block that prefix; a network is blocked only when 3 of its prefixes
 * were, within 24 h, or when 50 unverified sends within a minute spread over 3 or more of its
 * prefixes with no converting traffic. Blocks last 1 h → 6 h → 24 h → permanently.
 */
export const defaultFraudPolicy: FraudPolicy = {
  rateLimits: {
    number: [
      { points: 5, durationSeconds: 10 * MINUTE },
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
    windowSeconds: 10 * MINUTE,
    settleSeconds: MINUTE,
    prefixMinSends: 20,
    minConversion: 0.1,
    adjacentNumbers: 5,
    adjacentGap: 10,
    networkMinPrefixes: 3,
    networkEvidenceSeconds: DAY,
    burstSends: 50,
  },
  wrongCodes: { max: 10, windowSeconds: DAY },
  blockDurationsSeconds: [HOUR, 6 * HOUR, DAY, null],
  escalationMemorySeconds: 30 * DAY,
};

export type FraudPolicyOverrides = {
  rateLimits?: Partial<Record<Bucket, RateLimitRule[]>>;
  pumping?: Partial<PumpingPolicy>;
  wrongCodes?: Partial<FraudPolicy['wrongCodes']>;
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
    wrongCodes: { ...defaultFraudPolicy.wrongCodes, ...overrides.wrongCodes },
    blockDurationsSeconds: ladder,
    escalationMemorySeconds: overrides.escalationMemorySeconds ?? defaultFraudPolicy.escalationMemorySeconds,
  };
}
