import type { KycMatchField, KycMatchOutcome } from './port.js';

/**
 * How an operator compares a KYC claim with its records: case, accents and runs of spaces do not
 * count, so "  José  GARCÍA " matches "jose garcia".
 */
export function normalizeKycText(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Jaro-Winkler similarity 0–1, the algorithm CAMARA KYC Match names for its scores. */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(a.length, b.length) / 2) - 1);
  const aMatched = new Array<boolean>(a.length).fill(false);
  const bMatched = new Array<boolean>(b.length).fill(false);
  let matches = 0;
  for (let i = 0; i < a.length; i++) {
    const from = Math.max(0, i - window);
    const to = Math.min(b.length - 1, i + window);
    for (let j = from; j <= to; j++) {
      if (bMatched[j] || a[i] !== b[j]) continue;
      aMatched[i] = true;
      bMatched[j] = true;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    if (!aMatched[i]) continue;
    while (!bMatched[k]) k++;
    if (a[i] !== b[k]) transpositions++;
    k++;
  }
  const jaro = (matches / a.length + matches / b.length + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

/** A `'false'` result's score: 0–99, never 100, since 100 is `'true'`. */
export function kycMatchScore(claim: string, record: string): number {
  return Math.min(99, Math.floor(jaroWinkler(normalizeKycText(claim), normalizeKycText(record)) * 100));
}

export type KycDecision = 'match' | 'partial' | 'no_match' | 'not_available';

export type KycDecisionPolicy = {
  /** A `'false'` with at least this score is close enough (typos, nicknames). */
  minScore: number;
  /** When set, only these fields decide: each must be `'true'` or close enough, else no_match. */
  requiredFields?: readonly KycMatchField[];
};

const defaultKycPolicy: KycDecisionPolicy = { minScore: 80 };

/**
 * The site's risk matrix over the operator's per-field verdicts.
 * Default: all `'true'` → match; any `'false'` without a score or below `minScore` → no_match;
 * otherwise (some `'not_available'`, or close-enough `'false'`) → partial.
 * With `requiredFields`: a required field that is missing, `'not_available'` or not close enough →
 * no_match; otherwise anything short of all `'true'` → partial.
 * Whatever the policy: when the operator has no data on any field sent → not_available.
 */
export function decideKyc(
  outcome: KycMatchOutcome,
  policy: KycDecisionPolicy = defaultKycPolicy,
): KycDecision {
  const results = Object.entries(outcome).filter((entry) => entry[1] !== undefined);
  const closeEnough = (field: string): boolean => {
    const result = outcome[field as KycMatchField];
    if (result === undefined) return false;
    if (result.match === 'true') return true;
    return result.match === 'false' && result.score !== undefined && result.score >= policy.minScore;
  };
  if (results.length > 0 && results.every(([, result]) => result?.match === 'not_available'))
    return 'not_available';
  const allTrue = results.length > 0 && results.every(([, result]) => result?.match === 'true');
  if (policy.requiredFields !== undefined && policy.requiredFields.length > 0) {
    if (!policy.requiredFields.every(closeEnough)) return 'no_match';
    return allTrue ? 'match' : 'partial';
  }
  if (allTrue) return 'match';
  const anyFailed = results.some(([field, result]) => result?.match === 'false' && !closeEnough(field));
  return anyFailed ? 'no_match' : 'partial';
}
