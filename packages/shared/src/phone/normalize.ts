import {
  type CountryCode,
  isSupportedCountry,
  type MetadataJson,
  type NumberType,
  ParseError,
  type PhoneNumber,
  parsePhoneNumberWithError,
  validatePhoneNumberLength,
} from 'libphonenumber-js/core';

/** Why a text is not a phone number, in libphonenumber's words plus `INVALID` (possible but unassigned). */
export type PhoneErrorReason =
  | 'NOT_A_NUMBER'
  | 'INVALID_COUNTRY'
  | 'TOO_SHORT'
  | 'TOO_LONG'
  | 'INVALID_LENGTH'
  | 'INVALID';

export class PhoneParseError extends Error {
  constructor(readonly reason: PhoneErrorReason) {
    super(`phone number: ${reason}`);
    this.name = 'PhoneParseError';
  }
}

export type PhoneResult =
  | { ok: true; e164: string; country: string | undefined; number: PhoneNumber }
  | { ok: false; reason: PhoneErrorReason };

const parseReasons = new Set<string>([
  'NOT_A_NUMBER',
  'INVALID_COUNTRY',
  'TOO_SHORT',
  'TOO_LONG',
  'INVALID_LENGTH',
]);

/**
 * Parses what a user typed or a backend sent into a phone number: E.164 with or without `+`
 * (`447400123456`, as Vonage users send it), `00` international prefix, or a national number
 * with a default country.
 */
export function parsePhone(
  input: string,
  defaultCountry: string | undefined,
  metadata: MetadataJson,
  isValid: (number: PhoneNumber) => boolean = (number) => number.isValid(),
): PhoneResult {
  let text = input.trim();
  if (defaultCountry !== undefined && !isSupportedCountry(defaultCountry as CountryCode, metadata)) {
    return { ok: false, reason: 'INVALID_COUNTRY' };
  }
  const compact = text.replace(/[\s().\-\u00a0]/g, '');
  if (!compact.startsWith('+') && /^00\d/.test(compact) && defaultCountry === undefined) {
    text = `+${compact.slice(2)}`;
  } else if (!compact.startsWith('+') && /^\d+$/.test(compact) && defaultCountry === undefined) {
    text = `+${compact}`;
  }
  const options =
    defaultCountry === undefined
      ? { extract: false }
      : { defaultCountry: defaultCountry as CountryCode, extract: false };
  try {
    const number = parsePhoneNumberWithError(text, options, metadata);
    if (!number.isPossible()) {
      const reason = validatePhoneNumberLength(text, options, metadata);
      return { ok: false, reason: reason ?? 'INVALID_LENGTH' };
    }
    if (!isValid(number)) return { ok: false, reason: 'INVALID' };
    return { ok: true, e164: number.number, country: number.country, number };
  } catch (error) {
    if (error instanceof ParseError && parseReasons.has(error.message)) {
      return { ok: false, reason: error.message as PhoneErrorReason };
    }
    return { ok: false, reason: 'NOT_A_NUMBER' };
  }
}

/** Like {@link parsePhone}, but answers the E.164 string or throws a {@link PhoneParseError}. */
export function normalizePhone(
  input: string,
  defaultCountry: string | undefined,
  metadata: MetadataJson,
): string {
  const result = parsePhone(input, defaultCountry, metadata);
  if (!result.ok) throw new PhoneParseError(result.reason);
  return result.e164;
}

export type PhoneFormats = {
  e164: string;
  national: string;
  international: string;
  country: string | null;
  callingCode: string;
  type: NumberType | undefined;
};

export function formatPhone(number: PhoneNumber): PhoneFormats {
  return {
    e164: number.number,
    national: number.formatNational(),
    international: number.formatInternational(),
    country: number.country ?? null,
    callingCode: number.countryCallingCode,
    type: number.getType(),
  };
}
