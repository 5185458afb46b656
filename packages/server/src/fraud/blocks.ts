import type { NetworkBlock } from '@proofline/shared';
import type { Clock } from '../clock/index.js';
import { ProoflineError } from '../errors.js';
import type { Store } from '../store/index.js';
import { fraudKeys } from './keys.js';
import type { FraudPolicy } from './policy.js';

type Period = { level: number; blockedAt: number; blockedUntil: number | null; reason: string };

/** What is kept per site and network: the current (or last) period and the ones before it. */
type BlockRecord = Period & {
  network: string;
  operatorName: string | null;
  unblockedUntil: number | null;
  history: Period[];
};

export type ImposedBlock = {
  network: string;
  operatorName: string | null;
  level: number;
  blockedUntil: number | null;
  reason: string;
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function inForce(record: BlockRecord, nowMs: number): boolean {
  return record.blockedUntil === null || record.blockedUntil > nowMs;
}

function liftedNow(record: BlockRecord, nowMs: number): boolean {
  return record.unblockedUntil !== null && record.unblockedUntil > nowMs;
}

/**
 * Network and prefix blocks per site, as Vonage Verify does them: a detected pumping attack blocks
 * SMS and voice to one number prefix (or, on evidence from several prefixes, a network) for a period that grows on each repeat until it is permanent; the site can
 * let traffic through again for up to 24 h with the unblock API (the only way out of a permanent one).
 */
export class NetworkBlocks {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policy: Pick<FraudPolicy, 'blockDurationsSeconds' | 'escalationMemorySeconds'>,
  ) {}

  /** Whether sends to the network (or prefix) are stopped now (in force and not lifted by an unblock). */
  async isBlocked(siteKey: string, network: string): Promise<boolean> {
    return (await this.firstBlocked(siteKey, [network])) !== null;
  }

  /** The first of `targets` (prefix, network) that stops sends now, read in one round trip; else null. */
  async firstBlocked(siteKey: string, targets: readonly string[]): Promise<string | null> {
    return this.firstBlockedOf(
      targets,
      await this.store.getMany(targets.map((target) => fraudKeys.block(siteKey, target))),
    );
  }

  /** The first of `targets` whose stored block (in the same order; null: none) stops sends now; else null. */
  firstBlockedOf(targets: readonly string[], stored: readonly (string | null)[]): string | null {
    const now = this.clock.now();
    const index = stored.findIndex((value) => {
      if (value === null) return false;
      const record = JSON.parse(value) as BlockRecord;
      return inForce(record, now) && !liftedNow(record, now);
    });
    return index < 0 ? null : targets[index]!;
  }

  /**
   * Since when traffic to the network counts for detection: sends made while a block was in force
   * or lifted by the site were judged already, so the next period starts clean.
   */
  async openSince(siteKey: string, network: string): Promise<number> {
    const record = await this.read(siteKey, network);
    if (record === null) return 0;
    const now = this.clock.now();
    const ends = [record.blockedUntil ?? now, record.unblockedUntil ?? 0];
    return Math.min(now, Math.max(...ends));
  }

  /**
   * Blocks the network at the next level. Answers null when it is already blocked or the site has
   * lifted it for now (the site's unblock wins until it ends).
   */
  async impose(
    siteKey: string,
    network: string,
    operatorName: string | null,
    reason: string,
  ): Promise<ImposedBlock | null> {
    const key = fraudKeys.block(siteKey, network);
    for (;;) {
      const stored = await this.store.get(key);
      const previous = stored === null ? null : (JSON.parse(stored) as BlockRecord);
      const now = this.clock.now();
      if (previous && (inForce(previous, now) || liftedNow(previous, now))) return null;
      const level = this.nextLevel(previous, now);
      const seconds = this.durationOf(level);
      const record: BlockRecord = {
        network,
        operatorName: operatorName ?? previous?.operatorName ?? null,
        level,
        blockedAt: now,
        blockedUntil: seconds === null ? null : now + seconds * 1_000,
        reason,
        unblockedUntil: null,
        history: previous ? [...previous.history, periodOf(previous)] : [],
      };
      if (await this.store.compareAndSet(key, stored, JSON.stringify(record))) {
        await this.store.setAdd(fraudKeys.blockIndex(siteKey), [network]);
        return {
          network,
          operatorName: record.operatorName,
          level,
          blockedUntil: record.blockedUntil,
          reason,
        };
      }
    }
  }

  /** Lets traffic through for `seconds`; 404 `network_not_blocked` when no block is in force. */
  async unblock(siteKey: string, network: string, seconds: number): Promise<{ unblockedUntil: number }> {
    const key = fraudKeys.block(siteKey, network);
    for (;;) {
      const stored = await this.store.get(key);
      const record = stored === null ? null : (JSON.parse(stored) as BlockRecord);
      const now = this.clock.now();
      if (record === null || !inForce(record, now)) throw new ProoflineError('network_not_blocked');
      const unblockedUntil = now + seconds * 1_000;
      if (await this.store.compareAndSet(key, stored, JSON.stringify({ ...record, unblockedUntil }))) {
        return { unblockedUntil };
      }
    }
  }

  /** The blocks in force (lifted ones included, with `unblocked_until`), newest first. */
  async list(siteKey: string): Promise<NetworkBlock[]> {
    const networks = await this.store.setMembers(fraudKeys.blockIndex(siteKey));
    const stored = await this.store.getMany(networks.map((network) => fraudKeys.block(siteKey, network)));
    const now = this.clock.now();
    return stored
      .filter((value): value is string => value !== null)
      .map((value) => JSON.parse(value) as BlockRecord)
      .filter((record) => inForce(record, now))
      .sort((a, b) => b.blockedAt - a.blockedAt || a.network.localeCompare(b.network))
      .map((record) => ({
        network: record.network,
        scope: scopeOf(record.network),
        operator_name: record.operatorName,
        level: record.level,
        blocked_at: iso(record.blockedAt)!,
        blocked_until: iso(record.blockedUntil),
        reason: record.reason,
        unblocked_until:
          record.unblockedUntil !== null && record.unblockedUntil > now ? iso(record.unblockedUntil) : null,
        history: record.history.map((period) => ({
          level: period.level,
          blocked_at: iso(period.blockedAt)!,
          blocked_until: iso(period.blockedUntil),
          reason: period.reason,
        })),
      }));
  }

  private async read(siteKey: string, network: string): Promise<BlockRecord | null> {
    const stored = await this.store.get(fraudKeys.block(siteKey, network));
    return stored === null ? null : (JSON.parse(stored) as BlockRecord);
  }

  /** One level up from the last block, unless it ended so long ago that it is forgiven. */
  private nextLevel(previous: BlockRecord | null, now: number): number {
    if (previous === null) return 1;
    const endedAt = Math.max(previous.blockedUntil ?? now, previous.unblockedUntil ?? 0);
    if (now - endedAt > this.policy.escalationMemorySeconds * 1_000) return 1;
    return Math.min(previous.level + 1, this.policy.blockDurationsSeconds.length);
  }

  private durationOf(level: number): number | null {
    const ladder = this.policy.blockDurationsSeconds;
    return ladder[Math.min(level, ladder.length) - 1] ?? null;
  }
}

/** A block stops sends to a whole operator network (MCC-MNC) or to one number prefix (`+…`). */
export function scopeOf(target: string): 'network' | 'prefix' {
  return target.startsWith('+') ? 'prefix' : 'network';
}

function periodOf(record: BlockRecord): Period {
  return {
    level: record.level,
    blockedAt: record.blockedAt,
    blockedUntil: record.blockedUntil,
    reason: record.reason,
  };
}
