import { z } from 'zod';

export const Channel = z.enum(['sms', 'voice', 'whatsapp', 'email']);
export type Channel = z.infer<typeof Channel>;
/** The order channels are tried in when a site names none: its `channels` setting by default. */
export const channelFallbackOrder: readonly Channel[] = ['sms', 'whatsapp', 'voice', 'email'];

/** `lookup`: approved at the start without a message (settings `require_otp: false`, a low-risk number). */
export const VerificationMethod = z.enum(['silent', 'otp', 'lookup']);
export type VerificationMethod = z.infer<typeof VerificationMethod>;

/** Final statuses are every status but `pending`; a verification ends in exactly one of them. */
export const VerificationStatus = z.enum([
  'pending',
  'approved',
  'canceled',
  'expired',
  'max_attempts_reached',
  'failed',
  'blocked',
]);
export type VerificationStatus = z.infer<typeof VerificationStatus>;

/** The REST `verify-otp` answer says `verified` where every other place says `approved`. */
type RestStatus = Exclude<VerificationStatus, 'approved'> | 'verified';
export const RestVerificationStatus = z.enum(
  VerificationStatus.options.map((status): RestStatus => (status === 'approved' ? 'verified' : status)) as [
    RestStatus,
    ...RestStatus[],
  ],
);
export type RestVerificationStatus = z.infer<typeof RestVerificationStatus>;

export const Connection = z.enum(['cellular', 'wifi', 'unknown']);
export type Connection = z.infer<typeof Connection>;

export const SiteKey = z.string().min(1).max(128);
export const PhoneInput = z.string().trim().min(1).max(64);
/** A country as ISO 3166 alpha-2, in capitals (`GB`). */
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code in capitals');
export const VerificationId = z.string().min(1).max(64);
/** As Turnstile: an action names the page's purpose, cdata is opaque customer data. */
export const Action = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'up to 32 letters, digits, _ or -');
export const Cdata = z.string().max(255);
export const Locale = z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag');
/** Any string here; its shape as a code (4–10 digits) is checked by the service so REST answers `invalid_code`. */
export const CodeInput = z.string().max(32);

// ── tRPC (widget) ─────────────────────────────────────────────────────────────

export const ConfigGetInput = z.strictObject({ siteKey: SiteKey });
export type ConfigGetInput = z.infer<typeof ConfigGetInput>;

export const WidgetConfig = z.object({
  siteKey: z.string(),
  brand: z.string(),
  channels: z.array(Channel),
  silent: z.boolean(),
  countries: z.array(z.string()).nullable(),
  codeLength: z.number().int(),
  locale: z.string(),
});
export type WidgetConfig = z.infer<typeof WidgetConfig>;

export const StartVerificationInput = z.strictObject({
  siteKey: SiteKey,
  phone: PhoneInput,
  country: z.string().length(2).optional(),
  channel: z.union([z.literal('auto'), Channel]).optional(),
  locale: Locale.optional(),
  action: Action.optional(),
  cdata: Cdata.optional(),
  connection: Connection.optional(),
  returnUrl: z.url().max(2048).optional(),
});
export type StartVerificationInput = z.infer<typeof StartVerificationInput>;

export const VerificationRef = z.strictObject({ siteKey: SiteKey, verificationId: VerificationId });
export type VerificationRef = z.infer<typeof VerificationRef>;

/** `email` is the address an `email` resend goes to (the widget asks for it when the user picks email). */
export const ResendVerificationInput = VerificationRef.extend({
  channel: Channel.optional(),
  email: z.email().max(256).optional(),
});
export type ResendVerificationInput = z.infer<typeof ResendVerificationInput>;

export const CheckVerificationInput = VerificationRef.extend({ code: CodeInput });
export type CheckVerificationInput = z.infer<typeof CheckVerificationInput>;

export const VerificationView = z.object({
  verificationId: z.string(),
  status: VerificationStatus,
  method: VerificationMethod.nullable(),
  channel: Channel.nullable(),
  to: z.string().nullable(),
  expiresAt: z.string(),
  resendAvailableAt: z.string().nullable(),
  attemptsLeft: z.number().int(),
  availableChannels: z.array(Channel),
  silent: z.object({ authUrl: z.string(), expiresAt: z.string() }).optional(),
  token: z.string().optional(),
  reason: z.string().optional(),
  /** What a `request_info` rule asks the site to collect besides the phone; absent when nothing. */
  infoNeeded: z.array(z.string()).optional(),
});
export type VerificationView = z.infer<typeof VerificationView>;

// ── REST (site backends, snake_case) ──────────────────────────────────────────

export const WorkflowStepInput = z.strictObject({
  channel: Channel,
  to: z.string().min(1).max(254).optional(),
});

export const SendOtpInput = z
  .strictObject({
    phone: PhoneInput,
    country: z.string().length(2).optional(),
    channel: Channel.optional(),
    workflow: z.array(WorkflowStepInput).min(1).max(4).optional(),
    applicant_id: z.string().max(128).optional(),
    language: Locale.optional(),
    brand: z.string().min(1).max(64).optional(),
    code_length: z.number().int().min(6).max(10).optional(),
    fraud_check: z.boolean().optional(),
    action: Action.optional(),
    cdata: Cdata.optional(),
  })
  .refine((input) => !(input.channel && input.workflow), {
    message: 'give either channel or workflow, not both',
    path: ['workflow'],
  });
export type SendOtpInput = z.infer<typeof SendOtpInput>;

export const SendOtpOutput = z.object({
  verification_id: z.string(),
  status: VerificationStatus,
  channel: Channel.nullable(),
  to: z.string().nullable(),
  expires_at: z.string(),
  resend_available_at: z.string().nullable(),
  attempts_left: z.number().int(),
  reason: z.string().optional(),
  /** Only when approved at the start without a code (`require_otp: false`): the token for siteverify. */
  token: z.string().optional(),
  /** What `request_info` rules ask for; absent when nothing. */
  info_needed: z.array(z.string()).optional(),
});
export type SendOtpOutput = z.infer<typeof SendOtpOutput>;

export const VerifyOtpInput = z
  .strictObject({
    verification_id: VerificationId.optional(),
    phone: PhoneInput.optional(),
    code: CodeInput,
    applicant_id: z.string().max(128).optional(),
  })
  .refine((input) => input.verification_id !== undefined || input.phone !== undefined, {
    message: 'give verification_id or phone',
    path: ['verification_id'],
  });
export type VerifyOtpInput = z.infer<typeof VerifyOtpInput>;

export const PhoneIntelligenceSummary = z.object({
  type: z.string(),
  carrier: z.string().nullable(),
  country: z.string().nullable(),
  risk_score: z.number().int().nullable(),
  risk_level: z.string().nullable(),
});

export const VerifyOtpOutput = z.object({
  verification_id: z.string(),
  phone: z.string(),
  verification_status: RestVerificationStatus,
  verified_at: z.string().nullable(),
  attempts_left: z.number().int(),
  phone_intelligence: PhoneIntelligenceSummary,
  token: z.string().optional(),
});
export type VerifyOtpOutput = z.infer<typeof VerifyOtpOutput>;

export const WorkflowStepView = z.object({
  channel: z.union([Channel, z.literal('silent')]),
  initiated_at: z.string(),
  status: z.string(),
  reason: z.string().optional(),
});
export type WorkflowStepView = z.infer<typeof WorkflowStepView>;

export const RiskFactor = z.object({
  factor: z.string(),
  contribution: z.number().int(),
  details: z.string(),
});
export type RiskFactor = z.infer<typeof RiskFactor>;

export const RiskLevel = z.enum(['low', 'medium', 'high']);
export type RiskLevel = z.infer<typeof RiskLevel>;

export const RiskAssessment = z.object({
  risk_score: z.number().int().min(0).max(100),
  risk_level: RiskLevel,
  factors: z.array(RiskFactor),
});
export type RiskAssessment = z.infer<typeof RiskAssessment>;

/** `GET /v1/verifications/:id`, and the body of `verification.approved|failed` webhooks. */
export const VerificationRecordView = z.object({
  verification_id: z.string(),
  status: VerificationStatus,
  method: VerificationMethod.nullable(),
  channel: Channel.nullable(),
  phone: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  attempts_left: z.number().int(),
  workflow: z.array(WorkflowStepView),
  flags: z.array(z.string()),
  risk: RiskAssessment.nullable(),
  reason: z.string().optional(),
  /** The site's applicant, as given at send-otp; null when none was. */
  applicant_id: z.string().nullable(),
  /** What `request_info` rules ask the site to collect, `[]` when nothing. */
  info_needed: z.array(z.string()),
  /** A site test number: nothing was sent and the fixed code verifies. */
  test: z.boolean(),
  /**
   * What the approval proved (null until approved): the number that received the code or passed
   * silent verification, or, when an email step proved an address, `phone: null` and the `email`.
   */
  verified: z
    .object({ phone: z.string().nullable(), phone_verified: z.boolean(), email: z.string().nullable() })
    .nullable(),
});
export type VerificationRecordView = z.infer<typeof VerificationRecordView>;

/** `/v1/verifications/:id…`: the id as the path carries it. */
export const VerificationParams = z.object({ id: VerificationId });
export type VerificationParams = z.infer<typeof VerificationParams>;

export const ResendRestInput = z.strictObject({ channel: Channel.optional() });
export type ResendRestInput = z.infer<typeof ResendRestInput>;
