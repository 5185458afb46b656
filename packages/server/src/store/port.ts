/**
 * The store port: everything the domains keep, behind one small interface with two adapters
 * (memory for embedded defaults and tests, Redis for production). Keys are built by the domains;
 * a key's `{…}` part is its Redis Cluster hash tag, and every multi-key operation takes keys that
 * share one tag. Adapters add their own prefix (`REDIS_KEY_PREFIX`).
 *
 * TTLs here only free memory: expiry that matters to the product is decided from timestamps kept
 * in the records, with the clock port, so it is exact in tests and identical on both adapters.
 */
export interface Store {
  /** Fails (rejects) when the store cannot answer; `/readyz` uses it. */
  ping(): Promise<void>;
  close(): Promise<void>;

  get(key: string): Promise<string | null>;
  getMany(keys: readonly string[]): Promise<(string | null)[]>;
  /** Writes a value; with `onlyIfAbsent` writes nothing and answers false when the key exists. */
  set(key: string, value: string, options?: { ttlMs?: number; onlyIfAbsent?: boolean }): Promise<boolean>;
  /** Sets the key if absent and answers null; else answers the value already there. One round trip. */
  setIfAbsentOrGet(key: string, value: string, ttlMs?: number): Promise<string | null>;
  /** Replaces `expected` (null: the key must be absent) with `next`, atomically; false if it changed. */
  compareAndSet(key: string, expected: string | null, next: string, ttlMs?: number): Promise<boolean>;
  /** Deletes the key only if it still holds `expected`; answers whether it did. */
  compareAndDelete(key: string, expected: string): Promise<boolean>;
  del(keys: readonly string[]): Promise<number>;
  /** Remaining lifetime in ms, null when the key has none or does not exist. */
  ttlMs(key: string): Promise<number | null>;

  /** Adds `by` and answers the new total; the TTL is set when the counter is created. */
  increment(key: string, by?: number, ttlMs?: number): Promise<number>;
  /**
   * Reads `valueKey` and increments `counterKey` in one atomic step (keys share a hash tag):
   * e.g. "load the verification and count this attempt" in a single round trip. Counts nothing
   * and answers `{value: null, count: 0}` when the value is absent, or when `owner` is given and
   * the value (a JSON object) lacks one of those top-level fields: a stranger writes nothing.
   * With `guess`, also tallies a code check's guess on the number's counter (see {@link Guess}).
   */
  getAndIncrement(
    valueKey: string,
    counterKey: string,
    ttlMs?: number,
    owner?: Readonly<Record<string, string>>,
    guess?: Guess,
  ): Promise<{ value: string | null; count: number; tally?: Tally }>;

  setAdd(key: string, members: readonly string[], ttlMs?: number): Promise<number>;
  setRemove(key: string, members: readonly string[]): Promise<number>;
  setMembers(key: string): Promise<string[]>;

  /** Sorted sets: sliding windows, time-ordered indexes. */
  sortedAdd(
    key: string,
    entries: readonly { member: string; score: number }[],
    ttlMs?: number,
  ): Promise<void>;
  sortedRange(
    key: string,
    min: number,
    max: number,
    options?: { limit?: number; reverse?: boolean },
  ): Promise<{ member: string; score: number }[]>;
  sortedCount(key: string, min: number, max: number): Promise<number>;
  sortedRemove(key: string, members: readonly string[]): Promise<number>;
  sortedRemoveRange(key: string, min: number, max: number): Promise<number>;

  /**
   * Several operations applied together, in order, in one atomic step and one round trip (keys
   * share a hash tag to stay atomic on Cluster); answers one number per operation: what a
   * `sortedCount` counted and a `sortedRemoveRange` removed, 0 for the others.
   */
  batch(operations: readonly BatchOperation[]): Promise<number[]>;

  /**
   * A durable queue of work due at a time (webhook deliveries): `enqueue` stores the payload;
   * `claim` leases up to `limit` due items for `leaseMs` (unacked items come back after the lease,
   * so a crash loses nothing); `ack` removes an item; `reschedule` puts it back for later.
   */
  enqueue(queue: string, id: string, payload: string, dueAtMs: number): Promise<void>;
  /**
   * `compareAndSet` and `enqueue` as one atomic step: the item is queued exactly when the value is
   * written (a state change and the event telling of it — never one without the other).
   */
  compareAndSetAndEnqueue(
    key: string,
    expected: string | null,
    next: string,
    ttlMs: number | undefined,
    item: QueueItem,
  ): Promise<boolean>;
  claim(
    queue: string,
    nowMs: number,
    leaseMs: number,
    limit: number,
  ): Promise<{ id: string; payload: string }[]>;
  ack(queue: string, id: string): Promise<void>;
  reschedule(queue: string, id: string, payload: string, dueAtMs: number): Promise<void>;
  queueSize(queue: string): Promise<number>;

  /**
   * Whether data survives a restart and is never evicted (production start-up warns otherwise, and
   * `proofline doctor` reports it); null for a store that is not meant to (in-memory).
   */
  durability(): Promise<StoreDurability | null>;

  /**
   * Fixed-window limits taken all or nothing, in one atomic step (keys share a hash tag): the
   * limits are checked in order and, when one is full, nothing is taken from any of them — a
   * refused request spends no one's allowance. A limit with `cost: 0` is only checked.
   *
   * With `expected`, the limits are taken only if each of those keys (same hash tag) still holds
   * the value the caller decided on (null: absent); else nothing is taken and the answer carries
   * the values found, to decide again with. A caller can so decide on values it remembered and
   * still never act on stale ones.
   */
  consumeLimits(limits: readonly Limit[], expected?: readonly Expected[]): Promise<LimitDecision>;

  /**
   * Tells every server instance on this store, this one included, `message` on `channel` (e.g. "a
   * site's settings changed"). Delivery is at most once: an instance disconnected at that moment
   * misses it, so what listens keeps only state that a short TTL also bounds.
   */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Calls `listener` with every message published on `channel` from now on, by any instance, and
   * `onMissed` each time the subscription comes back after a lost connection (messages sent
   * meanwhile did not arrive).
   */
  subscribe(channel: string, listener: (message: string) => void, onMissed?: () => void): Promise<void>;
}

/**
 * A code check's guess, for `getAndIncrement` to tally in the same step. When the value is a
 * verification record (JSON) still open after this count — `status` "pending", `expiresAt` after
 * `nowMs`, the count within `maxAttempts` — and names a counter in its plain field `wrongCodesKey`
 * (a store key like any other), that counter is incremented when `hash` is none of the record's
 * `codeHashes` (its TTL `windowMs` set on creation), and only read when it is one; the answer's
 * `tally` says which, with the counter's value. Nothing is tallied (no `tally`) otherwise.
 * The counter is named by the value, so no caller can know its key beforehand: one atomic step on
 * a single node or Sentinel; on Cluster, where it lives in another slot, two (the value's, then
 * the counter's).
 */
export type Guess = { hash: string; nowMs: number; windowMs: number };

/** What a guess did: `matched` (the counter read) or not (counted); the counter's value and ms left. */
export type Tally = { matched: boolean; count: number; msLeft: number };

/** A counter key allowing `max` within `windowMs` from its first use. */
export type Limit = { key: string; max: number; windowMs: number; cost?: 0 | 1 };

/** A key and the value the caller believes it holds (null: absent). */
export type Expected = { key: string; value: string | null };

export type LimitDecision =
  | { allowed: true }
  /** `index` of the first full limit, and when its window ends. */
  | { allowed: false; index: number; retryAfterMs: number }
  /** An expected key held something else: nothing was taken; `found` has every expected key's value. */
  | { allowed: false; found: (string | null)[] };

/** A redeemed token or a queued webhook must not come back or vanish with a restart or memory pressure. */
export type StoreDurability = {
  /** RDB snapshots or the append-only file are on (on every node). */
  persistence: boolean;
  /** `maxmemory-policy` (the first node's that differs from `noeviction`, if any). */
  evictionPolicy: string;
};

/** One item for a durable queue, due at a time. */
export type QueueItem = { queue: string; id: string; payload: string; dueAtMs: number };

/** One operation of a batch; a TTL is set when the write creates the key. */
export type BatchOperation =
  | { op: 'set'; key: string; value: string; ttlMs?: number }
  | { op: 'del'; key: string }
  | { op: 'increment'; key: string; by?: number; ttlMs?: number }
  | { op: 'setAdd'; key: string; members: readonly string[]; ttlMs?: number }
  | { op: 'sortedAdd'; key: string; member: string; score: number; ttlMs?: number }
  | { op: 'sortedRemoveRange'; key: string; min: number; max: number }
  | { op: 'sortedCount'; key: string; min: number; max: number };

/** Thrown by adapters when the store cannot be reached, so the edge answers 503 and fails closed. */
export class StoreUnavailableError extends Error {
  constructor(cause?: unknown) {
    super('store unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}
