import { randomUUID } from 'node:crypto';
import { type Channel, type FraudCheckBypassRecord, maskPhone } from '@proofline/shared';
import type { Clock } from '../clock/index.js';
import type { Store } from '../store/index.js';
import { fraudKeys } from './keys.js';

/** How long bypass records are kept: long enough for an audit, short enough for data minimisation. */
const RETENTION_MS = 90 * 86_400_000;

export type BypassEntry = {
  siteKey: string;
  phone: string;
  verificationId: string;
  channel: Channel;
  network: string | null;
  reason: string;
};

/** The audit trail of sends made with `fraud_check: false`, numbers masked, newest first. */
export class FraudCheckBypassAudit {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async record(entry: BypassEntry): Promise<void> {
    const now = this.clock.now();
    const record: FraudCheckBypassRecord = {
      id: randomUUID(),
      site_key: entry.siteKey,
      at: new Date(now).toISOString(),
      phone: maskPhone(entry.phone),
      verification_id: entry.verificationId,
      channel: entry.channel,
      network: entry.network,
      reason: entry.reason,
    };
    const key = fraudKeys.bypassAudit(entry.siteKey);
    await this.store.sortedAdd(key, [{ member: JSON.stringify(record), score: now }], RETENTION_MS);
    await this.store.sortedRemoveRange(key, Number.NEGATIVE_INFINITY, now - RETENTION_MS);
  }

  async list(siteKey: string, limit: number): Promise<FraudCheckBypassRecord[]> {
    const entries = await this.store.sortedRange(
      fraudKeys.bypassAudit(siteKey),
      Number.NEGATIVE_INFINITY,
      Number.POSITIVE_INFINITY,
      { limit, reverse: true },
    );
    return entries.map(({ member }) => JSON.parse(member) as FraudCheckBypassRecord);
  }
}
