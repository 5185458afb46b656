import type { Channel, Connection, PhoneType, Settings } from '@proofline/shared';
import { phone as phones } from '@proofline/shared/phone';
import { ProoflineError } from '../errors.js';
import { phoneTypeOf } from '../lookup/index.js';
import type { StartDecision } from './ports.js';
import type { PlannedStep, StepChannel, StepRecord, Surface, VerificationRecord } from './record.js';

/**
 * The workflow's planning, as pure functions of the request, the site's settings and the record:
 * which steps a start plans, what the start rules change, where a resend goes, what a step records.
 */

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

export type Plan = { workflow: PlannedStep[]; availableChannels: Channel[] };

/** What the deployment can do: the channels its messaging supports, and silent verification. */
export type Capabilities = { supports(channel: Channel): boolean; silent: boolean };

/**
 * The steps a start plans: the caller's workflow, its one channel, or the site's channels (voice
 * never first, a silent step first for a browser likely on mobile data).
 */
export function planWorkflow(
  input: StartInput,
  settings: Settings,
  e164: string,
  browser: boolean,
  can: Capabilities,
): Plan {
  const supported = (channel: Channel) => can.supports(channel);
  const phoneChannels = settings.channels.filter((channel) => channel !== 'email' && supported(channel));
  if (input.silentOnly) {
    if (!can.silent || !settings.silent) {
      throw new ProoflineError('channel_not_allowed', 'Silent verification is not available for this site.');
    }
    return { workflow: [{ channel: 'silent', to: null }], availableChannels: [] };
  }
  let workflow: PlannedStep[];
  if (input.workflow) {
    workflow = input.workflow.map((step, index): PlannedStep => {
      if (step.channel === 'silent') {
        if (index > 0 || !can.silent || !settings.silent) throw new ProoflineError('channel_not_allowed');
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
    if (can.silent && settings.silent && silentLikely) workflow.unshift({ channel: 'silent', to: null });
  }
  const fromWorkflow = workflow.flatMap((step) => (step.channel === 'silent' ? [] : [step.channel]));
  const availableChannels = [...new Set([...phoneChannels, ...fromWorkflow])];
  return { workflow, availableChannels };
}

/** The pending record of a new verification, before the start rules had their say. */
export function newRecord(
  caller: { siteKey: string; surface: Surface; ip: string | null; hostname?: string | null },
  input: StartInput,
  settings: Settings,
  plan: Plan,
  start: {
    id: string;
    e164: string;
    country: string | null;
    lineType: PhoneType;
    now: number;
    stepTimeoutMs: number;
    silentTimeoutMs: number;
    wrongCodesKey?: string;
  },
): VerificationRecord {
  const { now } = start;
  return {
    id: start.id,
    siteKey: caller.siteKey,
    surface: caller.surface,
    phone: start.e164,
    country: start.country,
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
    stepTimeoutMs: input.stepTimeoutMs ?? start.stepTimeoutMs,
    silentTimeoutMs: start.silentTimeoutMs,
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
    ...(start.wrongCodesKey === undefined ? {} : { wrongCodesKey: start.wrongCodesKey }),
    flags: [],
    risk: null,
    // The numbering plan's type until the start's lookup tells better.
    line: { type: start.lineType, carrier: null },
    silent: null,
    resultToken: null,
    createdAt: now,
    updatedAt: now,
    approvedAt: null,
    finalizedAt: null,
  };
}

/**
 * The workflow after the start rules: `require_otp` drops the silent step; `send_otp` drops it
 * too and puts its channel first (when the site offers it), the rest of the workflow behind.
 */
export function decidedWorkflow(record: VerificationRecord, decision: StartDecision): PlannedStep[] {
  let workflow = record.workflow;
  if (decision.requireOtp || decision.channel)
    workflow = workflow.filter((step) => step.channel !== 'silent');
  const first = decision.channel;
  if (first && record.availableChannels.includes(first) && first !== 'email') {
    workflow = [{ channel: first, to: null }, ...workflow.filter((step) => step.channel !== first)];
  }
  return workflow;
}

/**
 * Where a resend goes: the channel asked for (added to the workflow when the site offers it), else
 * the next step of the workflow, else the current one again.
 */
export function resendTarget(
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

/** Voice is never the first step: it moves behind the first text channel, when there is one. */
function voiceNotFirst(channels: readonly Channel[]): Channel[] {
  if (channels[0] !== 'voice') return [...channels];
  const text = channels.findIndex((channel) => channel !== 'voice');
  if (text < 0) return [...channels];
  return [channels[text]!, 'voice', ...channels.filter((_, index) => index !== 0 && index !== text)];
}

/** The record with step `index` begun and at once closed without a message (skipped or blocked). */
export function passedOver(
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
export function isTextChannel(channel: StepChannel): boolean {
  return channel === 'sms' || channel === 'whatsapp';
}

/**
 * The number a step's code goes to, with its country and line type (the lookup's, for `phone`;
 * the numbering plan's, for another number). An email step is checked against `phone`.
 */
export function destinationOf(
  record: VerificationRecord,
  step: PlannedStep,
): { e164: string; country: string | null; type: PhoneType } {
  const own = { e164: record.phone, country: record.country, type: record.line.type };
  if (step.channel === 'email' || step.to === null) return own;
  const parsed = phones.parse(step.to);
  if (!parsed.ok) return own;
  return { e164: parsed.e164, country: parsed.country ?? null, type: phoneTypeOf(parsed.number.getType()) };
}

/** Marks the open step (if any) before a new one begins. */
export function closeCurrentStep(record: VerificationRecord, status: string | null): StepRecord[] {
  if (status === null) return record.steps;
  if (record.steps.at(-1)?.status !== 'sent') return record.steps;
  return closeLastStep(record.steps, status);
}

export function closeLastStep(steps: StepRecord[], status: string): StepRecord[] {
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
