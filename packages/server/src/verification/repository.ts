import { randomBytes } from 'node:crypto';
import { type KeyedHash, keyedHash } from '../privacy/index.js';
import type { Guess, QueueItem, Store, Tally } from '../store/index.js';
import type { VerificationRecord } from './record.js';
import { plainRecords, type RecordCodec } from './record-codec.js';

/** How records keep numbers: the codec (sealed with `DATA_KEY`, or plain) and the keyed hash for key names. */
export type RecordPrivacy = { codec: RecordCodec; phoneKey: KeyedHash };

/** Without configuration: plain records, key names hashed with a secret of this process only. */
function processLocalPrivacy(): RecordPrivacy {
  return { codec: plainRecords, phoneKey: keyedHash(randomBytes(32).toString('base64url')) };
}

/**
 * Keys: a verification's record and its attempt counter share the hash tag `{ver_…}`, so one
 * atomic read-and-count serves a check; the live index per (site, number) has its own tag.
 */
const recordKey = (id: string) => `ver:{${id}}`;
const attemptsKey = (id: string) => `ver:{${id}}:attempts`;
/**
 * Every record's id scored by its creation time, so the retention job finds old records without
 * scanning keys. One key (one Cluster slot): a write per start, trimmed by the job as it purges.
 */
const createdIndexKey = 'ver:created:{index}';
/** The live index is named by a keyed hash of (site, number): never the number, never an unkeyed hash. */
const liveKeyOf = (phoneKey: KeyedHash) => (siteKey: string, phone: string) =>
  `ver:live:{${phoneKey(siteKey, phone)}}`;

/** Which verification is live for a (site, number), and since when (to recover from a crash mid-start). */
export type LiveEntry = { id: string; at: number };

/** A record as read, with its raw text: the expected value of the next compare-and-set. */
export type Loaded = { record: VerificationRecord; raw: string; attempts: number };

/** The verification records in the store. TTLs only free memory; they outlast every timestamp rule. */
export class VerificationRepository {
  private readonly codec: RecordCodec;
  private readonly liveKey: (siteKey: string, phone: string) => string;

  constructor(
    private readonly store: Store,
    private readonly retentionMs: number,
    privacy: RecordPrivacy = processLocalPrivacy(),
  ) {
    this.codec = privacy.codec;
    this.liveKey = liveKeyOf(privacy.phoneKey);
  }

  private ttlFor(record: VerificationRecord): number {
    return Math.max(record.expiresAt - record.createdAt, 0) + this.retentionMs;
  }

  /** Claims the live slot for a new verification; answers the live entry already there, if any. */
  async claimLive(
    siteKey: string,
    phone: string,
    entry: LiveEntry,
    ttlMs: number,
  ): Promise<{ raw: string; entry: LiveEntry } | null> {
    const raw = await this.store.setIfAbsentOrGet(this.liveKey(siteKey, phone), JSON.stringify(entry), ttlMs);
    return raw === null ? null : { raw, entry: JSON.parse(raw) as LiveEntry };
  }

  /** Takes over a live slot whose verification has ended; false when someone else did first. */
  replaceLive(
    siteKey: string,
    phone: string,
    expectedRaw: string,
    entry: LiveEntry,
    ttlMs: number,
  ): Promise<boolean> {
    return this.store.compareAndSet(this.liveKey(siteKey, phone), expectedRaw, JSON.stringify(entry), ttlMs);
  }

  releaseLive(siteKey: string, phone: string, entry: LiveEntry): Promise<boolean> {
    return this.store.compareAndDelete(this.liveKey(siteKey, phone), JSON.stringify(entry));
  }

  async findLive(siteKey: string, phone: string): Promise<LiveEntry | null> {
    const raw = await this.store.get(this.liveKey(siteKey, phone));
    return raw === null ? null : (JSON.parse(raw) as LiveEntry);
  }

  /** Stores a new record and indexes it by creation time, in one round trip on a single node. */
  async create(record: VerificationRecord): Promise<string> {
    const raw = this.codec.encode(record);
    await this.store.batch([
      { op: 'set', key: recordKey(record.id), value: raw, ttlMs: this.ttlFor(record) },
      { op: 'sortedAdd', key: createdIndexKey, member: record.id, score: record.createdAt },
    ]);
    return raw;
  }

  /** Ids of records created before `cutoffMs`, oldest first (for the retention job). */
  async createdBefore(cutoffMs: number, limit: number): Promise<string[]> {
    const entries = await this.store.sortedRange(createdIndexKey, Number.NEGATIVE_INFINITY, cutoffMs - 1, {
      limit,
    });
    return entries.map((entry) => entry.member);
  }

  /** Deletes records with their attempt counters, then drops them from the index. */
  async purge(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.store.del(ids.flatMap((id) => [recordKey(id), attemptsKey(id)]));
    await this.store.sortedRemove(createdIndexKey, ids);
  }

  /** The record and its attempt counter, in one round trip. */
  async load(id: string): Promise<Loaded | null> {
    const [raw, count] = await this.store.getMany([recordKey(id), attemptsKey(id)]);
    if (raw === null || raw === undefined) return null;
    return { record: this.codec.decode(raw), raw, attempts: Number(count ?? 0) };
  }

  /**
   * Counts one check attempt and reads the record, atomically, in one round trip, only when the
   * record exists and belongs to `owner`; otherwise answers null and writes nothing. With `guess`
   * (the typed code's hash), the same step counts a wrong code on the number's counter, or reads
   * it for a right one, when the record is open and names that counter (`tally`; see `Guess`).
   */
  async loadCountingAttempt(
    id: string,
    owner: Pick<VerificationRecord, 'siteKey' | 'surface'>,
    guess?: Guess,
  ): Promise<(Loaded & { tally: Tally | null }) | null> {
    const { value, count, tally } = await this.store.getAndIncrement(
      recordKey(id),
      attemptsKey(id),
      this.retentionMs * 2,
      owner,
      guess,
    );
    if (value === null) return null;
    return { record: this.codec.decode(value), raw: value, attempts: count, tally: tally ?? null };
  }

  /**
   * Writes again, sealed with the current key, the records among `ids` that are plain or sealed
   * with an older key (after setting or rotating `DATA_KEY`); answers how many it wrote.
   */
  async migrate(ids: readonly string[]): Promise<number> {
    let written = 0;
    for (const id of ids) {
      const raw = await this.store.get(recordKey(id));
      if (raw === null || this.codec.isCurrent(raw)) continue;
      if (await this.store.compareAndSet(recordKey(id), raw, this.codec.encode(this.codec.decode(raw)))) {
        written += 1;
      }
    }
    return written;
  }

  /** {@link migrate} over every record, oldest first, in batches (`proofline records migrate`). */
  async migrateAll(batchSize = 500): Promise<number> {
    let written = 0;
    let from = Number.NEGATIVE_INFINITY;
    const seen = new Set<string>();
    for (;;) {
      const entries = await this.store.sortedRange(createdIndexKey, from, Number.POSITIVE_INFINITY, {
        limit: batchSize,
      });
      const fresh = entries.filter((entry) => !seen.has(entry.member));
      if (fresh.length === 0) return written;
      written += await this.migrate(fresh.map((entry) => entry.member));
      for (const entry of fresh) seen.add(entry.member);
      from = entries.at(-1)!.score;
    }
  }

  /**
   * Writes `next` only if the record still reads `expectedRaw`; answers the new raw text or null.
   * With `event`, the event is queued in the same atomic step (both or neither).
   */
  async replace(
    expectedRaw: string,
    next: VerificationRecord,
    event?: QueueItem | null,
  ): Promise<string | null> {
    const raw = this.codec.encode(next);
    const written = event
      ? await this.store.compareAndSetAndEnqueue(
          recordKey(next.id),
          expectedRaw,
          raw,
          this.ttlFor(next),
          event,
        )
      : await this.store.compareAndSet(recordKey(next.id), expectedRaw, raw, this.ttlFor(next));
    return written ? raw : null;
  }
}
