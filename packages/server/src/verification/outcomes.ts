import type { Settings, VerificationStatus, WebhookEventType } from '@proofline/shared';
import { ProoflineError } from '../errors.js';
import { ConflictError, retryOnConflict, writeRecord } from './conflicts.js';
import { eventOf, type FlowDeps, stateOf, type VerificationState } from './context.js';
import { closeLastStep } from './planning.js';
import {
  currentChannel,
  currentStep,
  isFinal,
  methodOf,
  provenBy,
  type VerificationRecord,
} from './record.js';
import type { Loaded } from './repository.js';
import { toFinalEventData, toResultClaims } from './views.js';

/**
 * How a verification ends: approved (with its result token and `verification.approved` event in
 * the same write), or `expired`, `failed`, `blocked`, `canceled`, `max_attempts_reached`; then the
 * webhooks, the rules and the fraud guard hear of it.
 */
export class Outcomes {
  constructor(private readonly deps: FlowDeps) {}

  /** Approves with one compare-and-set; null when the record changed first (the caller re-reads). */
  async approve(loaded: Loaded, settings?: Settings): Promise<VerificationState | null> {
    const record = await this.withLaterFacts(loaded.record, settings);
    const now = this.deps.clock.now();
    const approved: VerificationRecord = {
      ...record,
      status: 'approved',
      reason: null,
      steps: closeLastStep(record.steps, 'approved'),
      codeHashes: [],
      attemptsAtFinal: loaded.attempts,
      approvedAt: now,
      finalizedAt: now,
      updatedAt: now,
    };
    const channel = currentChannel(approved);
    const silent = currentStep(approved)?.channel === 'silent';
    const issue = () => this.deps.tokens.issue(toResultClaims(approved));
    // A silent approval happens in the operator's callback, not in the widget's request: the token
    // is stored with the approval so the widget's next read can pick it up.
    const silentToken = silent ? await issue() : null;
    if (silentToken) approved.resultToken = silentToken;
    // The caller's settings, when it loaded them, spare a read while concurrent checks wait on this one.
    const event = await this.deps.webhooks.prepare(
      approved.siteKey,
      'verification.approved',
      toFinalEventData(approved, loaded.attempts),
      settings,
    );
    const raw = await this.deps.repository.replace(loaded.raw, approved, event);
    if (raw === null) return null;
    const token = silentToken ?? (await issue());
    this.deps.logger.info(
      { verificationId: approved.id, siteKey: approved.siteKey, channel },
      'verification approved',
    );
    await this.afterFinal(approved, loaded.attempts);
    return { record: approved, attempts: loaded.attempts, token };
  }

  /** The record with the risk facts its start left for the approval (asked now, before the token). */
  private async withLaterFacts(record: VerificationRecord, settings?: Settings): Promise<VerificationRecord> {
    const { riskAtApproval, ...assessed } = record;
    if (!riskAtApproval?.length) return record;
    const known = settings ?? (await this.deps.loadSettings(record.siteKey));
    const { risk, flags } = await this.deps.hooks.onApproving(eventOf(record, known), riskAtApproval);
    return { ...assessed, risk, flags };
  }

  /** Ends a pending verification in `status`; if another request ended it first, answers that. */
  finish(loaded: Loaded, status: VerificationStatus, reason: string | null): Promise<VerificationState> {
    let current = loaded;
    return retryOnConflict(async (retry) => {
      if (retry > 0) current = await reload(this.deps, current.record.id, current.attempts);
      if (isFinal(current.record)) return stateOf(current);
      const final = this.finalized(current.record, status, reason, current.attempts);
      if (!(await this.deps.repository.replace(current.raw, final))) throw new ConflictError();
      this.deps.logger.info(
        { verificationId: final.id, siteKey: final.siteKey, status, reason },
        'verification ended',
      );
      await this.afterFinal(final, current.attempts);
      return { record: final, attempts: current.attempts };
    });
  }

  /** `finish` for a record this operation is writing (or creating, when `raw` is null). */
  async finishStored(
    record: VerificationRecord,
    raw: string | null,
    attempts: number,
    status: VerificationStatus,
    reason: string,
  ): Promise<VerificationState> {
    const final = this.finalized(record, status, reason, attempts);
    await writeRecord(this.deps.repository, raw, final);
    this.deps.logger.info(
      { verificationId: final.id, siteKey: final.siteKey, status, reason },
      'verification ended',
    );
    await this.afterFinal(final, attempts);
    return { record: final, attempts };
  }

  private finalized(
    record: VerificationRecord,
    status: VerificationStatus,
    reason: string | null,
    attempts: number,
  ): VerificationRecord {
    const now = this.deps.clock.now();
    const lastOpen = record.steps.at(-1)?.status === 'sent';
    return {
      ...record,
      status,
      reason,
      steps: lastOpen ? closeLastStep(record.steps, status) : record.steps,
      codeHashes: [],
      silent: null,
      attemptsAtFinal: attempts,
      finalizedAt: now,
      updatedAt: now,
    };
  }

  /** Webhooks, rules and the fraud guard hear of the outcome; none of them can undo it. */
  private async afterFinal(record: VerificationRecord, attempts: number): Promise<void> {
    const tell = async (what: string, work: () => Promise<void>) => {
      try {
        await work();
      } catch (error) {
        this.deps.logger.warn(
          { err: error, verificationId: record.id },
          `${what} failed after the verification ended`,
        );
      }
    };
    const publish = (type: WebhookEventType, data: unknown) =>
      tell(type, () => this.deps.webhooks.publish(record.siteKey, type, data));
    this.observeEnd(record);
    switch (record.status) {
      case 'approved': {
        // Its `verification.approved` event was queued with the approval itself (see `approve`).
        const settings = await this.deps.loadSettings(record.siteKey);
        await tell('rules', () => this.deps.hooks.onApproved(eventOf(record, settings)));
        await tell('fraud guard', () =>
          this.deps.guard.onApproved({
            siteKey: record.siteKey,
            verificationId: record.id,
            // Conversion counts for the number that received the code, as its sends did.
            phone: provenBy(record).phone ?? record.phone,
            country: record.country,
            channel: currentChannel(record),
          }),
        );
        return;
      }
      case 'expired':
      case 'max_attempts_reached':
      case 'failed': {
        const settings = await this.deps.loadSettings(record.siteKey);
        await publish('verification.failed', toFinalEventData(record, attempts));
        await tell('rules', () => this.deps.hooks.onFailed(eventOf(record, settings)));
        return;
      }
      case 'blocked':
        await publish('verification.blocked', toFinalEventData(record, attempts));
        return;
      default:
        return;
    }
  }

  private observeEnd(record: VerificationRecord): void {
    const { observer } = this.deps;
    const scope = { siteKey: record.siteKey, country: record.country };
    const how = { channel: currentStep(record)?.channel ?? null, method: methodOf(record) };
    if (record.status === 'approved') observer.approved({ ...scope, ...how });
    else if (record.status === 'blocked') {
      const byNetwork = record.steps.some((step) => step.status === 'blocked');
      observer.blocked({ ...scope, by: byNetwork ? 'network' : 'rule' });
    } else if (record.status !== 'canceled') observer.failed({ ...scope, ...how, status: record.status });
  }
}

/** The record read again after a lost race, keeping the attempts this operation already counted. */
export async function reload(
  deps: Pick<FlowDeps, 'repository'>,
  id: string,
  attempts: number,
): Promise<Loaded> {
  const reloaded = await deps.repository.load(id);
  if (!reloaded) throw new ProoflineError('not_found');
  return { ...reloaded, attempts: Math.max(reloaded.attempts, attempts) };
}
