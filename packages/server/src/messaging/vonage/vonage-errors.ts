import { DeliveryError, type DeliveryErrorCode } from '../port.js';
import { isRecord, providerText } from '../provider-http.js';

/** Messages API error codes (the fragment of the problem `type` URL) that say more than the status. */
const codesByVonageCode: Record<string, DeliveryErrorCode> = {
  '1000': 'rate_limited', // throttled
  '1030': 'provider_error', // internal error
  '1040': 'invalid_recipient', // unrecognised number prefix
  '1050': 'rejected', // number barred
  '1060': 'auth', // account barred
  '1070': 'rejected', // quota exceeded
  '1100': 'provider_error', // communication failed
  '1120': 'rejected', // sender id refused by local rules
};

/** Maps Vonage's RFC 7807 problem JSON `{type, title, detail, instance, invalid_parameters?}`. */
export function vonageError(httpStatus: number, body: unknown): DeliveryError {
  const problem = isRecord(body) ? body : {};
  const type = typeof problem.type === 'string' ? problem.type : '';
  const vonageCode = /#(\w[\w-]*)$/.exec(type)?.[1];
  const code =
    (vonageCode ? codesByVonageCode[vonageCode] : undefined) ?? codeFromStatus(httpStatus, problem);
  const retryable =
    code === 'rate_limited' ||
    code === 'timeout' ||
    (code === 'provider_error' && (httpStatus >= 500 || vonageCode === '1100' || vonageCode === '1030'));
  const title = providerText(problem.title, `Vonage answered HTTP ${httpStatus}`);
  const detail = providerText(problem.detail, '');
  return new DeliveryError({
    code,
    provider: 'vonage',
    retryable,
    httpStatus,
    ...(vonageCode === undefined ? {} : { providerCode: vonageCode }),
    message: detail ? `${title}: ${detail}` : title,
  });
}

function codeFromStatus(httpStatus: number, problem: Record<string, unknown>): DeliveryErrorCode {
  if (httpStatus === 401) return 'auth';
  if (httpStatus === 429) return 'rate_limited';
  if (httpStatus === 402 || httpStatus === 403) return 'rejected';
  if ((httpStatus === 400 || httpStatus === 422) && namesRecipient(problem.invalid_parameters)) {
    return 'invalid_recipient';
  }
  return 'provider_error';
}

function namesRecipient(invalidParameters: unknown): boolean {
  return (
    Array.isArray(invalidParameters) &&
    invalidParameters.some(
      (parameter) => isRecord(parameter) && /^to(\b|\.|\[|$)/.test(String(parameter.name)),
    )
  );
}
