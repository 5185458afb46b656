import { describe, expect, it } from 'vitest';
import { decideKyc, jaroWinkler, kycMatchScore, normalizeKycText } from '../../src/operator/kyc.js';
import type { KycMatchOutcome } from '../../src/operator/port.js';
import { matchKyc } from '../../src/operator/sandbox/kyc-match.js';

describe('KYC normalization: what an operator ignores', () => {
  it.each([
    ['José', 'jose'],
    ['  GARCÍA   MÁRQUEZ ', 'garcia marquez'],
    ['Zoë\tBrontë', 'zoe bronte'],
    ['François-Xavier', 'francois-xavier'],
    ['ÅSA ØRN', 'asa ørn'],
    ['Ｆｅｄｅｒｉｃａ', 'federica'],
    ['Straße 5', 'straße 5'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeKycText(input)).toBe(expected);
  });
});

describe('Jaro-Winkler scores', () => {
  it.each([
    ['martha', 'marhta', 0.961],
    ['dixon', 'dicksonx', 0.813],
    ['jellyfish', 'smellyfish', 0.896],
    ['abc', 'abc', 1],
    ['abc', 'xyz', 0],
  ])('%s ~ %s = %d', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 3);
  });

  it('never scores 100 for a mismatch, and ignores case and accents first', () => {
    expect(kycMatchScore('Jose Garcia', 'José García')).toBe(99);
    expect(kycMatchScore('Jon', 'John')).toBeGreaterThanOrEqual(80);
    expect(kycMatchScore('Alice', 'Zebedee')).toBeLessThan(50);
  });
});

describe('sandbox KYC match answers', () => {
  const record = {
    given_name: 'José',
    family_name: 'García',
    birthdate: '1990-07-15',
    gender: 'MALE' as const,
  };
  it.each<[Record<string, string>, Record<string, string | number>]>([
    [{ givenName: 'JOSE' }, { givenNameMatch: 'true' }],
    [{ givenName: 'Josef' }, { givenNameMatch: 'false', givenNameMatchScore: 96 }],
    [{ birthdate: '1990-07-16' }, { birthdateMatch: 'false' }],
    [{ gender: 'male' }, { genderMatch: 'true' }],
    [{ email: 'a@b.c' }, { emailMatch: 'not_available' }],
    [
      { familyName: 'garcia', address: 'x' },
      { familyNameMatch: 'true', addressMatch: 'not_available' },
    ],
  ])('%j → %j', (claims, expected) => {
    expect(matchKyc(claims, record)).toEqual(expected);
  });
});

describe('KYC decision policy', () => {
  const t = { match: 'true' } as const;
  const na = { match: 'not_available' } as const;
  const f = (score?: number) =>
    score === undefined ? { match: 'false' as const } : { match: 'false' as const, score };

  it.each<[string, KycMatchOutcome, string]>([
    ['all true', { givenName: t, familyName: t }, 'match'],
    ['a false without score', { givenName: t, birthdate: f() }, 'no_match'],
    ['a false below the minimum', { givenName: t, familyName: f(79) }, 'no_match'],
    ['a false at the minimum', { givenName: t, familyName: f(80) }, 'partial'],
    ['not available', { givenName: t, address: na }, 'partial'],
    ['not available and a low score', { address: na, familyName: f(10) }, 'no_match'],
    ['only not available: the operator holds no data', { address: na, givenName: na }, 'not_available'],
  ])('default policy: %s → %s', (_name, outcome, decision) => {
    expect(decideKyc(outcome)).toBe(decision);
  });

  it.each<[string, KycMatchOutcome, number, string]>([
    ['a stricter minimum', { givenName: t, familyName: f(85) }, 90, 'no_match'],
    ['a looser minimum', { givenName: t, familyName: f(60) }, 50, 'partial'],
  ])('min score: %s', (_name, outcome, minScore, decision) => {
    expect(decideKyc(outcome, { minScore })).toBe(decision);
  });

  it.each<[string, KycMatchOutcome, string]>([
    ['required true, another false', { birthdate: t, familyName: t, address: f(5) }, 'partial'],
    ['required close enough', { birthdate: t, familyName: f(90) }, 'partial'],
    ['required not available', { birthdate: na, familyName: t }, 'no_match'],
    ['required not sent', { familyName: t }, 'no_match'],
    ['required all true', { birthdate: t, familyName: t }, 'match'],
    ['nothing known at all', { birthdate: na, familyName: na }, 'not_available'],
  ])('required fields [birthdate, familyName]: %s → %s', (_name, outcome, decision) => {
    expect(decideKyc(outcome, { minScore: 80, requiredFields: ['birthdate', 'familyName'] })).toBe(decision);
  });
});
