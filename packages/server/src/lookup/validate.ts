import type { PhoneType, ValidateInput, ValidateOutput, ValidationError } from '@proofline/shared';
import { phone } from '@proofline/shared/phone';
import {
  type CountryCode,
  type NumberType,
  type PhoneNumber,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/core';

const typeNames: Record<NumberType & string, PhoneType> = {
  MOBILE: 'mobile',
  FIXED_LINE: 'landline',
  // The US, Canada and a few others share ranges between both; the operator can tell, metadata
  // cannot. Mobile is what such a number most likely is for a verification.
  FIXED_LINE_OR_MOBILE: 'mobile',
  VOIP: 'voip',
  TOLL_FREE: 'toll_free',
  PREMIUM_RATE: 'premium',
  SHARED_COST: 'shared_cost',
  PERSONAL_NUMBER: 'virtual',
  PAGER: 'pager',
  UAN: 'uan',
  VOICEMAIL: 'voicemail',
};

/** The line type libphonenumber's full metadata gives a number, in Proofline's words. */
export function metadataType(number: PhoneNumber): PhoneType {
  return phoneTypeOf(number.getType());
}

/** libphonenumber's name of a line type (`MOBILE`, `VOIP`, …) in Proofline's words. */
export function phoneTypeOf(numberType: string | null | undefined): PhoneType {
  return typeNames[numberType as NumberType & string] ?? 'unknown';
}

export type ParsedPhone = {
  /** The number when libphonenumber could read one (also when it is only possible, not valid). */
  number: PhoneNumber | null;
  valid: boolean;
  error: ValidationError | null;
};

/**
 * Reads a phone as Proofline accepts it everywhere (`@proofline/shared/phone`), and keeps the
 * parsed number of a possible-but-invalid one too, so validate can still format it.
 */
export function readPhone(input: string, country?: string): ParsedPhone {
  const result = phone.parse(input, country);
  if (result.ok) return { number: result.number, valid: true, error: null };
  if (result.reason !== 'INVALID') return { number: null, valid: false, error: result.reason };
  const compact = input.replace(/[\s().\-\u00a0]/g, '');
  const text = country === undefined && /^(00)?\d+$/.test(compact) ? `+${compact.replace(/^00/, '')}` : input;
  const options = country === undefined ? {} : { defaultCountry: country as CountryCode };
  const number = parsePhoneNumberFromString(text, options, phone.metadata) ?? null;
  return { number, valid: false, error: 'INVALID' };
}

/** `POST /v1/phone/validate`: formats and facts from metadata alone; never an error for a bad number. */
export function validatePhone(input: ValidateInput): ValidateOutput {
  const { number, valid, error } = readPhone(input.phone, input.country);
  return {
    phone: input.phone,
    validation: {
      valid,
      possible: number?.isPossible() ?? false,
      formatted_e164: number?.number ?? null,
      formatted_national: number?.formatNational() ?? null,
      formatted_international: number?.formatInternational() ?? null,
      country_code: number?.countryCallingCode ?? null,
      country: number?.country ?? null,
      type: number && valid ? metadataType(number) : 'unknown',
      validation_error: error,
    },
  };
}
