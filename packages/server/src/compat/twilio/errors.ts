import type { TwilioErrorBody } from '@proofline/shared';
import type { ProoflineError } from '../../errors.js';

export type TwilioErrorReply = { status: number; body: TwilioErrorBody; headers: Record<string, string> };

function twilioError(status: number, code: number, message: string): TwilioErrorReply {
  return {
    status,
    headers: {},
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
  };
}

/** The parameter a refusal is about, in Twilio's PascalCase (`To`, `Code`, `Channel`). */
function parameterOf(error: ProoflineError): string | null {
  if (error.code === 'invalid_phone') return 'To';
  if (error.code === 'invalid_code') return 'Code';
  const first = Array.isArray(error.details) ? error.details[0] : undefined;
  return first && typeof first.path === 'string' && first.path !== '' ? first.path : null;
}

export const twilioErrors = {
  /** Twilio answers 20404 for a verification it no longer keeps (approved, expired, canceled). */
  notFound: (path: string) => twilioError(404, 20404, `The requested resource ${path} was not found`),
  maxCheckAttempts: () => twilioError(429, 60202, 'Max check attempts reached'),
  deliveryBlocked: () => twilioError(403, 60410, 'Verification delivery attempt blocked'),
};

/** A Proofline refusal in Twilio's words: its error codes, messages and HTTP statuses. */
export function toTwilioError(error: ProoflineError, path: string): TwilioErrorReply {
  const reply = ((): TwilioErrorReply => {
    switch (error.code) {
      case 'unauthorized':
        return twilioError(401, 20003, 'Authenticate');
      case 'bad_request':
      case 'invalid_phone':
      case 'invalid_code': {
        const parameter = parameterOf(error);
        return twilioError(
          400,
          60200,
          parameter ? `Invalid parameter \`${parameter}\`` : 'Invalid parameter',
        );
      }
      case 'not_found':
      case 'verification_closed':
        return twilioErrors.notFound(path);
      case 'rate_limited':
      case 'resend_cooldown':
      case 'max_sends_reached':
        return twilioError(429, 60203, 'Max send attempts reached');
      case 'country_not_allowed':
        return twilioError(403, 60605, `Verification delivery attempt blocked: ${error.message}`);
      case 'line_type_not_allowed':
      case 'line_not_active':
        return twilioError(400, 60205, error.message);
      case 'channel_not_allowed':
        return twilioError(400, 60223, `Delivery channel disabled: ${error.message}`);
      default:
        // Twilio's generic codes are 20000 + the HTTP status (20403, 20415, 20500, 20503, …).
        return twilioError(error.status, 20_000 + error.status, error.message);
    }
  })();
  if (error.retryAfterSeconds !== undefined) reply.headers['retry-after'] = String(error.retryAfterSeconds);
  return reply;
}
