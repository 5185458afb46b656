import { z } from 'zod';
import { VerificationId, VerificationStatus } from './verification.js';

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
