import type {
  Channel,
  RiskAssessment,
  SendOtpOutput,
  VerificationMethod,
  VerificationRecordView,
  VerificationStatus,
  VerificationSummary,
  VerificationView,
  VerifyOtpOutput,
} from '@proofline/shared';
import { maskPhone } from '@proofline/shared';
import { phoneTypeOf } from '../lookup/index.js';
import type { ResultTokenInput } from '../tokens/index.js';

/**
 * Where a verification was started and may be used from: the widget (tRPC, public site key) or
 * the site's backend (REST, secret key). One never sees the other's verifications.
 */
export type Surface = 'widget' | 'api';

/** A workflow step: an OTP channel, or the operator's silent check. */
export type StepChannel = Channel | 'silent';

export type PlannedStep = { channel: StepChannel; to: string | null };

/**
 * What happened to one step the verification walked: `sent` (the provider took the message, or the
 * silent check began), `failed` (refused: `reason` says why), `timed_out` (the next step began),
 * `replaced` (a resend superseded it), or the verification's final status on its last step.
 */
export type StepRecord = {
  channel: StepChannel;
  to: string | null;
  initiatedAt: number;
  status: string;
  reason: string | null;
};

/** The stored verification. Times are epoch ms from the clock port; expiry is decided from them. */
export type VerificationRecord = {
  id: string;
  siteKey: string;
  /** Who may use it: the widget that started it or the site's backend. */
  surface: Surface;
  phone: string;
  country: string | null;
  lineType: string | null;
  status: VerificationStatus;
  reason: string | null;
  workflow: PlannedStep[];
  /** Index in `workflow` of the current step; -1 before the first. */
  stepIndex: number;
  steps: StepRecord[];
  availableChannels: Channel[];
  sends: number;
  lastSentAt: number | null;
  /** HMACs of the live codes, newest first (see OtpCodes). */
  codeHashes: string[];
  codeIssuedAt: number | null;
  codeLength: number;
  expiresAt: number;
  maxAttempts: number;
  maxSends: number;
  /** The first resend wait (the site's `resend_cooldown_seconds`); later ones grow from it. */
  cooldownMs: number;
  stepTimeoutMs: number;
  silentTimeoutMs: number;
  /** The attempt counter when the verification ended, so later checks do not change the view. */
  attemptsAtFinal: number | null;
  locale: string | null;
  brand: string;
  domain: string;
  appHash: string | null;
  action: string | null;
  cdata: string | null;
  /** Host of the Origin that started it over tRPC; null for REST starts. */
  hostname: string | null;
  applicantId: string | null;
  fraudCheck: boolean;
  ip: string | null;
  returnUrl: string | null;
  flags: string[];
  risk: RiskAssessment | null;
  /** The lookup's line type and carrier at the start; absent on records made before lookups ran. */
  line?: { type: string; carrier: string | null } | null;
  silent: { authUrl: string; expiresAt: number } | null;
  /**
   * The result token of a silent approval: the browser learns of it by polling, so every read
   * answers the same token (one `jti`, redeemable once) until it expires.
   */
  resultToken?: string | null;
  /** What `request_info` rules ask the site to collect besides the phone. */
  infoNeeded?: string[];
  /** A site test number: nothing is sent and its fixed code verifies. */
  test?: boolean;
  /** Approved at the start from the lookup alone (`require_otp: false`, a low-risk number). */
  approvedBy?: 'lookup' | null;
  /** Started through the Vonage facade: its final webhook carries Vonage's summary. */
  summaryCallback?: boolean;
  createdAt: number;
  updatedAt: number;
  approvedAt: number | null;
  finalizedAt: number | null;
};

export const isFinal = (record: VerificationRecord) => record.status !== 'pending';

export function currentStep(record: VerificationRecord): PlannedStep | null {
  return record.workflow[record.stepIndex] ?? null;
}

/** The OTP channel in use, null while silent or before anything was sent. */
export function currentChannel(record: VerificationRecord): Channel | null {
  const step = currentStep(record);
  return step && step.channel !== 'silent' ? step.channel : null;
}

function attemptsUsed(record: VerificationRecord, counter: number): number {
  return record.attemptsAtFinal ?? counter;
}

function attemptsLeft(record: VerificationRecord, counter: number): number {
  return Math.max(0, record.maxAttempts - attemptsUsed(record, counter));
}

/** The longest wait between two sends, however many there were. */
const MAX_RESEND_COOLDOWN_MS = 600_000;

/**
 * The wait before the next send grows with each one: the setting, then twice it, four times …
 * (30 s, 60 s, 120 s … by default), capped at 10 minutes.
 */
function resendCooldownMs(record: Pick<VerificationRecord, 'cooldownMs' | 'sends'>): number {
  const doublings = Math.max(0, record.sends - 1);
  return Math.min(record.cooldownMs * 2 ** Math.min(doublings, 16), MAX_RESEND_COOLDOWN_MS);
}

export function resendAvailableAt(record: VerificationRecord): number | null {
  if (isFinal(record) || record.sends >= record.maxSends || record.lastSentAt === null) return null;
  return record.lastSentAt + resendCooldownMs(record);
}

const iso = (ms: number) => new Date(ms).toISOString();

export function methodOf(record: VerificationRecord): VerificationMethod | null {
  if (record.approvedBy === 'lookup') return 'lookup';
  const step = currentStep(record);
  if (!step) return null;
  return step.channel === 'silent' ? 'silent' : 'otp';
}

function destination(step: PlannedStep | null, phone: string): string | null {
  if (!step || step.channel === 'silent') return null;
  return step.to ?? phone;
}

function maskDestination(to: string): string {
  if (!to.includes('@')) return maskPhone(to);
  const [local = '', domain = ''] = to.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

/** The widget's view (tRPC): destination masked, no phone. */
export function toWidgetView(record: VerificationRecord, counter: number, token?: string): VerificationView {
  const to = destination(currentStep(record), record.phone);
  const resendAt = resendAvailableAt(record);
  const silent =
    record.status === 'pending' && currentStep(record)?.channel === 'silent' && record.silent
      ? { authUrl: record.silent.authUrl, expiresAt: iso(record.silent.expiresAt) }
      : undefined;
  return {
    verificationId: record.id,
    status: record.status,
    method: methodOf(record),
    channel: currentChannel(record),
    to: to === null ? null : maskDestination(to),
    expiresAt: iso(record.expiresAt),
    resendAvailableAt: resendAt === null ? null : iso(resendAt),
    attemptsLeft: attemptsLeft(record, counter),
    availableChannels: record.availableChannels,
    ...(silent ? { silent } : {}),
    ...(token ? { token } : {}),
    ...(record.reason ? { reason: record.reason } : {}),
    ...(record.infoNeeded?.length ? { infoNeeded: record.infoNeeded } : {}),
  };
}

/** `send-otp`'s answer: the site backend's own data, so `to` is in full. */
export function toSendOtpOutput(record: VerificationRecord, counter: number, token?: string): SendOtpOutput {
  const resendAt = resendAvailableAt(record);
  return {
    verification_id: record.id,
    status: record.status,
    channel: currentChannel(record),
    to: destination(currentStep(record), record.phone),
    expires_at: iso(record.expiresAt),
    resend_available_at: resendAt === null ? null : iso(resendAt),
    attempts_left: attemptsLeft(record, counter),
    ...(record.reason ? { reason: record.reason } : {}),
    ...(token ? { token } : {}),
    ...(record.infoNeeded?.length ? { info_needed: record.infoNeeded } : {}),
  };
}

/** `GET /v1/verifications/:id`, and the data of `verification.approved|failed` webhooks. */
export function toRecordView(record: VerificationRecord, counter: number): VerificationRecordView {
  return {
    verification_id: record.id,
    status: record.status,
    method: methodOf(record),
    channel: currentChannel(record),
    phone: record.phone,
    created_at: iso(record.createdAt),
    updated_at: iso(record.updatedAt),
    attempts_left: attemptsLeft(record, counter),
    workflow: record.steps.map((step) => ({
      channel: step.channel,
      initiated_at: iso(step.initiatedAt),
      status: step.status,
      ...(step.reason ? { reason: step.reason } : {}),
    })),
    flags: record.flags,
    risk: record.risk,
    ...(record.reason ? { reason: record.reason } : {}),
    applicant_id: record.applicantId,
    info_needed: record.infoNeeded ?? [],
    test: record.test === true,
    verified: record.status === 'approved' ? provenBy(record) : null,
  };
}

/** The claims of the result token an approval issues (siteverify answers from them). */
export function toResultClaims(record: VerificationRecord): ResultTokenInput {
  return {
    aud: record.siteKey,
    sub: record.id,
    ...provenBy(record),
    method: methodOf(record) ?? 'otp',
    channel: currentChannel(record),
    risk_score: record.risk?.risk_score ?? null,
    risk_level: record.risk?.risk_level ?? null,
    action: record.action,
    cdata: record.cdata,
    hostname: record.hostname,
    flags: record.flags,
    applicant_id: record.applicantId,
    info_needed: record.infoNeeded ?? [],
    test: record.test === true,
  };
}

/**
 * What an approval proves: the number that received the code (a workflow step may send it to
 * another number than `phone`), the typed number after silent verification, or an email address.
 */
export function provenBy(record: VerificationRecord): {
  phone: string | null;
  phone_verified: boolean;
  email: string | null;
} {
  // Approved from the lookup alone (`require_otp: false`): the number was checked, never proven.
  if (record.approvedBy === 'lookup') return { phone: record.phone, phone_verified: false, email: null };
  const step = record.steps.at(-1);
  if (!step || step.channel === 'silent') return { phone: record.phone, phone_verified: true, email: null };
  if (step.channel === 'email') return { phone: null, phone_verified: false, email: step.to };
  return { phone: step.to ?? record.phone, phone_verified: true, email: null };
}

type SummaryStatus = VerificationSummary['status'];

const summaryStatuses: Record<VerificationStatus, SummaryStatus> = {
  approved: 'completed',
  expired: 'expired',
  blocked: 'blocked',
  max_attempts_reached: 'failed',
  failed: 'failed',
  canceled: 'failed',
  pending: 'failed',
};

/** A step in Vonage's words: the operator saying "another line" is the user not authenticated. */
function summaryStepStatus(step: StepRecord): VerificationSummary['workflow'][number]['status'] {
  if (step.reason === 'silent_number_mismatch') return 'user_rejected';
  if (step.status === 'timed_out' || step.status === 'replaced') return 'expired';
  return step.status in summaryStatuses ? summaryStatuses[step.status as VerificationStatus] : 'failed';
}

/**
 * Vonage's `summary` callback of a verification that ended: every step walked, then the planned
 * steps never reached (`unused`).
 */
function toVerificationSummary(record: VerificationRecord): VerificationSummary {
  const vonageChannel = (channel: StepChannel): Channel | 'silent_auth' =>
    channel === 'silent' ? 'silent_auth' : channel;
  const last = record.steps.at(-1);
  return {
    request_id: record.id,
    submitted_at: iso(record.createdAt),
    status:
      last && summaryStepStatus(last) === 'user_rejected' ? 'user_rejected' : summaryStatuses[record.status],
    type: 'summary',
    channel_timeout: Math.round(record.stepTimeoutMs / 1000),
    workflow: [
      ...record.steps.map((step) => ({
        channel: vonageChannel(step.channel),
        initiated_at: iso(step.initiatedAt),
        status: summaryStepStatus(step),
        reason: step.reason,
      })),
      ...record.workflow.slice(record.stepIndex + 1).map((step) => ({
        channel: vonageChannel(step.channel),
        initiated_at: null,
        status: 'unused' as const,
        reason: null,
      })),
    ],
    finalized_at: iso(record.finalizedAt ?? record.updatedAt),
    ...(record.summaryCallback && record.cdata !== null ? { client_ref: record.cdata } : {}),
    applicant_id: record.applicantId,
  };
}

/**
 * The `data` of a verification's final webhook (`verification.approved|failed|blocked`): Vonage's
 * summary when it was blocked or started through the Vonage facade, else the
 * `GET /v1/verifications/:id` body.
 */
export function toFinalEventData(
  record: VerificationRecord,
  counter: number,
): VerificationSummary | VerificationRecordView {
  return record.status === 'blocked' || record.summaryCallback
    ? toVerificationSummary(record)
    : toRecordView(record, counter);
}

/**
 * The REST `verify-otp` answer. Only this answer says `verified` where every other place says
 * `approved`; `phone_intelligence` comes from the start's lookup.
 */
export function toVerifyOtpOutput(
  record: VerificationRecord,
  counter: number,
  token?: string,
): VerifyOtpOutput {
  return {
    verification_id: record.id,
    phone: record.phone,
    verification_status: record.status === 'approved' ? 'verified' : record.status,
    verified_at: record.approvedAt === null ? null : new Date(record.approvedAt).toISOString(),
    attempts_left: toRecordView(record, counter).attempts_left,
    phone_intelligence: {
      type: record.line?.type ?? phoneTypeOf(record.lineType),
      carrier: record.line?.carrier ?? null,
      country: record.country,
      risk_score: record.risk?.risk_score ?? null,
      risk_level: record.risk?.risk_level ?? null,
    },
    ...(token ? { token } : {}),
  };
}
