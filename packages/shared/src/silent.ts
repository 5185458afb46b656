import { z } from 'zod';
import { CountryCode, PhoneInput, VerificationId, VerificationStatus } from './verification.js';

/**
 * `GET /v1/silent/callback`: where the operator's authorize step sends the device, with `code` and
 * `state`, or `error` (RFC 6749 4.1.2). Operators may add parameters of their own (`iss`, …):
 * they are ignored, not refused.
 */
export const SilentCallbackQuery = z.looseObject({
  state: z.string().min(1).max(256),
  code: z.string().min(1).max(2048).optional(),
  error: z.string().min(1).max(128).optional(),
  error_description: z.string().max(1024).optional(),
});
export type SilentCallbackQuery = z.infer<typeof SilentCallbackQuery>;

/** The callback's answer in `fetch` mode (the widget polls `verification.get` for the rest). */
export const SilentCallbackOutput = z.object({
  verification_id: VerificationId,
  status: VerificationStatus,
  /** `silent` while approved silently; `otp` once it moved on to a code. */
  method: z.enum(['silent', 'otp']).nullable(),
});
export type SilentCallbackOutput = z.infer<typeof SilentCallbackOutput>;

/**
 * `POST /v1/silent/start` (secret key): a site backend starts silent verification for its mobile
 * app, which opens `auth_url` over mobile data; the result is read with `GET /v1/verifications/:id`.
 */
export const SilentStartInput = z.strictObject({
  phone: PhoneInput,
  country: CountryCode.optional(),
  /** Where the operator's redirect sends the app at the end (a page on an allowed origin). */
  return_url: z.url().max(2048).optional(),
});
export type SilentStartInput = z.infer<typeof SilentStartInput>;

export const SilentStartOutput = z.object({
  verification_id: VerificationId,
  auth_url: z.string(),
  /** The authorize step must be over by then, else the verification ends `failed` (`silent_timeout`). */
  expires_at: z.string(),
});
export type SilentStartOutput = z.infer<typeof SilentStartOutput>;
