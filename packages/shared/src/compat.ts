import { z } from 'zod';
import { UnblockNetworkInput } from './fraud.js';
import { CodeInput, PhoneInput } from './verification.js';

// Inputs of the drop-in provider APIs, in the providers' own field names. Each facade refuses
// what Proofline cannot honour rather than ignoring it (docs/migrate-from-*.md list the gaps).

// ── Vonage Verify v2 ─────────────────────────────────────────────────────────

export const VonageChannel = z.enum(['silent_auth', 'sms', 'whatsapp', 'voice', 'email']);
export type VonageChannel = z.infer<typeof VonageChannel>;

export const VonageWorkflowStep = z.strictObject({
  channel: VonageChannel,
  /** A phone number (E.164, `+` optional as Vonage takes it) or, for `email`, an address. */
  to: z.string().trim().min(1).max(254),
});
export type VonageWorkflowStep = z.infer<typeof VonageWorkflowStep>;

/** `POST /v2/verify`. `code_length` is 6–10 here (Vonage takes 4–10). */
export const VonageVerifyRequest = z.strictObject({
  brand: z.string().trim().min(1).max(16),
  workflow: z
    .array(VonageWorkflowStep)
    .min(1)
    .max(3)
    .superRefine((workflow, context) => {
      // As at Vonage: the operator's check runs before any code is sent, or not at all.
      workflow.forEach((step, index) => {
        if (index > 0 && step.channel === 'silent_auth') {
          context.addIssue({
            code: 'custom',
            path: [index, 'channel'],
            message: 'silent_auth must be the first step of the workflow',
          });
        }
      });
    }),
  locale: z
    .string()
    .regex(/^[a-z]{2}-[a-z]{2}$/i, 'a locale such as en-us')
    .optional(),
  /** Seconds before the next workflow step starts (Vonage: 15–900, default 300). */
  channel_timeout: z.number().int().min(15).max(900).optional(),
  client_ref: z.string().max(40).optional(),
  code_length: z.number().int().min(6).max(10).optional(),
  fraud_check: z.boolean().optional(),
});
export type VonageVerifyRequest = z.infer<typeof VonageVerifyRequest>;

/** `POST /v2/verify/:request_id`. */
export const VonageCheckCodeRequest = z.strictObject({ code: CodeInput });
export type VonageCheckCodeRequest = z.infer<typeof VonageCheckCodeRequest>;

/** `POST /v2/verify/network-unblock`: the same body as Proofline's own unblock (Vonage's shape). */
export const VonageNetworkUnblockRequest = UnblockNetworkInput;

/** The body of every Vonage error: RFC 7807 problem details. */
export type VonageProblem = {
  type: string;
  title: string;
  detail: string;
  instance: string;
  invalid_parameters?: { name: string; reason: string }[];
};

// ── Twilio Verify v2 ─────────────────────────────────────────────────────────

/** Twilio names voice `call`; `email`, `sna` and `auto` are not offered by the facade. */
export const TwilioChannel = z.enum(['sms', 'call', 'whatsapp']);
export type TwilioChannel = z.infer<typeof TwilioChannel>;

/** `POST /v2/Services/:ServiceSid/Verifications` (form-encoded). */
export const TwilioCreateVerificationRequest = z.strictObject({
  To: PhoneInput,
  Channel: TwilioChannel,
  Locale: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]{2})?$/i, 'a locale such as en or pt-br')
    .optional(),
  CustomFriendlyName: z.string().trim().min(1).max(30).optional(),
});
export type TwilioCreateVerificationRequest = z.infer<typeof TwilioCreateVerificationRequest>;

/** `POST /v2/Services/:ServiceSid/Verifications/:Sid`. */
export const TwilioUpdateVerificationRequest = z.strictObject({
  Status: z.enum(['canceled', 'approved']),
});
export type TwilioUpdateVerificationRequest = z.infer<typeof TwilioUpdateVerificationRequest>;

/** `POST /v2/Services/:ServiceSid/VerificationCheck`: by `To` or by `VerificationSid`. */
export const TwilioVerificationCheckRequest = z
  .strictObject({
    Code: CodeInput,
    To: PhoneInput.optional(),
    VerificationSid: z.string().max(64).optional(),
  })
  .refine((input) => (input.To === undefined) !== (input.VerificationSid === undefined), {
    message: 'give exactly one of To or VerificationSid',
    path: ['To'],
  });
export type TwilioVerificationCheckRequest = z.infer<typeof TwilioVerificationCheckRequest>;

export type TwilioVerificationStatus =
  | 'pending'
  | 'approved'
  | 'canceled'
  | 'max_attempts_reached'
  | 'deleted'
  | 'failed'
  | 'expired';

/** What the Verification and VerificationCheck resources both say (null where Proofline has no value). */
type TwilioVerificationFields = {
  sid: string;
  service_sid: string;
  account_sid: string;
  to: string;
  channel: TwilioChannel | null;
  status: TwilioVerificationStatus;
  valid: boolean;
  amount: null;
  payee: null;
  date_created: string;
  date_updated: string;
};

/** The Verification resource, as Twilio answers it. */
export type TwilioVerification = TwilioVerificationFields & {
  lookup: { carrier: { name: string | null; type: string | null } | null };
  send_code_attempts: { attempt_sid: string; channel: TwilioChannel; time: string }[];
  sna: null;
  url: string;
};

/** The VerificationCheck resource. */
export type TwilioVerificationCheck = TwilioVerificationFields & { sna_attempts_error_codes: [] };

/** The body of every Twilio error. */
export type TwilioErrorBody = { code: number; message: string; more_info: string; status: number };
