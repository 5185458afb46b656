import type { Clock } from '../clock/index.js';
import type { BatchOperation, Store } from '../store/index.js';
import { fraudKeys, lastDigitsOf, prefixOf } from './keys.js';
import type { PumpingPolicy } from './policy.js';

/**
 * Evidence read per decision is the newest events only: enough for every rule's threshold, and a
 * send costs the same however busy the prefix or network is (no read grows with the traffic).
 */
const newest = { limit: 500, reverse: true } as const;

export type SendRecord = { siteKey: string; phone: string; verificationId: string };

/**
 * SMS-pumping detection over sliding windows (sorted sets scored by time), per number prefix (the
 * number minus its last 4 digits: the block an operator hands out, and what pumpers walk). The
 * evidence is only messages the provider accepted and nobody verified: a refused, blocked or
 * never-sent request is no evidence, so an attacker cannot get real users' prefixes blocked without
 * paying for messages. The signatures are the vendors': low conversion at volume (Vonage), and runs
 * of adjacent numbers (Twilio). Members are verification ids, so resends do not inflate the volume.
 */
export class PumpingDetector {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policy: PumpingPolicy,
    /** Names a prefix in key names and members without revealing the numbers (a keyed hash). */
    private readonly rangeKey: (prefix: string) => string,
  ) {}

  /**
   * Counts a send the provider accepted, for its prefix and (when known) its network, trims their
   * windows, and answers whether any rule could find something now — in one store round trip. The
   * answer is an upper bound from plain counts: only when it is true are the rules evaluated,
   * reading the evidence itself, so a quiet prefix or network costs no read.
   */
  async recordSend(send: SendRecord, network: string | null): Promise<{ prefix: boolean; network: boolean }> {
    const now = this.clock.now();
    const { siteKey, phone, verificationId } = send;
    const range = this.rangeKey(prefixOf(phone));
    const windowMs = this.windowMs();
    const expired = { min: Number.NEGATIVE_INFINITY, max: now - windowMs };
    const prefixSends = fraudKeys.prefixSends(siteKey, range);
    const operations: BatchOperation[] = [
      {
        op: 'sortedAdd',
        key: prefixSends,
        member: `${verificationId}|${lastDigitsOf(phone)}`,
        score: now,
        ttlMs: windowMs,
      },
      { op: 'sortedRemoveRange', key: prefixSends, ...expired },
      { op: 'sortedRemoveRange', key: fraudKeys.prefixApprovals(siteKey, range), ...expired },
      { op: 'sortedCount', key: prefixSends, min: now - windowMs, max: now },
    ];
    if (network !== null) {
      const networkSends = fraudKeys.networkSends(siteKey, network);
      operations.push(
        {
          op: 'sortedAdd',
          key: networkSends,
          member: `${verificationId}|${range}`,
          score: now,
          ttlMs: windowMs,
        },
        { op: 'sortedRemoveRange', key: networkSends, ...expired },
        { op: 'sortedRemoveRange', key: fraudKeys.networkApprovals(siteKey, network), ...expired },
        ...this.policy.spreadBursts.map(
          (tier): BatchOperation => ({
            op: 'sortedCount',
            key: networkSends,
            min: now - tier.seconds * 1_000,
            max: now,
          }),
        ),
      );
    }
    const counts = await this.store.batch(operations);
    const { prefixMinSends, adjacentNumbers, networkMinPrefixes, spreadBursts } = this.policy;
    // A prefix rule needs that many distinct unverified numbers; a spread tier that many sends
    // within its seconds, over at least `networkMinPrefixes` prefixes (so at least as many sends).
    return {
      prefix: counts[3]! >= Math.min(prefixMinSends, adjacentNumbers),
      network:
        network !== null &&
        spreadBursts.some((tier, index) => counts[7 + index]! >= Math.max(tier.sends, networkMinPrefixes)),
    };
  }

  async recordApproval({ siteKey, phone, verificationId }: SendRecord): Promise<void> {
    await this.store.batch([
      {
        op: 'sortedAdd',
        key: fraudKeys.prefixApprovals(siteKey, this.rangeKey(prefixOf(phone))),
        member: verificationId,
        score: this.clock.now(),
        ttlMs: this.windowMs(),
      },
    ]);
  }

  /**
   * The reason to block the number's prefix, or null. Only traffic since `sinceMs` counts (the end
   * of the prefix's last block), so a period already judged is not judged twice.
   */
  async evaluatePrefix(siteKey: string, phone: string, sinceMs: number): Promise<string | null> {
    const now = this.clock.now();
    const from = Math.max(now - this.windowMs(), sinceMs);
    const settled = now - this.policy.settleSeconds * 1_000;
    const prefix = prefixOf(phone);
    const [sends, approvals] = await Promise.all([
      this.store.sortedRange(fraudKeys.prefixSends(siteKey, this.rangeKey(prefix)), from, now, newest),
      this.store.sortedRange(fraudKeys.prefixApprovals(siteKey, this.rangeKey(prefix)), from, now, newest),
    ]);
    const approved = new Set(approvals.map(({ member }) => member));
    const unverified = sends
      .map(({ member, score }) => ({
        verificationId: member.slice(0, member.lastIndexOf('|')),
        digits: Number(member.slice(member.lastIndexOf('|') + 1)),
        score,
      }))
      .filter((send) => !approved.has(send.verificationId));

    const settledSends = sends.filter(({ score }) => score <= settled).length;
    const settledUnverified = unverified.filter(({ score }) => score <= settled);
    const settledNumbers = new Set(settledUnverified.map(({ digits }) => digits));
    const conversion = settledSends === 0 ? 1 : 1 - settledUnverified.length / settledSends;
    if (settledNumbers.size >= this.policy.prefixMinSends && conversion < this.policy.minConversion) {
      return `${settledNumbers.size} unverified numbers of one range, conversion ${Math.round(conversion * 100)} %`;
    }
    const run = longestAdjacentRun(
      unverified.map(({ digits }) => digits),
      this.policy.adjacentGap,
    );
    if (run >= this.policy.adjacentNumbers) return `${run} adjacent unverified numbers of one range`;
    return null;
  }

  async recordNetworkApproval(siteKey: string, network: string, verificationId: string): Promise<void> {
    await this.store.batch([
      {
        op: 'sortedAdd',
        key: fraudKeys.networkApprovals(siteKey, network),
        member: verificationId,
        score: this.clock.now(),
        ttlMs: this.windowMs(),
      },
    ]);
  }

  /**
   * The spread rule: a burst of unverified sends over several prefixes of one network that
   * converts nothing (each prefix alone shows too little to judge); each tier is a number of sends
   * within a number of seconds. Null when no tier applies.
   */
  async evaluateNetworkSpread(siteKey: string, network: string, sinceMs: number): Promise<string | null> {
    const now = this.clock.now();
    const from = Math.max(now - this.windowMs(), sinceMs);
    const longest = Math.max(...this.policy.spreadBursts.map((tier) => tier.seconds));
    const [sends, approvals] = await Promise.all([
      this.store.sortedRange(
        fraudKeys.networkSends(siteKey, network),
        Math.max(from, now - longest * 1_000),
        now,
        newest,
      ),
      this.store.sortedCount(fraudKeys.networkApprovals(siteKey, network), from, now),
    ]);
    if (approvals > 0) return null;
    for (const tier of this.policy.spreadBursts) {
      const burst = sends.filter(({ score }) => score >= now - tier.seconds * 1_000);
      if (burst.length < tier.sends) continue;
      const prefixes = new Set(burst.map(({ member }) => member.slice(member.lastIndexOf('|') + 1)));
      if (prefixes.size < this.policy.networkMinPrefixes) continue;
      return `${burst.length} unverified sends over ${prefixes.size} number ranges within ${tier.seconds} s`;
    }
    return null;
  }

  /**
   * Counts a prefix of `network` blocked for pumping; answers how many distinct prefixes of it were
   * within the evidence window (the network rule needs several, so one range never stops a network).
   */
  async recordBlockedPrefix(siteKey: string, network: string, prefix: string): Promise<number> {
    const now = this.clock.now();
    const key = fraudKeys.networkBlockedPrefixes(siteKey, network);
    const windowMs = this.policy.networkEvidenceSeconds * 1_000;
    await this.store.batch([{ op: 'sortedAdd', key, member: prefix, score: now, ttlMs: windowMs }]);
    await this.store.sortedRemoveRange(key, Number.NEGATIVE_INFINITY, now - windowMs);
    return this.store.sortedCount(key, now - windowMs, now);
  }

  private windowMs(): number {
    return this.policy.windowSeconds * 1_000;
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
