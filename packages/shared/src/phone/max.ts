import type { MetadataJson } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/metadata.max.json';
import { formatPhone, normalizePhone, type PhoneResult, parsePhone } from './normalize.js';

/**
 * Phone helpers bound to libphonenumber's full ("max") metadata, which knows line types.
 * Imported from `@proofline/shared/phone` so that the widget, which loads metadata per country,
 * never bundles it by accident.
 */
const max = metadata as unknown as MetadataJson;

export const phone = {
  parse: (input: string, defaultCountry?: string): PhoneResult => parsePhone(input, defaultCountry, max),
  normalize: (input: string, defaultCountry?: string): string => normalizePhone(input, defaultCountry, max),
  format: formatPhone,
  metadata: max,
};

export { maskPhone, maskPhonesIn } from './mask.js';
export { type PhoneErrorReason, type PhoneFormats, PhoneParseError, type PhoneResult } from './normalize.js';
