import type { Clock } from '../clock/index.js';
import type { Store } from '../store/index.js';
import { fraudKeys, lastDigitsOf, prefixOf } from './keys.js';
import type { PumpingPolicy } from './policy.js';

export type SendRecord = { siteKey: string; network: string; phone: string; verificationId: string };

/**
 * SMS-pumping detection over sliding windows (sorted sets scored by time). The signatures are the
 * vendors': low conversion at volume on one network (Vonage), and bursts to adjacent numbers of one
 * prefix (Twilio). Members are verification ids, so resends do not inflate the volume.
 */
export class PumpingDetector {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policy: PumpingPolicy,
  ) {}

  async recordSend({ siteKey, network, phone, verificationId }: SendRecord): Promise<void> {
    const now = this.clock.now();
    const ttlMs = this.policy.windowSeconds * 1_000;
    await this.store.batch([
      {
        op: 'sortedAdd',
        key: fraudKeys.networkSends(siteKey, network),
        member: verificationId,
        score: now,
        ttlMs,
      },
      {
        op: 'sortedAdd',
        key: fraudKeys.prefixSends(siteKey, prefixOf(phone)),
        member: `${verificationId}|${lastDigitsOf(phone)}`,
        score: now,
        ttlMs,
      },
    ]);
    await this.prune(siteKey, network, phone, now);
  }

  async recordApproval({ siteKey, network, phone, verificationId }: SendRecord): Promise<void> {
    const now = this.clock.now();
    const ttlMs = this.policy.windowSeconds * 1_000;
    await this.store.batch([
      {
        op: 'sortedAdd',
        key: fraudKeys.networkApprovals(siteKey, network),
        member: verificationId,
        score: now,
        ttlMs,
      },
      {
        op: 'sortedAdd',
        key: fraudKeys.prefixApprovals(siteKey, prefixOf(phone)),
        member: verificationId,
        score: now,
        ttlMs,
      },
    ]);
  }

  /**
   * The reason to block the number's network, or null. Only traffic since `sinceMs` counts (the
   * end of the network's last block), so a period already judged is not judged twice.
   */
  async evaluate(siteKey: string, network: string, phone: string, sinceMs: number): Promise<string | null> {
    const now = this.clock.now();
    const from = Math.max(now - this.policy.windowSeconds * 1_000, sinceMs);
    const settled = now - this.policy.settleSeconds * 1_000;
    const prefix = prefixOf(phone);
    const recent = Math.max(from, settled);
    const [
      networkSends,
      networkBurst,
      networkApprovals,
      recentApprovals,
      prefixSends,
      prefixApprovals,
      prefixRecent,
    ] = await Promise.all([
      this.store.sortedCount(fraudKeys.networkSends(siteKey, network), from, settled),
      this.store.sortedCount(fraudKeys.networkSends(siteKey, network), recent, now),
      this.store.sortedCount(fraudKeys.networkApprovals(siteKey, network), from, now),
      this.store.sortedCount(fraudKeys.networkApprovals(siteKey, network), recent, now),
      this.store.sortedCount(fraudKeys.prefixSends(siteKey, prefix), from, settled),
      this.store.sortedCount(fraudKeys.prefixApprovals(siteKey, prefix), from, now),
      this.store.sortedRange(fraudKeys.prefixSends(siteKey, prefix), from, now),
    ]);
    const { minConversion } = this.policy;
    if (networkSends >= this.policy.networkMinSends && networkApprovals / networkSends < minConversion) {
      return `conversion ${percent(networkApprovals, networkSends)} of ${networkSends} sends to the network`;
    }
    // Users who type their code within the minute show up here; pumped numbers never do.
    const converting =
      recentApprovals / Math.max(1, networkBurst) >= minConversion ||
      (networkSends >= this.policy.networkMinSends && networkApprovals / networkSends >= minConversion);
    if (networkBurst >= this.policy.burstSends && !converting) {
      return `${networkBurst} sends to the network within ${this.policy.settleSeconds} s`;
    }
    if (prefixSends >= this.policy.prefixMinSends && prefixApprovals / prefixSends < minConversion) {
      return `conversion ${percent(prefixApprovals, prefixSends)} of ${prefixSends} sends to one number range`;
    }
    const run = longestAdjacentRun(
      prefixRecent.map(({ member }) => Number(member.slice(member.lastIndexOf('|') + 1))),
      this.policy.adjacentGap,
    );
    if (run >= this.policy.adjacentNumbers) return `${run} adjacent numbers of one range`;
    return null;
  }

  /** Drops what left the window, so a steadily used key does not grow without end. */
  private async prune(siteKey: string, network: string, phone: string, now: number): Promise<void> {
    const before = now - this.policy.windowSeconds * 1_000;
    const prefix = prefixOf(phone);
    await Promise.all(
      [
        fraudKeys.networkSends(siteKey, network),
        fraudKeys.networkApprovals(siteKey, network),
        fraudKeys.prefixSends(siteKey, prefix),
        fraudKeys.prefixApprovals(siteKey, prefix),
      ].map((key) => this.store.sortedRemoveRange(key, Number.NEGATIVE_INFINITY, before)),
    );
  }
}

/** The most distinct numbers in one chain where each is at most `gap` above the one before. */
export function longestAdjacentRun(numbers: readonly number[], gap: number): number {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  let longest = 0;
  let run = 0;
  for (let index = 0; index < sorted.length; index += 1) {
    run = index > 0 && sorted[index]! - sorted[index - 1]! <= gap ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  return longest;
}

function percent(part: number, whole: number): string {
  return `${Math.round((part / whole) * 100)} %`;
}
