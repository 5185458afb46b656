import { kycMatchScore, normalizeKycText } from '../kyc.js';
import { type KycMatchField, kycMatchFields, scoredKycMatchFields } from '../port.js';
import type { KycRecord } from './subscriber.js';

/** Fields compared as codes or dates: exact after trimming and case folding, never scored. */
const exactFields = new Set<KycMatchField>([
  'idDocumentType',
  'idDocumentExpiryDate',
  'birthdate',
  'gender',
  'country',
  'countryOfBirth',
  'nationality',
  'postalCode',
]);
const scored = new Set<KycMatchField>(scoredKycMatchFields);

export const snakeCase = (field: string): string =>
  field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/**
 * The KYC Match v0.4 answer: only the fields asked about, each `'true' | 'false' | 'not_available'`,
 * with a `…MatchScore` (0–99) only beside a `'false'` of a field CAMARA scores.
 */
export function matchKyc(
  claims: Partial<Record<KycMatchField, string>>,
  record: KycRecord,
): Record<string, string | number> {
  const answer: Record<string, string | number> = {};
  for (const field of kycMatchFields) {
    const claim = claims[field];
    if (claim === undefined) continue;
    const stored = (record as Record<string, string | undefined>)[snakeCase(field)];
    if (stored === undefined) {
      answer[`${field}Match`] = 'not_available';
      continue;
    }
    const equal = exactFields.has(field)
      ? claim.trim().toLowerCase() === stored.trim().toLowerCase()
      : normalizeKycText(claim) === normalizeKycText(stored);
    answer[`${field}Match`] = equal ? 'true' : 'false';
    if (!equal && scored.has(field)) answer[`${field}MatchScore`] = kycMatchScore(claim, stored);
  }
  return answer;
}
