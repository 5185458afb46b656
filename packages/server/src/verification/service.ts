import type { Channel } from '@proofline/shared';
import { phone as phones } from '@proofline/shared/phone';
import { ProoflineError } from '../errors.js';
import { checkCode } from './checking.js';
import { newVerificationId, verificationIdPattern } from './codes.js';
import { ConflictError, retryOnConflict } from './conflicts.js';
import { type Caller, type FlowDeps, stateOf, type VerificationState } from './context.js';
import { noObserver, type VerificationObserver } from './observer.js';
import { Outcomes } from './outcomes.js';
import { resendTarget, type StartInput } from './planning.js';
import {
  allowAllSends,
  noVerificationHooks,
  noWebhooks,
  type SendGuard,
  type SilentVerifier,
  type VerificationHooks,
  type VerificationWebhooks,
} from './ports.js';
import { currentStep, isFinal, resendAvailableAt, type VerificationRecord } from './record.js';
import type { Loaded } from './repository.js';
import { StepSender } from './sending.js';
import { Starts } from './starting.js';

const DEFAULT_STEP_TIMEOUT_MS = 60_000;
const DEFAULT_SILENT_TIMEOUT_MS = 5_000;

export type VerificationServiceDeps = Pick<
  FlowDeps,
  'repository' | 'clock' | 'logger' | 'codes' | 'messaging' | 'tokens' | 'loadSettings'
> & {
  webhooks?: VerificationWebhooks;
  sendGuard?: SendGuard;
  hooks?: VerificationHooks;
  silent?: SilentVerifier | null;
  /** Told what happens (the metrics). */
  observer?: VerificationObserver;
  stepTimeoutMs?: number;
  silentTimeoutMs?: number;
  newId?: () => string;
};

export type CheckTarget = { verificationId: string } | { phone: string; country?: string };

/**
 * The verification domain: one function per operation (start, get, resend, check, cancel), called
 * alike by tRPC and REST. Every state change is a compare-and-set on the stored record, so
 * concurrent requests on any server instance settle on exactly one outcome; expiry and step
 * timeouts are decided from timestamps with the clock port, never by store TTLs. The work is done
 * by `starting.ts` (a start), `sending.ts` (the steps), `checking.ts` (a code) and `outcomes.ts`
 * (how it ends), on plans made by the pure functions of `planning.ts`.
 */
export class VerificationService {
  private readonly deps: FlowDeps;
  private readonly outcomes: Outcomes;
  private readonly sender: StepSender;
  private readonly starts: Starts;

  constructor(deps: VerificationServiceDeps) {
    this.deps = {
      ...deps,
      webhooks: deps.webhooks ?? noWebhooks,
      guard: deps.sendGuard ?? allowAllSends,
      hooks: deps.hooks ?? noVerificationHooks,
      silent: deps.silent ?? null,
      observer: deps.observer ?? noObserver,
    };
    this.outcomes = new Outcomes(this.deps);
    this.sender = new StepSender(this.deps, this.outcomes);
    this.starts = new Starts(this.deps, this.outcomes, this.sender, {
      newId: deps.newId ?? newVerificationId,
      stepTimeoutMs: deps.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
      silentTimeoutMs: deps.silentTimeoutMs ?? DEFAULT_SILENT_TIMEOUT_MS,
    });
  }

  /**
   * Starts a verification and sends the first message. A widget start always creates a new
   * verification whose id is the caller's only handle to it; a site backend may be answered its
   * own live verification for the number (as Twilio does). Refusals before anything is sent are errors.
   */
  start(caller: Caller, input: StartInput): Promise<VerificationState> {
    return this.reportingRefusals(caller, () => this.starts.startNew(caller, input));
  }

  /** Reads a verification, applying what time decided since: expiry, or the next step after a timeout. */
  get(caller: Caller, verificationId: string): Promise<VerificationState> {
    return retryOnConflict(async () => {
      const loaded = await this.load(caller, verificationId, 'read');
      const state = await this.sender.applyTime(caller, loaded, { fallbackOnTimeout: true });
      const { resultToken } = state.record;
      return resultToken && state.record.status === 'approved' ? { ...state, token: resultToken } : state;
    });
  }

  /**
   * Checks a code. The attempt is counted atomically with the read, before comparing, so no more
   * than `maxAttempts` comparisons ever happen; approval is one compare-and-set, so it happens once.
   */
  async check(caller: Caller, target: CheckTarget, code: string): Promise<VerificationState> {
    if (!/^\d{4,10}$/.test(code)) throw new ProoflineError('invalid_code');
    const verificationId =
      'verificationId' in target ? target.verificationId : await this.findLive(caller, target);
    if (!verificationIdPattern.test(verificationId)) throw new ProoflineError('not_found');
    return checkCode(this.deps, this.outcomes, caller, verificationId, code);
  }

  /**
   * Sends a new code (the old one stops working): on the channel asked for, else on the next step
   * of the workflow, else on the same channel. Refused inside the cooldown and past `maxSends`.
   */
  resend(
    caller: Caller,
    verificationId: string,
    channel?: Channel,
    email?: string,
  ): Promise<VerificationState> {
    return this.reportingRefusals(caller, () => this.resendCode(caller, verificationId, channel, email));
  }

  private resendCode(
    caller: Caller,
    verificationId: string,
    channel?: Channel,
    email?: string,
  ): Promise<VerificationState> {
    return retryOnConflict(async () => {
      const loaded = await this.load(caller, verificationId);
      const { record } = loaded;
      const { clock } = this.deps;
      if (!isFinal(record) && clock.now() >= record.expiresAt)
        await this.outcomes.finish(loaded, 'expired', null);
      if (isFinal(record) || clock.now() >= record.expiresAt) throw new ProoflineError('verification_closed');
      if (record.sends >= record.maxSends) throw new ProoflineError('max_sends_reached');
      const now = clock.now();
      const availableAt = resendAvailableAt(record);
      if (availableAt !== null && now < availableAt) {
        const seconds = Math.ceil((availableAt - now) / 1000);
        throw new ProoflineError(
          'resend_cooldown',
          undefined,
          { retry_after: seconds },
          { retryAfterSeconds: seconds },
        );
      }
      const { index, workflow } = resendTarget(record, channel, email, caller.settings);
      return this.sender.sendStep({ ...loaded, record: { ...record, workflow } }, index, 'resend', caller);
    });
  }

  /** Ends a pending verification `canceled`; a final one is answered as it is. */
  async cancel(caller: Caller, verificationId: string): Promise<VerificationState> {
    const loaded = await this.load(caller, verificationId);
    if (isFinal(loaded.record)) return stateOf(loaded);
    return this.outcomes.finish(loaded, 'canceled', null);
  }

  /**
   * The end of a silent step (the operator callback): approves with method `silent`, or moves on to
   * the next step of the workflow without the user retyping anything.
   */
  completeSilent(
    caller: Caller,
    verificationId: string,
    outcome: { verified: boolean; reason?: string },
  ): Promise<VerificationState> {
    return retryOnConflict(async () => {
      const loaded = await this.load(caller, verificationId);
      const { record } = loaded;
      if (isFinal(record) || currentStep(record)?.channel !== 'silent') return stateOf(loaded);
      if (this.deps.clock.now() >= record.expiresAt) return this.outcomes.finish(loaded, 'expired', null);
      if (outcome.verified) {
        const approved = await this.outcomes.approve(loaded);
        if (approved) return approved;
        throw new ConflictError();
      }
      return await this.sender.fallBack(
        loaded,
        outcome.reason ?? 'silent_failed',
        'delivery_failure',
        caller,
      );
    });
  }

  /** A refusal before anything was sent is told to the observer, then thrown on to the caller. */
  private async reportingRefusals(
    caller: Caller,
    work: () => Promise<VerificationState>,
  ): Promise<VerificationState> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ProoflineError && error.code !== 'not_found')
        this.deps.observer.refused({ siteKey: caller.siteKey, reason: error.code });
      throw error;
    }
  }

  private async load(caller: Caller, verificationId: string, access: Access = 'act'): Promise<Loaded> {
    if (!verificationIdPattern.test(verificationId)) throw new ProoflineError('not_found');
    const loaded = await this.deps.repository.load(verificationId);
    if (!loaded || !isOwnedBy(loaded.record, caller, access)) throw new ProoflineError('not_found');
    return loaded;
  }

  private async findLive(caller: Caller, target: { phone: string; country?: string }): Promise<string> {
    const parsed = phones.parse(target.phone, target.country?.toUpperCase());
    if (!parsed.ok) throw new ProoflineError('invalid_phone', undefined, { reason: parsed.reason });
    if (caller.surface !== 'api') throw new ProoflineError('not_found');
    const live = await this.deps.repository.findLive(caller.siteKey, parsed.e164);
    if (!live) throw new ProoflineError('not_found');
    return live.id;
  }
}

/**
 * `act` (check, resend, cancel, complete) only by whoever started it; `read` also by the site's
 * backend, which holds the secret key and reads its widget verifications by the token's `sub`.
 */
type Access = 'read' | 'act';

function isOwnedBy(record: VerificationRecord, caller: Caller, access: Access): boolean {
  if (record.siteKey !== caller.siteKey) return false;
  return record.surface === caller.surface || (access === 'read' && caller.surface === 'api');
}
