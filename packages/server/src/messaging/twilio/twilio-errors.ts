import { DeliveryError, type DeliveryErrorCode } from '../port.js';
import { isRecord, providerText } from '../provider-http.js';

/** Twilio error codes that say what went wrong better than the HTTP status does. */
const codesByTwilioCode: Record<number, DeliveryErrorCode> = {
  20003: 'auth',
  20429: 'rate_limited',
  21211: 'invalid_recipient', // invalid 'To' phone number
  21214: 'invalid_recipient', // 'To' cannot be reached (calls)
  21217: 'invalid_recipient', // phone number does not appear to be valid (calls)
  21401: 'invalid_recipient', // invalid phone number (calls)
  21614: 'invalid_recipient', // 'To' is not a mobile number
  21612: 'unreachable', // no route to 'To' from this sender
  21215: 'rejected', // geo permission for calls not enabled
  21408: 'rejected', // permission to send to this region not enabled
  21608: 'rejected', // trial accounts send only to verified numbers
  21610: 'rejected', // recipient replied STOP
  21606: 'rejected', // 'From' cannot send sms
  21660: 'rejected', // 'From' does not belong to the account
  63016: 'rejected', // WhatsApp: outside the 24 h window, a template is needed
};

/** Maps Twilio's error JSON `{code, message, more_info, status}` to a DeliveryError. */
export function twilioError(httpStatus: number, body: unknown): DeliveryError {
  const record = isRecord(body) ? body : {};
  const twilioCode = typeof record.code === 'number' ? record.code : undefined;
  const mapped = twilioCode === undefined ? undefined : codesByTwilioCode[twilioCode];
  const code: DeliveryErrorCode =
    mapped ??
    (httpStatus === 401
      ? 'auth'
      : httpStatus === 429
        ? 'rate_limited'
        : httpStatus === 408
          ? 'timeout'
          : 'provider_error');
  const retryable =
    code === 'rate_limited' || code === 'timeout' || (code === 'provider_error' && httpStatus >= 500);
  return new DeliveryError({
    code,
    provider: 'twilio',
    retryable,
    httpStatus,
    ...(twilioCode === undefined ? {} : { providerCode: String(twilioCode) }),
    message: providerText(record.message, `Twilio answered HTTP ${httpStatus}`),
  });
}
