import { z } from 'zod';

/**
 * Every error Proofline answers with, by snake_case code. The HTTP status is part of the contract:
 * REST answers it, tRPC maps it to the matching TRPCError code.
 */
export const errorCatalogue = {
  bad_request: { status: 400, message: 'The request is not valid.' },
  invalid_phone: { status: 400, message: 'The phone number is not valid.' },
  invalid_code: { status: 400, message: 'The code must be 4 to 10 digits.' },
  invalid_webhook_url: { status: 400, message: 'The webhook URL must be https to a public address.' },
  unauthorized: { status: 401, message: 'A valid secret key is required.' },
  invalid_site_key: { status: 401, message: 'The site key is not known.' },
  origin_not_allowed: { status: 403, message: 'This origin is not allowed for the site.' },
  forbidden: { status: 403, message: 'This operation is not allowed.' },
  country_not_allowed: { status: 403, message: 'Numbers of this country are not accepted.' },
  line_type_not_allowed: { status: 403, message: 'This kind of phone line is not accepted.' },
  channel_not_allowed: { status: 403, message: 'This channel is not available.' },
  line_not_active: { status: 403, message: 'This phone line is not active.' },
  not_found: { status: 404, message: 'Not found.' },
  network_not_blocked: { status: 404, message: 'This network is not blocked.' },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  verification_closed: { status: 409, message: 'This verification is no longer pending.' },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send JSON or form-encoded bodies.' },
  max_sends_reached: { status: 429, message: 'No more codes can be sent for this verification.' },
  rate_limited: { status: 429, message: 'Too many requests. Try again later.' },
  resend_cooldown: { status: 429, message: 'Wait before asking for another code.' },
  operator_error: { status: 502, message: 'The mobile operator could not answer.' },
  delivery_failed: { status: 502, message: 'The message could not be delivered.' },
  service_unavailable: { status: 503, message: 'The service is temporarily unavailable.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalogue;
export const ErrorCode = z.enum(Object.keys(errorCatalogue) as [ErrorCode, ...ErrorCode[]]);

/** One problem with one field of the input, as zod reported it. */
export const FieldIssue = z.object({
  path: z.string(),
  code: z.string(),
  message: z.string(),
});
export type FieldIssue = z.infer<typeof FieldIssue>;

/** The body of every REST error answer. */
export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Turns zod issues into `[{path: 'workflow.0.channel', code, message}]`. */
export function toFieldIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: issue.code,
    message: issue.message,
  }));
}
