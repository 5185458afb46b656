import { maskPhone } from '@proofline/shared';
import { phone as phones } from '@proofline/shared/phone';

const e164 = /^\+\d{7,15}$/;

/** A whole phone number, not a number range (`+44740091`, the prefix of a block). */
function isPhoneNumber(text: string): boolean {
  return e164.test(text) && phones.parse(text).ok;
}

/**
 * A webhook body as it leaves by default: every phone number (a string that is a whole, valid
 * E.164 number, wherever it sits) masked, because bodies are kept by receivers and in dead letters.
 */
export function maskPhoneNumbers(data: unknown): unknown {
  if (typeof data === 'string') return isPhoneNumber(data) ? maskPhone(data) : data;
  if (Array.isArray(data)) return data.map(maskPhoneNumbers);
  if (data !== null && typeof data === 'object') {
    return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, maskPhoneNumbers(value)]));
  }
  return data;
}
