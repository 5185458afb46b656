import type { MetadataJson, PhoneNumber } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/metadata.max.json';
import { remembered } from '../remembered.js';
import { formatPhone, normalizePhone, type PhoneResult, parsePhone } from './normalize.js';

/**
 * Phone helpers bound to libphonenumber's full ("max") metadata, which knows line types.
 * Imported from `@proofline/shared/phone` so that the widget, which loads metadata per country,
 * never bundles it by accident.
 */
const max = metadata as unknown as MetadataJson;

/**
 * Every numbering plan of the full metadata knows its line types, and there libphonenumber's
 * `isValid()` is `getType() !== undefined`: the number is typed once, for both questions.
 */
function validByType(number: PhoneNumber): boolean {
  const type = number.getType();
  number.getType = () => type;
  return type !== undefined;
}

/**
 * A server parses one number several times per request (the flow, the lookup, the fraud gate),
 * and typing it (`getType`, a match against every range pattern) is the costly part: the latest
 * 1,000 answers are kept, each number typed at most once. Parsing is pure, so sharing is safe.
 * Keyed `country|input`: a country code holds no `|`, so the first one splits the key again.
 */
const parseRemembered = remembered((key): PhoneResult => {
  const bar = key.indexOf('|');
  return parsePhone(key.slice(bar + 1), key.slice(0, bar) || undefined, max, validByType);
}, 1_000);

export const phone = {
  parse: (input: string, defaultCountry?: string): PhoneResult =>
    parseRemembered(`${defaultCountry ?? ''}|${input}`),
  normalize: (input: string, defaultCountry?: string): string => normalizePhone(input, defaultCountry, max),
  format: formatPhone,
  metadata: max,
};

export { maskPhone, maskPhonesIn } from './mask.js';
export { type PhoneErrorReason, type PhoneFormats, PhoneParseError, type PhoneResult } from './normalize.js';
