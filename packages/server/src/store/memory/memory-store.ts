import { type Clock, systemClock } from '../../clock/index.js';
import type { BatchOperation, Expected, Guess, Limit, LimitDecision, QueueItem, Store } from '../port.js';

type Entry =
  | { kind: 'string'; value: string; expiresAt: number | null }
  | { kind: 'set'; value: Set<string>; expiresAt: number | null }
  | { kind: 'sorted'; value: Map<string, number>; expiresAt: number | null };

type QueueEntry = { payload: string; dueAt: number };

/**
 * The embedded store: one process, no persistence. Every operation completes synchronously inside
 * one call, which makes each one atomic as the Redis scripts are. Expiry follows the given clock.
 */
export class MemoryStore implements Store {
  private readonly entries = new Map<string, Entry>();
  private readonly queues = new Map<string, Map<string, QueueEntry>>();
  private readonly listeners = new Map<string, ((message: string) => void)[]>();
  private closed = false;

  constructor(private readonly clock: Clock = systemClock) {}

  async ping(): Promise<void> {
    if (this.closed) throw new Error('memory store closed');
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async get(key: string): Promise<string | null> {
    return this.readString(key);
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    return keys.map((key) => this.readString(key));
  }

  async set(
    key: string,
    value: string,
    options: { ttlMs?: number; onlyIfAbsent?: boolean } = {},
  ): Promise<boolean> {
    if (options.onlyIfAbsent && this.live(key)) return false;
    this.writeString(key, value, options.ttlMs);
    return true;
  }

  async setIfAbsentOrGet(key: string, value: string, ttlMs?: number): Promise<string | null> {
    const existing = this.readString(key);
    if (existing !== null) return existing;
    this.writeString(key, value, ttlMs);
    return null;
  }

  async compareAndSet(key: string, expected: string | null, next: string, ttlMs?: number): Promise<boolean> {
    if (this.readString(key) !== expected) return false;
    const keepTtl = ttlMs === undefined ? this.remaining(key) : ttlMs;
    this.writeString(key, next, keepTtl ?? undefined);
    return true;
  }

  async compareAndDelete(key: string, expected: string): Promise<boolean> {
    if (this.readString(key) !== expected) return false;
    this.entries.delete(key);
    return true;
  }

  async del(keys: readonly string[]): Promise<number> {
    let removed = 0;
    for (const key of keys) {
      if (this.live(key)) removed += 1;
      this.entries.delete(key);
    }
    return removed;
  }

  async ttlMs(key: string): Promise<number | null> {
    return this.remaining(key);
  }

  async increment(key: string, by = 1, ttlMs?: number): Promise<number> {
    return this.incrementNow(key, by, ttlMs);
  }

  async getAndIncrement(
    valueKey: string,
    counterKey: string,
    ttlMs?: number,
    owner?: Readonly<Record<string, string>>,
    guess?: Guess,
  ) {
    const value = this.readString(valueKey);
    if (value === null || (owner && !ownedBy(value, owner))) return { value: null, count: 0 };
    const count = this.incrementNow(counterKey, 1, ttlMs);
    const tallied = guess && tallyOf(value, count, guess);
    if (!tallied) return { value, count };
    const tallyCount = tallied.matched
      ? Number(this.readString(tallied.key) ?? 0)
      : this.incrementNow(tallied.key, 1, guess.windowMs);
    const tally = { matched: tallied.matched, count: tallyCount, msLeft: this.remaining(tallied.key) ?? 0 };
    return { value, count, tally };
  }

  async setAdd(key: string, members: readonly string[], ttlMs?: number): Promise<number> {
    return this.setAddNow(key, members, ttlMs);
  }

  async setRemove(key: string, members: readonly string[]): Promise<number> {
    const set = this.collection(key, 'set');
    if (!set) return 0;
    let removed = 0;
    for (const member of members) if (set.delete(member)) removed += 1;
    if (set.size === 0) this.entries.delete(key);
    return removed;
  }

  async setMembers(key: string): Promise<string[]> {
    return [...(this.collection(key, 'set') ?? [])];
  }

  async sortedAdd(
    key: string,
    entries: readonly { member: string; score: number }[],
    ttlMs?: number,
  ): Promise<void> {
    for (const entry of entries) this.sortedAddNow(key, entry.member, entry.score, ttlMs);
  }

  async sortedRange(
    key: string,
    min: number,
    max: number,
    options: { limit?: number; reverse?: boolean } = {},
  ): Promise<{ member: string; score: number }[]> {
    const inRange = this.sortedRangeNow(key, min, max);
    if (options.reverse) inRange.reverse();
    return options.limit === undefined ? inRange : inRange.slice(0, Math.max(0, options.limit));
  }

  async sortedCount(key: string, min: number, max: number): Promise<number> {
    return this.sortedRangeNow(key, min, max).length;
  }

  async sortedRemove(key: string, members: readonly string[]): Promise<number> {
    const sorted = this.collection(key, 'sorted');
    if (!sorted) return 0;
    let removed = 0;
    for (const member of members) if (sorted.delete(member)) removed += 1;
    if (sorted.size === 0) this.entries.delete(key);
    return removed;
  }

  async sortedRemoveRange(key: string, min: number, max: number): Promise<number> {
    return this.sortedRemoveRangeNow(key, min, max);
  }

  async batch(operations: readonly BatchOperation[]): Promise<number[]> {
    return operations.map((operation) => this.applyNow(operation));
  }

  async enqueue(queue: string, id: string, payload: string, dueAtMs: number): Promise<void> {
    this.queue(queue).set(id, { payload, dueAt: dueAtMs });
  }

  async compareAndSetAndEnqueue(
    key: string,
    expected: string | null,
    next: string,
    ttlMs: number | undefined,
    item: QueueItem,
  ): Promise<boolean> {
    if (!(await this.compareAndSet(key, expected, next, ttlMs))) return false;
    await this.enqueue(item.queue, item.id, item.payload, item.dueAtMs);
    return true;
  }

  async claim(
    queue: string,
    nowMs: number,
    leaseMs: number,
    limit: number,
  ): Promise<{ id: string; payload: string }[]> {
    const items = [...this.queue(queue)]
      .filter(([, item]) => item.dueAt <= nowMs)
      .sort(([idA, a], [idB, b]) => a.dueAt - b.dueAt || (idA < idB ? -1 : idA > idB ? 1 : 0))
      .slice(0, Math.max(0, limit));
    for (const [, item] of items) item.dueAt = nowMs + leaseMs;
    return items.map(([id, item]) => ({ id, payload: item.payload }));
  }

  async ack(queue: string, id: string): Promise<void> {
    this.queue(queue).delete(id);
  }

  async reschedule(queue: string, id: string, payload: string, dueAtMs: number): Promise<void> {
    this.queue(queue).set(id, { payload, dueAt: dueAtMs });
  }

  async durability(): Promise<null> {
    return null;
  }

  async queueSize(queue: string): Promise<number> {
    return this.queue(queue).size;
  }

  async publish(channel: string, message: string): Promise<void> {
    for (const listener of this.listeners.get(channel) ?? []) listener(message);
  }

  /** In one process nothing is ever missed: `onMissed` is never called. */
  async subscribe(channel: string, listener: (message: string) => void): Promise<void> {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
  }

  async consumeLimits(limits: readonly Limit[], expected: readonly Expected[] = []): Promise<LimitDecision> {
    const found = expected.map((entry) => this.readString(entry.key));
    if (found.some((value, index) => value !== expected[index]!.value)) return { allowed: false, found };
    for (const [index, limit] of limits.entries()) {
      if (Number(this.readString(limit.key) ?? 0) + 1 > limit.max) {
        return { allowed: false, index, retryAfterMs: Math.max(1, this.remaining(limit.key) ?? 1) };
      }
    }
    for (const limit of limits) if ((limit.cost ?? 1) === 1) this.incrementNow(limit.key, 1, limit.windowMs);
    return { allowed: true };
  }

  /** Members scored within [min, max], by score then member. */
  private sortedRangeNow(key: string, min: number, max: number): { member: string; score: number }[] {
    const sorted = this.collection(key, 'sorted');
    if (!sorted) return [];
    return [...sorted]
      .filter(([, score]) => score >= min && score <= max)
      .map(([member, score]) => ({ member, score }))
      .sort((a, b) => a.score - b.score || (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
  }

  private sortedRemoveRangeNow(key: string, min: number, max: number): number {
    const sorted = this.collection(key, 'sorted');
    if (!sorted) return 0;
    let removed = 0;
    for (const [member, score] of sorted) {
      if (score >= min && score <= max) {
        sorted.delete(member);
        removed += 1;
      }
    }
    if (sorted.size === 0) this.entries.delete(key);
    return removed;
  }

  /** One batch operation, applied at once; its answer as the port describes. */
  private applyNow(operation: BatchOperation): number {
    switch (operation.op) {
      case 'set':
        this.writeString(operation.key, operation.value, operation.ttlMs);
        return 0;
      case 'del':
        this.entries.delete(operation.key);
        return 0;
      case 'increment':
        this.incrementNow(operation.key, operation.by ?? 1, operation.ttlMs);
        return 0;
      case 'setAdd':
        this.setAddNow(operation.key, operation.members, operation.ttlMs);
        return 0;
      case 'sortedAdd':
        this.sortedAddNow(operation.key, operation.member, operation.score, operation.ttlMs);
        return 0;
      case 'sortedRemoveRange':
        return this.sortedRemoveRangeNow(operation.key, operation.min, operation.max);
      case 'sortedCount':
        return this.sortedRangeNow(operation.key, operation.min, operation.max).length;
    }
  }

  private queue(name: string): Map<string, QueueEntry> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Map();
      this.queues.set(name, queue);
    }
    return queue;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== null && entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private remaining(key: string): number | null {
    const entry = this.live(key);
    if (!entry || entry.expiresAt === null) return null;
    return entry.expiresAt - this.clock.now();
  }

  private expiry(ttlMs: number | undefined): number | null {
    return ttlMs === undefined ? null : this.clock.now() + ttlMs;
  }

  private readString(key: string): string | null {
    const entry = this.live(key);
    if (!entry) return null;
    if (entry.kind !== 'string') throw new Error(`WRONGTYPE ${key} is not a string`);
    return entry.value;
  }

  private writeString(key: string, value: string, ttlMs: number | undefined): void {
    this.entries.set(key, { kind: 'string', value, expiresAt: this.expiry(ttlMs) });
  }

  private incrementNow(key: string, by: number, ttlMs: number | undefined): number {
    const current = this.readString(key);
    const next = (current === null ? 0 : Number(current)) + by;
    const expiresAt = current === null ? this.expiry(ttlMs) : (this.live(key)?.expiresAt ?? null);
    this.entries.set(key, { kind: 'string', value: String(next), expiresAt });
    return next;
  }

  private collection<K extends 'set' | 'sorted'>(
    key: string,
    kind: K,
  ): (K extends 'set' ? Set<string> : Map<string, number>) | undefined {
    const entry = this.live(key);
    if (!entry) return undefined;
    if (entry.kind !== kind) throw new Error(`WRONGTYPE ${key} is not a ${kind}`);
    return entry.value as K extends 'set' ? Set<string> : Map<string, number>;
  }

  private setAddNow(key: string, members: readonly string[], ttlMs: number | undefined): number {
    // As on Redis, an empty set does not exist: adding nothing creates nothing.
    if (members.length === 0) return 0;
    let set = this.collection(key, 'set');
    if (!set) {
      set = new Set();
      this.entries.set(key, { kind: 'set', value: set, expiresAt: this.expiry(ttlMs) });
    }
    let added = 0;
    for (const member of members) {
      if (!set.has(member)) added += 1;
      set.add(member);
    }
    return added;
  }

  private sortedAddNow(key: string, member: string, score: number, ttlMs: number | undefined): void {
    let sorted = this.collection(key, 'sorted');
    if (!sorted) {
      sorted = new Map();
      this.entries.set(key, { kind: 'sorted', value: sorted, expiresAt: this.expiry(ttlMs) });
    }
    sorted.set(member, score);
  }
}

/** Whether a JSON object value holds every `owner` field with that value (as the Redis script decides). */
function ownedBy(value: string, owner: Readonly<Record<string, string>>): boolean {
  const record = jsonObject(value);
  return record !== null && Object.entries(owner).every(([field, expected]) => record[field] === expected);
}

/** The counter a guess is tallied on and whether it matched, as the Redis script decides (see `Guess`). */
function tallyOf(value: string, count: number, guess: Guess): { key: string; matched: boolean } | null {
  const { wrongCodesKey: key, status, expiresAt, maxAttempts, codeHashes } = jsonObject(value) ?? {};
  if (typeof key !== 'string' || status !== 'pending') return null;
  if (typeof expiresAt !== 'number' || expiresAt <= guess.nowMs) return null;
  if (typeof maxAttempts !== 'number' || count > maxAttempts) return null;
  return { key, matched: Array.isArray(codeHashes) && codeHashes.includes(guess.hash) };
}

function jsonObject(value: string): Record<string, unknown> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : null;
}
