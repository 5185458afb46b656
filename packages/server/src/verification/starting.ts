import type { Settings } from '@proofline/shared';
import { phone as phones } from '@proofline/shared/phone';
import { ProoflineError } from '../errors.js';
import { phoneTypeOf } from '../lookup/index.js';
import { ConflictError, retryOnConflict } from './conflicts.js';
import { type Caller, eventOf, type FlowDeps, stateOf, type VerificationState } from './context.js';
import type { Outcomes } from './outcomes.js';
import { decidedWorkflow, newRecord, planWorkflow, type StartInput } from './planning.js';
import { isFinal, type VerificationRecord } from './record.js';
import type { StepSender } from './sending.js';
import { testNumberCode } from './test-numbers.js';

/** A live slot claimed this recently without its record is a start still in progress, not a crash. */
const START_IN_PROGRESS_MS = 30_000;

/** The defaults a new record takes from the service's configuration. */
export type StartDefaults = { newId: () => string; stepTimeoutMs: number; silentTimeoutMs: number };

/**
 * A start: the plan, the site backend's live slot for the number (one live verification per
 * number), the start rules' decision (on the start's one lookup), then the first step.
 */
export class Starts {
  constructor(
    private readonly deps: FlowDeps,
    private readonly outcomes: Outcomes,
    private readonly sender: StepSender,
    private readonly defaults: StartDefaults,
  ) {}

  async startNew(caller: Caller, input: StartInput): Promise<VerificationState> {
    const parsed = phones.parse(input.phone, input.country?.toUpperCase());
    if (!parsed.ok) throw new ProoflineError('invalid_phone', undefined, { reason: parsed.reason });
    const settings = caller.settings ?? (await this.deps.loadSettings(caller.siteKey));
    const plan = planWorkflow(input, settings, parsed.e164, caller.surface === 'widget', {
      supports: (channel) => this.deps.messaging.supports?.(channel) ?? true,
      silent: this.deps.silent !== null,
    });
    const recordAt = (now: number) =>
      newRecord(caller, input, settings, plan, {
        id: this.defaults.newId(),
        e164: parsed.e164,
        country: parsed.country ?? null,
        lineType: phoneTypeOf(parsed.number.getType()),
        now,
        stepTimeoutMs: this.defaults.stepTimeoutMs,
        silentTimeoutMs: this.defaults.silentTimeoutMs,
        wrongCodesKey: this.deps.guard.wrongCodeCounter?.keyOf(caller.siteKey, parsed.e164),
      });
    if (caller.surface === 'widget') return this.begin(recordAt(this.deps.clock.now()), settings);

    const claimed = await retryOnConflict(async () => {
      const now = this.deps.clock.now();
      const record = recordAt(now);
      const entry = { id: record.id, at: now };
      const liveTtl = record.expiresAt - now;
      const claim = await this.deps.repository.claimLive(caller.siteKey, record.phone, entry, liveTtl);
      if (claim) {
        const live = await this.resumeLive(caller, claim.entry);
        if (live) return { live, record, entry };
        const replaced = await this.deps.repository.replaceLive(
          caller.siteKey,
          record.phone,
          claim.raw,
          entry,
          liveTtl,
        );
        if (!replaced) throw new ConflictError();
      }
      return { live: null, record, entry };
    });
    if (claimed.live) return claimed.live;
    const { record, entry } = claimed;
    try {
      return await this.begin(record, settings);
    } catch (error) {
      // Refused before anything was stored: free the slot so the number can start again.
      await this.deps.repository.releaseLive(caller.siteKey, record.phone, entry).catch(() => false);
      throw error;
    }
  }

  /** The live verification of a claimed slot, if it is still pending; null when it ended (take over). */
  private async resumeLive(
    caller: Caller,
    entry: { id: string; at: number },
  ): Promise<VerificationState | null> {
    const loaded = await this.deps.repository.load(entry.id);
    // A slot left by a widget start of an earlier release is not the backend's to resume.
    if (loaded && loaded.record.surface !== caller.surface) return null;
    if (!loaded) {
      if (this.deps.clock.now() - entry.at < START_IN_PROGRESS_MS) {
        throw new ProoflineError(
          'rate_limited',
          'A verification for this number is being started.',
          undefined,
          {
            retryAfterSeconds: 1,
          },
        );
      }
      return null;
    }
    const state = await this.sender
      .applyTime(caller, loaded, { fallbackOnTimeout: false })
      .catch((error: unknown) => {
        if (error instanceof ConflictError) return stateOf(loaded);
        throw error;
      });
    return isFinal(state.record) ? null : state;
  }

  /** The first step of a new verification, after the rules had their say. */
  private async begin(record: VerificationRecord, settings: Settings): Promise<VerificationState> {
    const decision = await this.deps.hooks.onStarted(eventOf(record, settings));
    const test = testNumberCode(settings, record.phone, this.deps.clock.now()) !== null;
    // A test number verifies with its fixed code only, never from the lookup alone.
    const byLookup = decision?.approveWithoutCode === true && !test && !decision.block;
    const decided: VerificationRecord = {
      ...record,
      // A test number proves itself with its fixed code: no silent step either.
      workflow: byLookup
        ? []
        : decidedWorkflow(record, test ? { ...decision, requireOtp: true } : (decision ?? {})),
      flags: decision?.flags?.length ? [...new Set([...record.flags, ...decision.flags])] : record.flags,
      risk: decision?.risk ?? record.risk,
      ...(decision?.atApproval?.length ? { riskAtApproval: decision.atApproval } : {}),
      line: decision?.line ?? record.line,
      infoNeeded: decision?.infoNeeded ?? [],
      test,
      approvedBy: byLookup ? 'lookup' : null,
    };
    const first = decision?.block || byLookup ? null : (decided.workflow[0]?.channel ?? null);
    this.deps.observer.started({
      siteKey: record.siteKey,
      country: record.country,
      channel: first,
      method: byLookup ? 'lookup' : first === null ? null : first === 'silent' ? 'silent' : 'otp',
    });
    this.deps.logger.info(
      {
        verificationId: record.id,
        siteKey: record.siteKey,
        phone: record.phone,
        workflow: decided.workflow.map((s) => s.channel),
      },
      'verification started',
    );
    if (decision?.block) {
      const raw = await this.deps.repository.create(decided);
      return this.outcomes.finish({ record: decided, raw, attempts: 0 }, 'blocked', decision.block.reason);
    }
    if (byLookup) {
      const raw = await this.deps.repository.create(decided);
      const approved = await this.outcomes.approve({ record: decided, raw, attempts: 0 });
      if (approved) return approved;
      throw new ProoflineError('service_unavailable');
    }
    const caller = { siteKey: record.siteKey, surface: record.surface, settings, ip: record.ip };
    const known = decision?.network === undefined ? {} : { network: decision.network };
    return this.sender.sendStep({ record: decided, raw: null, attempts: 0 }, 0, 'start', caller, known);
  }
}
