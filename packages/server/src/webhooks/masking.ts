import { maskPhone } from '@proofline/shared';

const e164 = /^\+\d{8,15}$/;

/**
 * A webhook body as it leaves by default: every phone number (a string that is a whole E.164
 * number, wherever it sits) masked, because bodies are kept by receivers and in dead letters.
 */
export function maskPhoneNumbers(data: unknown): unknown {
  if (typeof data === 'string') return e164.test(data) ? maskPhone(data) : data;
  if (Array.isArray(data)) return data.map(maskPhoneNumbers);
  if (data !== null && typeof data === 'object') {
    return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, maskPhoneNumbers(value)]));
  }
  return data;
}
