import type {
  Channel,
  PhoneType,
  RiskAssessment,
  VerificationMethod,
  VerificationStatus,
} from '@proofline/shared';

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
  /**
   * Facts the risk still needs, asked when the verification is approved (`StartDecision.atApproval`);
   * absent or empty once `risk` holds them all.
   */
  riskAtApproval?: string[];
  /**
   * The line type (the start's lookup's, else the numbering plan's) and the lookup's carrier: every
   * line-type decision reads `line.type` (records of earlier releases are read by `record-codec.ts`).
   */
  line: { type: PhoneType; carrier: string | null };
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
  /**
   * The store key of the number's wrong-code counter (a keyed hash of the number), in the clear so
   * the check's store step counts a wrong code there itself; absent in records of earlier releases.
   */
  wrongCodesKey?: string;
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

export function methodOf(record: VerificationRecord): VerificationMethod | null {
  if (record.approvedBy === 'lookup') return 'lookup';
  const step = currentStep(record);
  if (!step) return null;
  return step.channel === 'silent' ? 'silent' : 'otp';
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
