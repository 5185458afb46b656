import { isDeliveryError, renderMessage } from '../messaging/index.js';
import { assertLineTypeAccepted, receivesTexts } from '../risk/index.js';
import { writeRecord } from './conflicts.js';
import { type Caller, type FlowDeps, type Held, stateOf, type VerificationState } from './context.js';
import type { Outcomes } from './outcomes.js';
import { closeCurrentStep, destinationOf, isTextChannel, passedOver } from './planning.js';
import type { LineNetwork, SendContext } from './ports.js';
import {
  currentStep,
  isFinal,
  type PlannedStep,
  type StepRecord,
  type VerificationRecord,
} from './record.js';
import type { Loaded } from './repository.js';
import { testNumberCode } from './test-numbers.js';

/** Why a step begins: the start, the user's resend, the previous step's failure, or its timeout. */
export type SendReason = 'start' | 'resend' | 'delivery_failure' | 'timeout';

/**
 * Walks the workflow from one step on: begins a silent step, or sends a code past the line-type
 * policy and the send guard; a step that cannot go moves on to the next, as does one that timed out.
 */
export class StepSender {
  constructor(
    private readonly deps: FlowDeps,
    private readonly outcomes: Outcomes,
  ) {}

  /**
   * Begins step `index`: asks the send guard, stores the new code (killing the previous one, or
   * keeping it alive beside the new one when the step only timed out), then sends. A delivery
   * failure moves on to the next step; past the last step the verification ends `failed`.
   * `raw: null` creates the record instead of replacing it. `known.network`: the number's network
   * from the start's lookup, so the fraud gate does not ask the line source again for it.
   */
  async sendStep(
    current: Held,
    index: number,
    reason: SendReason,
    caller: Caller,
    known: { network?: LineNetwork | null } = {},
  ): Promise<VerificationState> {
    let { record, raw } = current;
    let stepIndex = index;
    let why: SendReason = reason;
    let settings = caller.settings;
    // A step refused by a block is skipped; the verification ends `blocked` only when none is left.
    let blockedReason: string | null = null;
    for (;;) {
      const step = record.workflow[stepIndex];
      if (!step) {
        return blockedReason === null
          ? this.outcomes.finishStored(record, raw, current.attempts, 'failed', 'delivery_failed')
          : this.outcomes.finishStored(record, raw, current.attempts, 'blocked', blockedReason);
      }
      const now = this.deps.clock.now();
      const steps = closeCurrentStep(
        record,
        why === 'timeout' ? 'timed_out' : why === 'resend' ? 'replaced' : null,
      );

      if (step.channel === 'silent') {
        const silent = this.deps.silent
          ? await this.deps.silent.begin({
              verificationId: record.id,
              siteKey: record.siteKey,
              surface: record.surface,
              phone: record.phone,
              returnUrl: record.returnUrl,
            })
          : null;
        const initiated: StepRecord = {
          channel: 'silent',
          to: null,
          initiatedAt: now,
          status: silent ? 'sent' : 'failed',
          reason: silent ? null : 'silent_unavailable',
        };
        const next: VerificationRecord = {
          ...record,
          stepIndex,
          steps: [...steps, initiated],
          silent,
          updatedAt: now,
        };
        if (silent) {
          await writeRecord(this.deps.repository, raw, next);
          return { record: next, attempts: current.attempts };
        }
        record = next;
        stepIndex += 1;
        why = 'delivery_failure';
        continue;
      }

      const destination = destinationOf(record, step);
      settings ??= await this.deps.loadSettings(record.siteKey);
      assertLineTypeAccepted(settings, destination.type);
      if (isTextChannel(step.channel) && !receivesTexts(destination.type)) {
        // Landlines and toll-free, premium or shared-cost lines get no SMS or WhatsApp: the
        // workflow moves on (voice and email remain).
        record = passedOver(
          record,
          stepIndex,
          steps,
          { ...step, initiatedAt: now },
          'skipped',
          'line_cannot_receive',
        );
        stepIndex += 1;
        why = 'delivery_failure';
        continue;
      }
      if (record.sends >= record.maxSends)
        return this.outcomes.finishStored(record, raw, current.attempts, 'failed', 'max_sends_reached');
      // A site test number gets its fixed code and no message: no guard, no provider, no cost.
      const fixedCode = record.test ? testNumberCode(settings, record.phone, now) : null;
      // Every address a code goes to passes the checks `phone` passes: country, line type, limits, pumping.
      const context: SendContext = {
        siteKey: record.siteKey,
        settings,
        phone: destination.e164,
        country: destination.country,
        channel: step.channel,
        ip: caller.ip ?? record.ip,
        fraudCheck: record.fraudCheck,
        verificationId: record.id,
        ...(known.network !== undefined && destination.e164 === record.phone
          ? { network: known.network }
          : {}),
      };
      const decision =
        fixedCode === null ? await this.deps.guard.beforeSend(context) : { allow: true as const };
      if (!decision.allow) {
        record = passedOver(
          record,
          stepIndex,
          steps,
          { ...step, initiatedAt: now },
          'blocked',
          decision.reason,
        );
        blockedReason = decision.reason;
        stepIndex += 1;
        why = 'delivery_failure';
        continue;
      }

      const code = fixedCode ?? this.deps.codes.generate(record.codeLength);
      const hash = this.deps.codes.hash(record.id, code);
      // After a timeout the earlier message may still arrive and be typed: its code stays good too.
      const codeHashes = why === 'timeout' ? [hash, ...record.codeHashes.slice(0, 1)] : [hash];
      const sent: VerificationRecord = {
        ...record,
        stepIndex,
        steps: [
          ...steps,
          {
            channel: step.channel,
            to: step.to ?? record.phone,
            initiatedAt: now,
            status: 'sent',
            reason: null,
          },
        ],
        sends: record.sends + 1,
        lastSentAt: now,
        codeHashes,
        codeIssuedAt: now,
        silent: null,
        test: fixedCode !== null,
        updatedAt: now,
      };
      const sentRaw = await writeRecord(this.deps.repository, raw, sent);
      if (fixedCode !== null) return { record: sent, attempts: current.attempts };
      const scope = { siteKey: record.siteKey, country: record.country, channel: step.channel };
      try {
        await this.deliver(sent, step, code, now);
        this.deps.observer.sent(scope);
        await this.deps.guard.afterSend({ ...context, delivered: true });
        return { record: sent, attempts: current.attempts };
      } catch (error) {
        if (!isDeliveryError(error)) throw error;
        this.deps.observer.deliveryFailed({ ...scope, reason: error.code });
        await this.deps.guard.afterSend({ ...context, delivered: false });
        const failedSteps = sent.steps.map((entry, position) =>
          position === sent.steps.length - 1 ? { ...entry, status: 'failed', reason: error.code } : entry,
        );
        record = { ...sent, steps: failedSteps, codeHashes: [] };
        raw = sentRaw;
        stepIndex += 1;
        why = 'delivery_failure';
        if (!record.workflow[stepIndex])
          return this.outcomes.finishStored(record, raw, current.attempts, 'failed', 'delivery_failed');
      }
    }
  }

  /** Moves on after the current step failed or timed out. */
  fallBack(loaded: Loaded, reason: string, why: SendReason, caller: Caller): Promise<VerificationState> {
    const { record } = loaded;
    const steps = record.steps.map((entry, position) =>
      position === record.steps.length - 1 && why === 'delivery_failure'
        ? { ...entry, status: 'failed', reason }
        : entry,
    );
    return this.sendStep({ ...loaded, record: { ...record, steps } }, record.stepIndex + 1, why, caller);
  }

  /** Expiry, and (on reads) the next step once the current one timed out. */
  async applyTime(
    caller: Caller,
    loaded: Loaded,
    options: { fallbackOnTimeout: boolean },
  ): Promise<VerificationState> {
    const { record } = loaded;
    if (isFinal(record)) return stateOf(loaded);
    const now = this.deps.clock.now();
    if (now >= record.expiresAt) return this.outcomes.finish(loaded, 'expired', null);
    if (!options.fallbackOnTimeout) return stateOf(loaded);
    const step = currentStep(record);
    const last = record.steps.at(-1);
    if (!step || !last) return stateOf(loaded);
    const timeout = step.channel === 'silent' ? record.silentTimeoutMs : record.stepTimeoutMs;
    if (now < last.initiatedAt + timeout) return stateOf(loaded);
    if (record.stepIndex + 1 >= record.workflow.length) {
      // A silent-only workflow has nothing to wait for once the operator did not answer in time.
      return step.channel === 'silent'
        ? this.outcomes.finish(loaded, 'failed', 'silent_timeout')
        : stateOf(loaded);
    }
    return this.sendStep(loaded, record.stepIndex + 1, 'timeout', caller);
  }

  private async deliver(
    record: VerificationRecord,
    step: PlannedStep,
    code: string,
    now: number,
  ): Promise<void> {
    if (step.channel === 'silent') return;
    const rendered = renderMessage({
      channel: step.channel,
      code,
      brand: record.brand,
      domain: record.domain,
      minutes: Math.max(1, Math.ceil((record.expiresAt - now) / 60_000)),
      locale: record.locale,
      country: record.country,
      appHash: record.appHash,
    });
    await this.deps.messaging.send({
      channel: step.channel,
      to: step.to ?? record.phone,
      body: rendered.body,
      ...(rendered.subject ? { subject: rendered.subject } : {}),
      locale: rendered.locale,
      siteKey: record.siteKey,
      verificationId: record.id,
    });
  }
}
