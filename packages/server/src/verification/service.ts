import type { Channel, Connection, Settings, VerificationStatus, WebhookEventType } from '@proofline/shared';
import { phone as phones } from '@proofline/shared/phone';
import type { Clock } from '../clock/index.js';
import { ProoflineError } from '../errors.js';
import type { Logger } from '../logging/index.js';
import { phoneTypeOf } from '../lookup/index.js';
import { isDeliveryError, type MessageSender, renderMessage } from '../messaging/index.js';
import type { Store } from '../store/index.js';
import { newVerificationId, type OtpCodes, verificationIdPattern } from './codes.js';
import { noObserver, type VerificationObserver } from './observer.js';
import {
  allowAllSends,
  noVerificationHooks,
  noWebhooks,
  type ResultTokenSigner,
  type SendContext,
  type SendGuard,
  type SilentVerifier,
  type StartDecision,
  type VerificationEvent,
  type VerificationHooks,
  type VerificationWebhooks,
} from './ports.js';
import {
  currentChannel,
  currentStep,
  isFinal,
  methodOf,
  type PlannedStep,
  provenBy,
  resendAvailableAt,
  type StepChannel,
  type StepRecord,
  type Surface,
  toFinalEventData,
  toResultClaims,
  type VerificationRecord,
} from './record.js';
import { type Loaded, type RecordPrivacy, VerificationRepository } from './repository.js';
import { testNumberCode } from './test-numbers.js';

const DEFAULT_STEP_TIMEOUT_MS = 60_000;
const DEFAULT_RETENTION_DAYS = 30;
/** A live slot claimed this recently without its record is a start still in progress, not a crash. */
const START_IN_PROGRESS_MS = 30_000;
/** How often an operation re-reads and retries after losing a compare-and-set to a concurrent one. */
const MAX_CONFLICT_RETRIES = 8;

export type VerificationServiceDeps = {
  store: Store;
  clock: Clock;
  logger: Logger;
  codes: OtpCodes;
  messaging: MessageSender & { supports?(channel: Channel): boolean };
  tokens: ResultTokenSigner;
  /** The site's current settings, for operations whose caller did not load them. */
  loadSettings(siteKey: string): Promise<Settings>;
  webhooks?: VerificationWebhooks;
  sendGuard?: SendGuard;
  hooks?: VerificationHooks;
  silent?: SilentVerifier | null;
  /** Told what happens (the metrics). */
  observer?: VerificationObserver;
  /** How records keep numbers at rest (sealed with `DATA_KEY`, key names keyed by `SERVER_SECRET`). */
  privacy?: RecordPrivacy;
  retentionDays?: number;
  stepTimeoutMs?: number;
  silentTimeoutMs?: number;
  newId?: () => string;
};

/** Who asks: the site (from its site key or secret key) and, when known, the request's origin. */
export type Caller = {
  siteKey: string;
  surface: Surface;
  /** Already loaded by the caller (tRPC's widgetProcedure); read from the store otherwise. */
  settings?: Settings;
  ip: string | null;
  /** Host of the page's Origin for widget calls; null for site backends. */
  hostname?: string | null;
};

export type StartInput = {
  phone: string;
  country?: string;
  channel?: Channel | 'auto';
  /** A `silent` step (Vonage's `silent_auth`) may come first: the operator checks the number itself. */
  workflow?: { channel: Channel | 'silent'; to?: string }[];
  locale?: string;
  brand?: string;
  codeLength?: number;
  action?: string;
  cdata?: string;
  connection?: Connection;
  returnUrl?: string;
  applicantId?: string;
  /** `fraud_check: false` (secret-key callers only). */
  fraudCheck?: boolean;
  /** `POST /v1/silent/start`: a site backend's app opens the authorize URL; no code ever follows. */
  silentOnly?: boolean;
  /** How long a step waits before the next one starts (Vonage's `channel_timeout`); the service's default otherwise. */
  stepTimeoutMs?: number;
  /** Started through the Vonage facade: its end is told to the site's webhook as Vonage's summary. */
  summaryCallback?: boolean;
};

/** A verification as an operation leaves it; `token` only in the answer of the check that approved it. */
export type VerificationState = { record: VerificationRecord; attempts: number; token?: string };

export type CheckTarget = { verificationId: string } | { phone: string; country?: string };

/** Another request changed the record between our read and our write; the operation starts over. */
class ConflictError extends Error {}

type SendReason = 'start' | 'resend' | 'delivery_failure' | 'timeout';

/**
 * The verification domain: one function per operation (start, get, resend, check, cancel), called
 * alike by tRPC and REST. Every state change is a compare-and-set on the stored record, so
 * concurrent requests on any server instance settle on exactly one outcome; expiry and step
 * timeouts are decided from timestamps with the clock port, never by store TTLs.
 */
export class VerificationService {
  private readonly repository: VerificationRepository;
  private readonly webhooks: VerificationWebhooks;
  private readonly guard: SendGuard;
  private readonly hooks: VerificationHooks;
  private readonly observer: VerificationObserver;
  private readonly stepTimeoutMs: number;
  private readonly silentTimeoutMs: number;
  private readonly newId: () => string;

  constructor(private readonly deps: VerificationServiceDeps) {
    const retentionMs = (deps.retentionDays ?? DEFAULT_RETENTION_DAYS) * 86_400_000;
    this.repository = new VerificationRepository(deps.store, retentionMs, deps.privacy);
    this.webhooks = deps.webhooks ?? noWebhooks;
    this.guard = deps.sendGuard ?? allowAllSends;
    this.hooks = deps.hooks ?? noVerificationHooks;
    this.observer = deps.observer ?? noObserver;
    this.stepTimeoutMs = deps.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
    this.silentTimeoutMs = deps.silentTimeoutMs ?? 5_000;
    this.newId = deps.newId ?? newVerificationId;
  }

  // ── operations ──────────────────────────────────────────────────────────────

  /**
   * Starts a verification and sends the first message. A widget start always creates a new
   * verification whose id is the caller's only handle to it; a site backend may be answered its
   * own live verification for the number (as Twilio does). Refusals before anything is sent are errors.
   */
  start(caller: Caller, input: StartInput): Promise<VerificationState> {
    return this.reportingRefusals(caller, () => this.startNew(caller, input));
  }

  private async startNew(caller: Caller, input: StartInput): Promise<VerificationState> {
    const parsed = phones.parse(input.phone, input.country?.toUpperCase());
    if (!parsed.ok) throw new ProoflineError('invalid_phone', undefined, { reason: parsed.reason });
    const settings = caller.settings ?? (await this.deps.loadSettings(caller.siteKey));
    const plan = this.planWorkflow(input, settings, parsed.e164, caller.surface === 'widget');
    const recordAt = (now: number) =>
      this.newRecord(caller, input, settings, plan, {
        e164: parsed.e164,
        country: parsed.country ?? null,
        lineType: parsed.number.getType() ?? null,
        now,
      });
    if (caller.surface === 'widget') return this.begin(recordAt(this.deps.clock.now()), settings);

    for (let retry = 0; retry < MAX_CONFLICT_RETRIES; retry++) {
      const now = this.deps.clock.now();
      const record = recordAt(now);
      const entry = { id: record.id, at: now };
      const liveTtl = record.expiresAt - now;
      const claim = await this.repository.claimLive(caller.siteKey, record.phone, entry, liveTtl);
      if (claim) {
        const live = await this.resumeLive(caller, claim.entry);
        if (live) return live;
        const replaced = await this.repository.replaceLive(
          caller.siteKey,
          record.phone,
          claim.raw,
          entry,
          liveTtl,
        );
        if (!replaced) continue;
      }
      try {
        return await this.begin(record, settings);
      } catch (error) {
        // Refused before anything was stored: free the slot so the number can start again.
        await this.repository.releaseLive(caller.siteKey, record.phone, entry).catch(() => false);
        throw error;
      }
    }
    throw new ProoflineError('service_unavailable');
  }

  /** Reads a verification, applying what time decided since: expiry, or the next step after a timeout. */
  async get(caller: Caller, verificationId: string): Promise<VerificationState> {
    for (let retry = 0; retry < MAX_CONFLICT_RETRIES; retry++) {
      const loaded = await this.load(caller, verificationId, 'read');
      try {
        const state = await this.applyTime(caller, loaded, { fallbackOnTimeout: true });
        const { resultToken } = state.record;
        return resultToken && state.record.status === 'approved' ? { ...state, token: resultToken } : state;
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    throw new ProoflineError('service_unavailable');
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
    // Ownership is decided in the same atomic step as the count: a stranger's guess counts nothing.
    const counted = await this.repository.loadCountingAttempt(verificationId, ownerOf(caller));
    if (!counted) throw new ProoflineError('not_found');
    let loaded = counted;
    const { attempts } = counted;

    for (let retry = 0; retry < MAX_CONFLICT_RETRIES; retry++) {
      const { record } = loaded;
      if (isFinal(record)) return this.stateOf(loaded);
      if (this.deps.clock.now() >= record.expiresAt) return await this.finish(loaded, 'expired', null);
      // Past the limit: a concurrent check holding an earlier attempt decides the outcome; wait
      // briefly for it, so an outcome landing meanwhile is answered rather than the stale pending.
      if (attempts > record.maxAttempts) {
        const latest = await this.settledOutcome(verificationId, loaded);
        return { ...this.stateOf(latest), attempts: Math.max(latest.attempts, attempts) };
      }
      if (this.deps.codes.matches(record.id, code, record.codeHashes)) {
        // Past the number's wrong-code cap no code approves, so guesses spread over several
        // verifications of one number buy nothing.
        await this.guard.assertCodesAccepted(record.siteKey, record.phone);
        const approved = await this.approve({ ...loaded, attempts }, caller.settings);
        if (approved) return approved;
      } else {
        await this.guard.recordWrongCode(record.siteKey, record.phone);
        if (attempts < record.maxAttempts) return { ...this.stateOf(loaded), attempts };
        return await this.finish({ ...loaded, attempts }, 'max_attempts_reached', null);
      }
      // Lost the race to another change (a resend, another check): read again, this attempt already counted.
      const reloaded = await this.repository.load(verificationId);
      if (!reloaded) throw new ProoflineError('not_found');
      loaded = { ...reloaded, attempts: Math.max(reloaded.attempts, attempts) };
    }
    throw new ProoflineError('service_unavailable');
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

  private async resendCode(
    caller: Caller,
    verificationId: string,
    channel?: Channel,
    email?: string,
  ): Promise<VerificationState> {
    for (let retry = 0; retry < MAX_CONFLICT_RETRIES; retry++) {
      const loaded = await this.load(caller, verificationId);
      const { record } = loaded;
      if (!isFinal(record) && this.deps.clock.now() >= record.expiresAt)
        await this.finish(loaded, 'expired', null);
      if (isFinal(record) || this.deps.clock.now() >= record.expiresAt)
        throw new ProoflineError('verification_closed');
      if (record.sends >= record.maxSends) throw new ProoflineError('max_sends_reached');
      const now = this.deps.clock.now();
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
      const { index, workflow } = this.resendTarget(record, channel, email, caller.settings);
      try {
        return await this.sendStep({ ...loaded, record: { ...record, workflow } }, index, 'resend', caller);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    throw new ProoflineError('service_unavailable');
  }

  /** Ends a pending verification `canceled`; a final one is answered as it is. */
  async cancel(caller: Caller, verificationId: string): Promise<VerificationState> {
    const loaded = await this.load(caller, verificationId);
    if (isFinal(loaded.record)) return this.stateOf(loaded);
    return this.finish(loaded, 'canceled', null);
  }

  /**
   * The end of a silent step (the operator callback): approves with method `silent`, or moves on to
   * the next step of the workflow without the user retyping anything.
   */
  async completeSilent(
    caller: Caller,
    verificationId: string,
    outcome: { verified: boolean; reason?: string },
  ): Promise<VerificationState> {
    for (let retry = 0; retry < MAX_CONFLICT_RETRIES; retry++) {
      const loaded = await this.load(caller, verificationId);
      const { record } = loaded;
      if (isFinal(record) || currentStep(record)?.channel !== 'silent') return this.stateOf(loaded);
      if (this.deps.clock.now() >= record.expiresAt) return this.finish(loaded, 'expired', null);
      try {
        if (outcome.verified) {
          const approved = await this.approve(loaded);
          if (approved) return approved;
          continue;
        }
        return await this.fallBack(loaded, outcome.reason ?? 'silent_failed', 'delivery_failure', caller);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    throw new ProoflineError('service_unavailable');
  }

  // ── steps ───────────────────────────────────────────────────────────────────

  private planWorkflow(
    input: StartInput,
    settings: Settings,
    e164: string,
    browser: boolean,
  ): { workflow: PlannedStep[]; availableChannels: Channel[] } {
    const supported = (channel: Channel) => this.deps.messaging.supports?.(channel) ?? true;
    const phoneChannels = settings.channels.filter((channel) => channel !== 'email' && supported(channel));
    if (input.silentOnly) {
      if (!this.deps.silent || !settings.silent) {
        throw new ProoflineError(
          'channel_not_allowed',
          'Silent verification is not available for this site.',
        );
      }
      return { workflow: [{ channel: 'silent', to: null }], availableChannels: [] };
    }
    let workflow: PlannedStep[];
    if (input.workflow) {
      workflow = input.workflow.map((step, index): PlannedStep => {
        if (step.channel === 'silent') {
          if (index > 0 || !this.deps.silent || !settings.silent)
            throw new ProoflineError('channel_not_allowed');
          return { channel: 'silent', to: null };
        }
        if (!supported(step.channel)) throw new ProoflineError('channel_not_allowed');
        if (step.channel === 'email') {
          if (!step.to?.includes('@')) {
            throw new ProoflineError('bad_request', 'An email step needs an address.', [
              { path: `workflow.${index}.to`, code: 'custom', message: 'an email address' },
            ]);
          }
          return { channel: step.channel, to: step.to.trim().toLowerCase() };
        }
        if (step.to === undefined) return { channel: step.channel, to: null };
        const to = phones.parse(step.to);
        if (!to.ok)
          throw new ProoflineError('invalid_phone', undefined, {
            path: `workflow.${index}.to`,
            reason: to.reason,
          });
        return { channel: step.channel, to: to.e164 === e164 ? null : to.e164 };
      });
    } else if (input.channel && input.channel !== 'auto') {
      if (!phoneChannels.includes(input.channel)) throw new ProoflineError('channel_not_allowed');
      // A widget never calls first: voice comes after a text that failed, or on the user's resend.
      if (browser && input.channel === 'voice') throw new ProoflineError('channel_not_allowed');
      workflow = [{ channel: input.channel, to: null }];
    } else {
      const ordered = voiceNotFirst(phoneChannels);
      if (ordered.length === 0 || (browser && ordered[0] === 'voice'))
        throw new ProoflineError('channel_not_allowed');
      workflow = ordered.map((channel) => ({ channel, to: null }));
      const silentLikely = browser && input.connection !== 'wifi';
      if (this.deps.silent && settings.silent && silentLikely)
        workflow.unshift({ channel: 'silent', to: null });
    }
    const fromWorkflow = workflow.flatMap((step) => (step.channel === 'silent' ? [] : [step.channel]));
    const availableChannels = [...new Set([...phoneChannels, ...fromWorkflow])];
    return { workflow, availableChannels };
  }

  private newRecord(
    caller: Caller,
    input: StartInput,
    settings: Settings,
    plan: { workflow: PlannedStep[]; availableChannels: Channel[] },
    number: { e164: string; country: string | null; lineType: string | null; now: number },
  ): VerificationRecord {
    const { now } = number;
    return {
      id: this.newId(),
      siteKey: caller.siteKey,
      surface: caller.surface,
      phone: number.e164,
      country: number.country,
      lineType: number.lineType,
      status: 'pending',
      reason: null,
      workflow: plan.workflow,
      stepIndex: -1,
      steps: [],
      availableChannels: plan.availableChannels,
      sends: 0,
      lastSentAt: null,
      codeHashes: [],
      codeIssuedAt: null,
      codeLength: input.codeLength ?? settings.code_length,
      expiresAt: now + settings.otp_expiry_minutes * 60_000,
      maxAttempts: settings.max_otp_attempts,
      maxSends: settings.max_sends,
      cooldownMs: settings.resend_cooldown_seconds * 1000,
      stepTimeoutMs: input.stepTimeoutMs ?? this.stepTimeoutMs,
      silentTimeoutMs: this.silentTimeoutMs,
      attemptsAtFinal: null,
      locale: input.locale ?? (settings.locale === 'auto' ? null : settings.locale),
      brand: input.brand ?? settings.brand,
      domain: caller.hostname ?? siteDomain(settings.allowed_origins),
      appHash: settings.android_app_hash,
      action: input.action ?? null,
      cdata: input.cdata ?? null,
      hostname: caller.hostname ?? null,
      applicantId: input.applicantId ?? null,
      fraudCheck: input.fraudCheck ?? true,
      ip: caller.ip,
      returnUrl: input.returnUrl ?? null,
      ...(input.summaryCallback ? { summaryCallback: true } : {}),
      flags: [],
      risk: null,
      line: null,
      silent: null,
      resultToken: null,
      createdAt: now,
      updatedAt: now,
      approvedAt: null,
      finalizedAt: null,
    };
  }

  /** The live verification of a claimed slot, if it is still pending; null when it ended (take over). */
  private async resumeLive(
    caller: Caller,
    entry: { id: string; at: number },
  ): Promise<VerificationState | null> {
    const loaded = await this.repository.load(entry.id);
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
    const state = await this.applyTime(caller, loaded, { fallbackOnTimeout: false }).catch(
      (error: unknown) => {
        if (error instanceof ConflictError) return this.stateOf(loaded);
        throw error;
      },
    );
    return isFinal(state.record) ? null : state;
  }

  /** The first step of a new verification, after the rules had their say. */
  private async begin(record: VerificationRecord, settings: Settings): Promise<VerificationState> {
    const decision = await this.hooks.onStarted(this.eventOf(record, settings));
    const test = testNumberCode(settings, record.phone, this.deps.clock.now()) !== null;
    // A test number verifies with its fixed code only, never from the lookup alone.
    const byLookup = decision?.approveWithoutCode === true && !test && !decision.block;
    const decided: VerificationRecord = {
      ...record,
      // A test number proves itself with its fixed code: no silent step either.
      workflow: byLookup
        ? []
        : decidedWorkflow(record, { ...decision, ...(test ? { requireOtp: true } : {}) }),
      flags: [...new Set([...record.flags, ...(decision?.flags ?? [])])],
      risk: decision?.risk ?? record.risk,
      line: decision?.line ?? null,
      infoNeeded: decision?.infoNeeded ?? [],
      test,
      approvedBy: byLookup ? 'lookup' : null,
    };
    const first = decision?.block || byLookup ? null : (decided.workflow[0]?.channel ?? null);
    this.observer.started({
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
      const raw = await this.repository.create(decided);
      return this.finish({ record: decided, raw, attempts: 0 }, 'blocked', decision.block.reason);
    }
    if (byLookup) {
      const raw = await this.repository.create(decided);
      const approved = await this.approve({ record: decided, raw, attempts: 0 });
      if (approved) return approved;
      throw new ProoflineError('service_unavailable');
    }
    return this.sendStep({ record: decided, raw: null, attempts: 0 }, 0, 'start', {
      siteKey: record.siteKey,
      surface: record.surface,
      settings,
      ip: record.ip,
    });
  }

  /**
   * Begins step `index`: asks the send guard, stores the new code (killing the previous one, or
   * keeping it alive beside the new one when the step only timed out), then sends. A delivery
   * failure moves on to the next step; past the last step the verification ends `failed`.
   * `raw: null` creates the record instead of replacing it.
   */
  private async sendStep(
    current: { record: VerificationRecord; raw: string | null; attempts: number },
    index: number,
    reason: SendReason,
    caller: Caller,
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
          ? this.finishStored(record, raw, current.attempts, 'failed', 'delivery_failed')
          : this.finishStored(record, raw, current.attempts, 'blocked', blockedReason);
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
          await this.write(raw, next);
          return { record: next, attempts: current.attempts };
        }
        record = next;
        stepIndex += 1;
        why = 'delivery_failure';
        continue;
      }

      const destination = destinationOf(record, step);
      settings ??= await this.deps.loadSettings(record.siteKey);
      if (settings.block_premium && billsTheSender(destination.type)) {
        throw new ProoflineError('line_type_not_allowed', undefined, { line_type: destination.type });
      }
      if (isTextChannel(step.channel) && !canReceiveText(destination.type)) {
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
        return this.finishStored(record, raw, current.attempts, 'failed', 'max_sends_reached');
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
      };
      const decision = fixedCode === null ? await this.guard.beforeSend(context) : { allow: true as const };
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
      const sentRaw = await this.write(raw, sent);
      if (fixedCode !== null) return { record: sent, attempts: current.attempts };
      const scope = { siteKey: record.siteKey, country: record.country, channel: step.channel };
      try {
        await this.deliver(sent, step, code, now);
        this.observer.sent(scope);
        await this.guard.afterSend({ ...context, delivered: true });
        return { record: sent, attempts: current.attempts };
      } catch (error) {
        if (!isDeliveryError(error)) throw error;
        this.observer.deliveryFailed({ ...scope, reason: error.code });
        await this.guard.afterSend({ ...context, delivered: false });
        const failedSteps = sent.steps.map((entry, position) =>
          position === sent.steps.length - 1 ? { ...entry, status: 'failed', reason: error.code } : entry,
        );
        record = { ...sent, steps: failedSteps, codeHashes: [] };
        raw = sentRaw;
        stepIndex += 1;
        why = 'delivery_failure';
        if (!record.workflow[stepIndex])
          return this.finishStored(record, raw, current.attempts, 'failed', 'delivery_failed');
      }
    }
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

  private resendTarget(
    record: VerificationRecord,
    channel: Channel | undefined,
    email?: string,
    settings?: Settings,
  ): { index: number; workflow: PlannedStep[] } {
    if (channel === undefined) {
      const next = record.stepIndex + 1;
      return {
        index: next < record.workflow.length ? next : Math.max(record.stepIndex, 0),
        workflow: record.workflow,
      };
    }
    if (channel === 'email' && email !== undefined) return emailTarget(record, email, settings);
    if (!record.availableChannels.includes(channel)) throw new ProoflineError('channel_not_allowed');
    const index = record.workflow.findIndex((step) => step.channel === channel);
    if (index >= 0) return { index, workflow: record.workflow };
    return { index: record.workflow.length, workflow: [...record.workflow, { channel, to: null }] };
  }

  /** Moves on after the current step failed or timed out. */
  private fallBack(
    loaded: Loaded,
    reason: string,
    why: SendReason,
    caller: Caller,
  ): Promise<VerificationState> {
    const { record } = loaded;
    const steps = record.steps.map((entry, position) =>
      position === record.steps.length - 1 && why === 'delivery_failure'
        ? { ...entry, status: 'failed', reason }
        : entry,
    );
    return this.sendStep({ ...loaded, record: { ...record, steps } }, record.stepIndex + 1, why, caller);
  }

  // ── time ────────────────────────────────────────────────────────────────────

  /** Expiry, and (on reads) the next step once the current one timed out. */
  private async applyTime(
    caller: Caller,
    loaded: Loaded,
    options: { fallbackOnTimeout: boolean },
  ): Promise<VerificationState> {
    const { record } = loaded;
    if (isFinal(record)) return this.stateOf(loaded);
    const now = this.deps.clock.now();
    if (now >= record.expiresAt) return this.finish(loaded, 'expired', null);
    if (!options.fallbackOnTimeout) return this.stateOf(loaded);
    const step = currentStep(record);
    const last = record.steps.at(-1);
    if (!step || !last) return this.stateOf(loaded);
    const timeout = step.channel === 'silent' ? record.silentTimeoutMs : record.stepTimeoutMs;
    if (now < last.initiatedAt + timeout) return this.stateOf(loaded);
    if (record.stepIndex + 1 >= record.workflow.length) {
      // A silent-only workflow has nothing to wait for once the operator did not answer in time.
      return step.channel === 'silent'
        ? this.finish(loaded, 'failed', 'silent_timeout')
        : this.stateOf(loaded);
    }
    return this.sendStep(loaded, record.stepIndex + 1, 'timeout', caller);
  }

  // ── final states ────────────────────────────────────────────────────────────

  /** Approves with one compare-and-set; null when the record changed first (the caller re-reads). */
  private async approve(loaded: Loaded, settings?: Settings): Promise<VerificationState | null> {
    const now = this.deps.clock.now();
    const { record } = loaded;
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
    const event = await this.webhooks.prepare(
      approved.siteKey,
      'verification.approved',
      toFinalEventData(approved, loaded.attempts),
      settings,
    );
    const raw = await this.repository.replace(loaded.raw, approved, event);
    if (raw === null) return null;
    const token = silentToken ?? (await issue());
    this.deps.logger.info(
      { verificationId: approved.id, siteKey: approved.siteKey, channel },
      'verification approved',
    );
    await this.afterFinal(approved, loaded.attempts);
    return { record: approved, attempts: loaded.attempts, token };
  }

  /** Ends a pending verification in `status`; if another request ended it first, answers that. */
  private async finish(
    loaded: Loaded,
    status: VerificationStatus,
    reason: string | null,
  ): Promise<VerificationState> {
    let current = loaded;
    for (let retry = 0; retry < MAX_CONFLICT_RETRIES; retry++) {
      if (isFinal(current.record)) return this.stateOf(current);
      const final = this.finalized(current.record, status, reason, current.attempts);
      if (await this.repository.replace(current.raw, final)) {
        this.deps.logger.info(
          { verificationId: final.id, siteKey: final.siteKey, status, reason },
          'verification ended',
        );
        await this.afterFinal(final, current.attempts);
        return { record: final, attempts: current.attempts };
      }
      const reloaded = await this.repository.load(current.record.id);
      if (!reloaded) throw new ProoflineError('not_found');
      current = { ...reloaded, attempts: Math.max(reloaded.attempts, current.attempts) };
    }
    throw new ProoflineError('service_unavailable');
  }

  /** `finish` for a record this operation is writing (or creating, when `raw` is null). */
  private async finishStored(
    record: VerificationRecord,
    raw: string | null,
    attempts: number,
    status: VerificationStatus,
    reason: string,
  ): Promise<VerificationState> {
    const final = this.finalized(record, status, reason, attempts);
    await this.write(raw, final);
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
      tell(type, () => this.webhooks.publish(record.siteKey, type, data));
    this.observeEnd(record);
    switch (record.status) {
      case 'approved': {
        // Its `verification.approved` event was queued with the approval itself (see `approve`).
        const settings = await this.deps.loadSettings(record.siteKey);
        await tell('rules', () => this.hooks.onApproved(this.eventOf(record, settings)));
        await tell('fraud guard', () =>
          this.guard.onApproved({
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
        await tell('rules', () => this.hooks.onFailed(this.eventOf(record, settings)));
        return;
      }
      case 'blocked':
        await publish('verification.blocked', toFinalEventData(record, attempts));
        return;
      default:
        return;
    }
  }

  // ── helpers ─────────────────────────────────────────────────────────────────

  /** A refusal before anything was sent is told to the observer, then thrown on to the caller. */
  private async reportingRefusals(
    caller: Caller,
    work: () => Promise<VerificationState>,
  ): Promise<VerificationState> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ProoflineError && error.code !== 'not_found')
        this.observer.refused({ siteKey: caller.siteKey, reason: error.code });
      throw error;
    }
  }

  private observeEnd(record: VerificationRecord): void {
    const scope = { siteKey: record.siteKey, country: record.country };
    const how = { channel: currentStep(record)?.channel ?? null, method: methodOf(record) };
    if (record.status === 'approved') this.observer.approved({ ...scope, ...how });
    else if (record.status === 'blocked') {
      const byNetwork = record.steps.some((step) => step.status === 'blocked');
      this.observer.blocked({ ...scope, by: byNetwork ? 'network' : 'rule' });
    } else if (record.status !== 'canceled')
      this.observer.failed({ ...scope, ...how, status: record.status });
  }

  private async load(caller: Caller, verificationId: string, access: Access = 'act'): Promise<Loaded> {
    if (!verificationIdPattern.test(verificationId)) throw new ProoflineError('not_found');
    const loaded = await this.repository.load(verificationId);
    if (!loaded || !isOwnedBy(loaded.record, caller, access)) throw new ProoflineError('not_found');
    return loaded;
  }

  private async findLive(caller: Caller, target: { phone: string; country?: string }): Promise<string> {
    const parsed = phones.parse(target.phone, target.country?.toUpperCase());
    if (!parsed.ok) throw new ProoflineError('invalid_phone', undefined, { reason: parsed.reason });
    if (caller.surface !== 'api') throw new ProoflineError('not_found');
    const live = await this.repository.findLive(caller.siteKey, parsed.e164);
    if (!live) throw new ProoflineError('not_found');
    return live.id;
  }

  /**
   * The record once the checks holding earlier attempts have had a moment to land (a few short
   * re-reads, bounded to ~100 ms); as it is then, final or not.
   */
  private async settledOutcome(verificationId: string, loaded: Loaded): Promise<Loaded> {
    let latest = loaded;
    for (let read = 0; read < 5; read++) {
      latest = (await this.repository.load(verificationId)) ?? latest;
      if (isFinal(latest.record)) return latest;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return latest;
  }

  private async write(raw: string | null, next: VerificationRecord): Promise<string> {
    if (raw === null) return this.repository.create(next);
    const written = await this.repository.replace(raw, next);
    if (written === null) throw new ConflictError();
    return written;
  }

  private stateOf(loaded: { record: VerificationRecord; attempts: number }): VerificationState {
    return { record: loaded.record, attempts: loaded.attempts };
  }

  private eventOf(record: VerificationRecord, settings: Settings): VerificationEvent {
    return {
      verificationId: record.id,
      siteKey: record.siteKey,
      settings,
      phone: record.phone,
      country: record.country,
      lineType: record.lineType,
      channel: currentChannel(record),
      method: methodOf(record),
      status: record.status,
      reason: record.reason,
      flags: record.flags,
      risk: record.risk,
      ip: record.ip,
      applicantId: record.applicantId,
      action: record.action,
    };
  }
}

/**
 * The workflow after the start rules: `require_otp` drops the silent step; `send_otp` drops it
 * too and puts its channel first (when the site offers it), the rest of the workflow behind.
 */
function decidedWorkflow(record: VerificationRecord, decision: StartDecision): PlannedStep[] {
  let workflow = record.workflow;
  if (decision.requireOtp || decision.channel)
    workflow = workflow.filter((step) => step.channel !== 'silent');
  const first = decision.channel;
  if (first && record.availableChannels.includes(first) && first !== 'email') {
    workflow = [{ channel: first, to: null }, ...workflow.filter((step) => step.channel !== first)];
  }
  return workflow;
}

function ownerOf(caller: Caller): { siteKey: string; surface: Surface } {
  return { siteKey: caller.siteKey, surface: caller.surface };
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

/** The record with step `index` begun and at once closed without a message (skipped or blocked). */
function passedOver(
  record: VerificationRecord,
  index: number,
  steps: StepRecord[],
  step: PlannedStep & { initiatedAt: number },
  status: 'skipped' | 'blocked',
  reason: string,
): VerificationRecord {
  const entry: StepRecord = {
    channel: step.channel,
    to: step.to,
    initiatedAt: step.initiatedAt,
    status,
    reason,
  };
  return { ...record, stepIndex: index, steps: [...steps, entry], updatedAt: step.initiatedAt };
}

/** The text channels: a line that cannot receive texts is skipped for them. */
function isTextChannel(channel: StepChannel): boolean {
  return channel === 'sms' || channel === 'whatsapp';
}

const noTextLineTypes = new Set(['landline', 'toll_free', 'premium', 'shared_cost']);

/** Premium-rate and shared-cost lines bill the sender: the classic toll-fraud destinations. */
function billsTheSender(type: string): boolean {
  return type === 'premium' || type === 'shared_cost';
}

function canReceiveText(type: string): boolean {
  return !noTextLineTypes.has(type);
}

/**
 * The number a step's code goes to, with its country and line type (the lookup's, for `phone`;
 * the numbering plan's, for another number). An email step is checked against `phone`.
 */
function destinationOf(
  record: VerificationRecord,
  step: PlannedStep,
): { e164: string; country: string | null; type: string } {
  const own = {
    e164: record.phone,
    country: record.country,
    type: record.line?.type ?? phoneTypeOf(record.lineType),
  };
  if (step.channel === 'email' || step.to === null) return own;
  const parsed = phones.parse(step.to);
  if (!parsed.ok) return own;
  return { e164: parsed.e164, country: parsed.country ?? null, type: phoneTypeOf(parsed.number.getType()) };
}

/** Voice is never the first step: it moves behind the first text channel, when there is one. */
function voiceNotFirst(channels: readonly Channel[]): Channel[] {
  if (channels[0] !== 'voice') return [...channels];
  const text = channels.findIndex((channel) => channel !== 'voice');
  if (text < 0) return [...channels];
  return [channels[text]!, 'voice', ...channels.filter((_, index) => index !== 0 && index !== text)];
}

/**
 * A resend to the email address the user gave in the widget: allowed when the site lists `email`
 * among its channels; the address becomes (or replaces) the workflow's email step.
 */
function emailTarget(
  record: VerificationRecord,
  email: string,
  settings: Settings | undefined,
): { index: number; workflow: PlannedStep[] } {
  const offered = record.availableChannels.includes('email') || settings?.channels.includes('email');
  if (!offered) throw new ProoflineError('channel_not_allowed');
  const step: PlannedStep = { channel: 'email', to: email.trim().toLowerCase() };
  const index = record.workflow.findIndex((planned) => planned.channel === 'email');
  if (index < 0) return { index: record.workflow.length, workflow: [...record.workflow, step] };
  return { index, workflow: record.workflow.map((planned, at) => (at === index ? step : planned)) };
}

/** Marks the open step (if any) before a new one begins. */
function closeCurrentStep(record: VerificationRecord, status: string | null): StepRecord[] {
  if (status === null) return record.steps;
  if (record.steps.at(-1)?.status !== 'sent') return record.steps;
  return closeLastStep(record.steps, status);
}

function closeLastStep(steps: StepRecord[], status: string): StepRecord[] {
  return steps.map((entry, position) => (position === steps.length - 1 ? { ...entry, status } : entry));
}

/** The site's domain for the SMS origin-bound line when no Origin is known (REST starts). */
function siteDomain(allowedOrigins: readonly string[]): string {
  for (const pattern of allowedOrigins) {
    try {
      const host = new URL(pattern.replace(/:\*$/, '')).hostname;
      if (!host.includes('*')) return host;
    } catch {}
  }
  return '';
}
