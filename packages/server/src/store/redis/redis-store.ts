import { Cluster, Redis, ReplyError } from 'ioredis';
import type {
  BatchOperation,
  Expected,
  Guess,
  Limit,
  LimitDecision,
  QueueItem,
  Store,
  StoreDurability,
  Tally,
} from '../port.js';
import { StoreUnavailableError } from '../port.js';
import { encodeOperation, hashTagOf, pairsOf, parseScore, scoreArg, ttlArg } from './arguments.js';
import { connect, defaultTimeoutMs, type RedisClient, type RedisConnectionConfig } from './connection.js';
import { combinedDurability, durabilityOf } from './durability.js';
import { type ScriptCommands, scripts } from './scripts.js';
import { RedisSubscriptions } from './subscriptions.js';

export type RedisStoreConfig = RedisConnectionConfig & {
  /** Put before every key, scripts' keys included (`REDIS_KEY_PREFIX`); must not contain `{` or `}`. */
  keyPrefix?: string;
  /**
   * An ioredis client to use instead of connecting from the options above; the store closes it.
   * Its own retry and queueing options apply, so give it the fail-fast ones `connect` uses.
   */
  client?: RedisClient;
};

export const defaultKeyPrefix = 'proofline:';

/** Replies that mean "Redis cannot answer now" rather than "this call is wrong". */
const unavailableReplies = /^(CLUSTERDOWN|LOADING|MASTERDOWN|READONLY|TRYAGAIN|NOREPLICAS|BUSY)\b/;

/** A PTTL reply as ms left: 0 for a key without a TTL or gone. */
const ttlLeft = (pttl: number | undefined) => Math.max(0, pttl ?? 0);

function storeError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError) return error;
  if (error instanceof ReplyError && !unavailableReplies.test((error as Error).message)) return error;
  return new StoreUnavailableError(error);
}

/**
 * The store on Redis (single node, Sentinel or Cluster) through ioredis. Every read-then-write is a
 * Lua script, so it is atomic and one round trip; keys are prefixed here rather than by ioredis so
 * that keys handed to scripts, rate limiters and MGET/DEL get exactly the same prefix. When Redis
 * cannot be reached every call rejects with `StoreUnavailableError` within the timeout (default
 * 1 s), and the client keeps reconnecting so the store recovers by itself.
 */
export class RedisStore implements Store {
  private readonly client: RedisClient;
  private readonly scripts: ScriptCommands;
  private readonly prefix: string;
  private readonly timeoutMs: number;
  private readonly isCluster: boolean;
  /** Set once a connection attempt failed; calls then fail at once until the client is ready again. */
  private connectionLost = false;
  private closed = false;
  /** Shared by the calls made while the first connection is being made. */
  private firstConnection: Promise<void> | undefined;
  private readonly subscriptions: RedisSubscriptions;

  constructor(source: RedisStoreConfig | RedisClient) {
    const config: RedisStoreConfig =
      source instanceof Redis || source instanceof Cluster ? { client: source } : source;
    this.prefix = config.keyPrefix ?? defaultKeyPrefix;
    if (/[{}]/.test(this.prefix)) {
      throw new Error('redis: the key prefix must not contain { or }: it would become the hash tag');
    }
    this.timeoutMs = config.timeoutMs ?? defaultTimeoutMs;
    this.client = config.client ?? connect(config);
    if (this.client.options.keyPrefix) {
      throw new Error('redis: give the prefix to the store (keyPrefix), not to the ioredis client');
    }
    this.isCluster = this.client instanceof Cluster;
    for (const [name, definition] of Object.entries(scripts)) this.client.defineCommand(name, definition);
    this.scripts = this.client as unknown as ScriptCommands;
    this.subscriptions = new RedisSubscriptions(this.client, `${this.prefix}subscriber`, this.timeoutMs);

    this.client.on('ready', () => {
      this.connectionLost = false;
    });
    // Listening also keeps ioredis from printing every reconnect failure as an unhandled error.
    this.client.on('error', () => {
      this.connectionLost = true;
    });
    this.client.on('close', () => {
      this.connectionLost = true;
    });
  }

  async ping(): Promise<void> {
    await this.run(() => this.client.ping());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.subscriptions.close();
    if (this.client.status === 'end') return;
    if (this.client.status !== 'ready') {
      // Never connected, or reconnecting to a Redis that is gone: drop the connection attempt.
      // ioredis does not always emit 'end' from these states, so nothing is awaited.
      this.client.disconnect();
      return;
    }
    const ended = new Promise((resolve) => this.client.once('end', resolve));
    await this.client.quit().catch(() => this.client.disconnect());
    await ended;
  }

  async get(key: string): Promise<string | null> {
    return this.run(() => this.client.get(this.key(key)));
  }

  async getMany(keys: readonly string[]): Promise<(string | null)[]> {
    if (keys.length === 0) return [];
    const values: (string | null)[] = new Array(keys.length).fill(null);
    await this.run(() =>
      Promise.all(
        this.bySlot(keys.map((key, index) => ({ key, index }))).map(async (group) => {
          const found = await this.client.mget(group.map((entry) => this.key(entry.key)));
          group.forEach((entry, at) => {
            values[entry.index] = found[at] ?? null;
          });
        }),
      ),
    );
    return values;
  }

  async set(
    key: string,
    value: string,
    options: { ttlMs?: number; onlyIfAbsent?: boolean } = {},
  ): Promise<boolean> {
    const args: (string | number)[] = [this.key(key), value];
    if (options.ttlMs !== undefined) args.push('PX', ttlArg(options.ttlMs));
    if (options.onlyIfAbsent) args.push('NX');
    const reply = await this.run(() => this.client.call('SET', ...args));
    return reply === 'OK';
  }

  async setIfAbsentOrGet(key: string, value: string, ttlMs?: number): Promise<string | null> {
    return this.run(() => this.scripts.setIfAbsentOrGet(this.key(key), value, ttlArg(ttlMs)));
  }

  async compareAndSet(key: string, expected: string | null, next: string, ttlMs?: number): Promise<boolean> {
    const hasExpected = expected === null ? '0' : '1';
    const reply = await this.run(() =>
      this.scripts.compareAndSet(this.key(key), hasExpected, expected ?? '', next, ttlArg(ttlMs)),
    );
    return reply === 1;
  }

  async compareAndDelete(key: string, expected: string): Promise<boolean> {
    return (await this.run(() => this.scripts.compareAndDelete(this.key(key), expected))) === 1;
  }

  async del(keys: readonly string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const counts = await this.run(() =>
      Promise.all(
        this.bySlot(keys.map((key) => ({ key }))).map((group) =>
          this.client.del(...group.map((entry) => this.key(entry.key))),
        ),
      ),
    );
    return counts.reduce((sum, count) => sum + count, 0);
  }

  async ttlMs(key: string): Promise<number | null> {
    const remaining = await this.run(() => this.client.pttl(this.key(key)));
    return remaining < 0 ? null : remaining;
  }

  async increment(key: string, by = 1, ttlMs?: number): Promise<number> {
    return this.run(() => this.scripts.increment(this.key(key), by, ttlArg(ttlMs)));
  }

  /** One script; on Cluster the guess's counter (in another slot) is tallied in a second one. */
  async getAndIncrement(
    valueKey: string,
    counterKey: string,
    ttlMs?: number,
    owner?: Readonly<Record<string, string>>,
    guess?: Guess,
  ): Promise<{ value: string | null; count: number; tally?: Tally }> {
    const mode = guess === undefined ? '' : this.isCluster ? 'report' : 'inline';
    const [value, count, matched, counter, msLeft] = await this.run(() =>
      this.scripts.getAndIncrement(
        this.key(valueKey),
        this.key(counterKey),
        ttlArg(ttlMs),
        mode,
        guess?.hash ?? '',
        guess?.nowMs ?? '',
        guess ? ttlArg(guess.windowMs) : '',
        this.prefix,
        ...Object.entries(owner ?? {}).flat(),
      ),
    );
    if (guess === undefined || matched === undefined || counter === undefined) return { value, count };
    if (mode === 'inline') {
      return {
        value,
        count,
        tally: { matched: matched === 1, count: Number(counter), msLeft: ttlLeft(msLeft) },
      };
    }
    const [tallied, left] = await this.run(() =>
      this.scripts.tallyGuess(this.key(String(counter)), matched === 1 ? '1' : '0', ttlArg(guess.windowMs)),
    );
    return { value, count, tally: { matched: matched === 1, count: tallied, msLeft: ttlLeft(left) } };
  }

  async setAdd(key: string, members: readonly string[], ttlMs?: number): Promise<number> {
    if (members.length === 0) return 0;
    return this.run(() => this.scripts.setAdd(this.key(key), ttlArg(ttlMs), ...members));
  }

  async setRemove(key: string, members: readonly string[]): Promise<number> {
    if (members.length === 0) return 0;
    return this.run(() => this.client.srem(this.key(key), ...members));
  }

  async setMembers(key: string): Promise<string[]> {
    return this.run(() => this.client.smembers(this.key(key)));
  }

  async sortedAdd(
    key: string,
    entries: readonly { member: string; score: number }[],
    ttlMs?: number,
  ): Promise<void> {
    if (entries.length === 0) return;
    const pairs = entries.flatMap((entry) => [scoreArg(entry.score), entry.member]);
    await this.run(() => this.scripts.sortedAdd(this.key(key), ttlArg(ttlMs), ...pairs));
  }

  async sortedRange(
    key: string,
    min: number,
    max: number,
    options: { limit?: number; reverse?: boolean } = {},
  ): Promise<{ member: string; score: number }[]> {
    const [from, to] = options.reverse ? [scoreArg(max), scoreArg(min)] : [scoreArg(min), scoreArg(max)];
    const command = options.reverse ? 'ZREVRANGEBYSCORE' : 'ZRANGEBYSCORE';
    const limit = options.limit === undefined ? [] : ['LIMIT', '0', String(Math.max(0, options.limit))];
    if (options.limit !== undefined && options.limit <= 0) return [];
    const reply = (await this.run(() =>
      this.client.call(command, this.key(key), from, to, 'WITHSCORES', ...limit),
    )) as (string | [string, string])[];
    return pairsOf(reply).map(([member, score]) => ({ member, score: parseScore(score) }));
  }

  async sortedCount(key: string, min: number, max: number): Promise<number> {
    return this.run(() => this.client.zcount(this.key(key), scoreArg(min), scoreArg(max)));
  }

  async sortedRemove(key: string, members: readonly string[]): Promise<number> {
    if (members.length === 0) return 0;
    return this.run(() => this.client.zrem(this.key(key), ...members));
  }

  async sortedRemoveRange(key: string, min: number, max: number): Promise<number> {
    return this.run(() => this.client.zremrangebyscore(this.key(key), scoreArg(min), scoreArg(max)));
  }

  /**
   * All operations in one script, so they apply together. On Cluster they are grouped by hash tag:
   * each group is atomic, and a batch meant to be atomic as a whole must use one tag (as the port asks).
   */
  async batch(operations: readonly BatchOperation[]): Promise<number[]> {
    const results: number[] = new Array(operations.length).fill(0);
    const encoded = operations.flatMap((operation, index) => {
      const args = encodeOperation(operation);
      return args ? [{ key: operation.key, args, index }] : [];
    });
    if (encoded.length === 0) return results;
    await this.run(() =>
      Promise.all(
        this.bySlot(encoded).map(async (group) => {
          const answers = await this.scripts.batch(
            group.length,
            ...group.map((entry) => this.key(entry.key)),
            ...group.flatMap((entry) => entry.args),
          );
          group.forEach((entry, at) => {
            results[entry.index] = Number(answers[at] ?? 0);
          });
        }),
      ),
    );
    return results;
  }

  async enqueue(queue: string, id: string, payload: string, dueAtMs: number): Promise<void> {
    const [items, due] = this.queueKeys(queue);
    await this.run(() => this.scripts.queuePut(items, due, id, payload, scoreArg(dueAtMs)));
  }

  /**
   * One script on a single node or Sentinel. On Cluster the value and the queue live in different
   * slots, which no script can span: the item is queued first and withdrawn if the value had
   * changed, so a value is still never written without its item (a crash in between can leave an
   * item whose change did not happen).
   */
  async compareAndSetAndEnqueue(
    key: string,
    expected: string | null,
    next: string,
    ttlMs: number | undefined,
    item: QueueItem,
  ): Promise<boolean> {
    if (this.isCluster) {
      await this.enqueue(item.queue, item.id, item.payload, item.dueAtMs);
      if (await this.compareAndSet(key, expected, next, ttlMs)) return true;
      await this.ack(item.queue, item.id);
      return false;
    }
    const [items, due] = this.queueKeys(item.queue);
    const reply = await this.run(() =>
      this.scripts.compareAndSetAndEnqueue(
        this.key(key),
        items,
        due,
        expected === null ? '0' : '1',
        expected ?? '',
        next,
        ttlArg(ttlMs),
        item.id,
        item.payload,
        scoreArg(item.dueAtMs),
      ),
    );
    return reply === 1;
  }

  async claim(
    queue: string,
    nowMs: number,
    leaseMs: number,
    limit: number,
  ): Promise<{ id: string; payload: string }[]> {
    if (limit <= 0) return [];
    const [items, due] = this.queueKeys(queue);
    const reply = await this.run(() =>
      this.scripts.queueClaim(items, due, scoreArg(nowMs), scoreArg(nowMs + leaseMs), limit),
    );
    return pairsOf(reply).map(([id, payload]) => ({ id, payload }));
  }

  async ack(queue: string, id: string): Promise<void> {
    const [items, due] = this.queueKeys(queue);
    await this.run(() => this.scripts.queueAck(items, due, id));
  }

  async reschedule(queue: string, id: string, payload: string, dueAtMs: number): Promise<void> {
    await this.enqueue(queue, id, payload, dueAtMs);
  }

  async queueSize(queue: string): Promise<number> {
    const [items] = this.queueKeys(queue);
    return this.run(() => this.client.hlen(items));
  }

  /** Channels carry the key prefix too: deployments (and tests) sharing a Redis do not hear each other. */
  async publish(channel: string, message: string): Promise<void> {
    await this.run(() => this.client.publish(this.key(channel), message));
  }

  subscribe(channel: string, listener: (message: string) => void, onMissed?: () => void): Promise<void> {
    return this.subscriptions.subscribe(this.key(channel), listener, onMissed);
  }

  async durability(): Promise<StoreDurability> {
    const nodes = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    return combinedDurability(await this.run(() => Promise.all(nodes.map((node) => durabilityOf(node)))));
  }

  async consumeLimits(limits: readonly Limit[], expected: readonly Expected[] = []): Promise<LimitDecision> {
    if (limits.length === 0 && expected.length === 0) return { allowed: true };
    const [index, msLeft, ...found] = await this.run(() =>
      this.scripts.consumeLimits(
        limits.length + expected.length,
        ...limits.map((limit) => this.key(limit.key)),
        ...expected.map((entry) => this.key(entry.key)),
        limits.length,
        ...limits.flatMap((limit) => [limit.max, Math.ceil(limit.windowMs), limit.cost ?? 1]),
        ...expected.flatMap((entry) => (entry.value === null ? ['0', ''] : ['1', entry.value])),
      ),
    );
    if (index === 0) return { allowed: true };
    if (index === -1) return { allowed: false, found: found.map((value) => value ?? null) };
    return { allowed: false, index: index - 1, retryAfterMs: Math.max(1, msLeft) };
  }

  private key(key: string): string {
    return this.prefix + key;
  }

  /** The payload hash and the due-time sorted set of a queue, under one hash tag. */
  private queueKeys(queue: string): [string, string] {
    return [this.key(`{q:${queue}}:items`), this.key(`{q:${queue}}:due`)];
  }

  /** Splits multi-key work by hash tag on Cluster (where one command cannot span slots); else one group. */
  private bySlot<T extends { key: string }>(entries: readonly T[]): T[][] {
    if (!this.isCluster) return [[...entries]];
    const groups = new Map<string, T[]>();
    for (const entry of entries) {
      const tag = hashTagOf(this.key(entry.key));
      const group = groups.get(tag);
      if (group) group.push(entry);
      else groups.set(tag, [entry]);
    }
    return [...groups.values()];
  }

  private async run<T>(command: () => Promise<T>): Promise<T> {
    // Ready (nearly always): no wait to await, the command goes out in this tick.
    if (this.client.status !== 'ready') await this.whenConnected();
    try {
      return await command();
    } catch (error) {
      throw storeError(error);
    }
  }

  /**
   * Ready: go. Connection lost: fail now (the caller answers 503). Still making the first
   * connection: wait for it, at most the timeout, so calls right after start-up succeed.
   */
  private async whenConnected(): Promise<void> {
    if (this.client.status === 'ready') return;
    if (this.closed) throw new StoreUnavailableError(new Error('redis store closed'));
    if (this.connectionLost) throw new StoreUnavailableError(new Error(`redis ${this.client.status}`));
    this.firstConnection ??= this.waitForReady().finally(() => {
      this.firstConnection = undefined;
    });
    await this.firstConnection;
  }

  private waitForReady(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        this.client.off('error', settle);
        this.client.off('close', onClose);
        if (error === undefined) resolve();
        else reject(new StoreUnavailableError(error));
      };
      const onReady = () => settle();
      const onClose = () => settle(new Error('redis connection closed'));
      const timer = setTimeout(() => settle(new Error('redis connect timed out')), this.timeoutMs);
      this.client.once('ready', onReady);
      this.client.once('error', settle);
      this.client.once('close', onClose);
    });
  }
}
