import type {
  Channel,
  SendOtpOutput,
  VerificationRecordView,
  VerificationStatus,
  VerificationSummary,
  VerificationView,
  VerifyOtpOutput,
} from '@proofline/shared';
import { maskPhone } from '@proofline/shared';
import type { ResultTokenInput } from '../tokens/index.js';
import {
  currentChannel,
  currentStep,
  methodOf,
  type PlannedStep,
  provenBy,
  resendAvailableAt,
  type StepChannel,
  type StepRecord,
  type VerificationRecord,
} from './record.js';

/** The answers and events a record is shown as: each caller sees only what is its own to see. */

const iso = (ms: number) => new Date(ms).toISOString();

function attemptsUsed(record: VerificationRecord, counter: number): number {
  return record.attemptsAtFinal ?? counter;
}

function attemptsLeft(record: VerificationRecord, counter: number): number {
  return Math.max(0, record.maxAttempts - attemptsUsed(record, counter));
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
      type: record.line.type,
      carrier: record.line.carrier,
      country: record.country,
      risk_score: record.risk?.risk_score ?? null,
      risk_level: record.risk?.risk_level ?? null,
    },
    ...(token ? { token } : {}),
  };
}
