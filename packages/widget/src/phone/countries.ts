import { callingCodeTable } from 'virtual:proofline/calling-codes';

/** Calling code → its countries (main country first), parsed once from the compact build-time table. */
const countriesByCallingCode: ReadonlyMap<string, readonly string[]> = new Map(
  callingCodeTable.split(',').map((entry) => {
    const code = /^\d+/.exec(entry)![0];
    return [code, entry.slice(code.length).match(/[A-Z]{2}/g) ?? []] as const;
  }),
);

const callingCodeByCountry = new Map<string, string>();
for (const [code, countries] of countriesByCallingCode) {
  for (const country of countries) callingCodeByCountry.set(country, code);
}

export function callingCodeOf(country: string): string | undefined {
  return callingCodeByCountry.get(country);
}

/** What the phone engine needs of the table; passed in so the engine chunk does not import it. */
export interface CallingCodes {
  byCode: ReadonlyMap<string, readonly string[]>;
  codeOf(country: string): string | undefined;
  codeAtStart(digits: string): string | undefined;
}

export function isKnownCountry(country: string): boolean {
  return callingCodeByCountry.has(country);
}

/** The calling code a string of international digits starts with (codes are prefix-free, 1–3 digits). */
function callingCodeAtStart(digits: string): string | undefined {
  for (let length = 1; length <= 3; length++) {
    const code = digits.slice(0, length);
    if (countriesByCallingCode.has(code)) return code;
  }
  return undefined;
}

/** The region of the first language tag that has one, guessing the likely one (`fr` → FR). */
export function regionOfLanguages(tags: readonly string[]): string | undefined {
  for (const tag of tags) {
    try {
      const region = new Intl.Locale(tag).maximize().region;
      if (region && isKnownCountry(region)) return region;
    } catch {
      // A malformed tag says nothing about the region; the next one may.
    }
  }
  return undefined;
}

export interface CountryOption {
  country: string;
  callingCode: string;
  name: string;
}

/**
 * The selector's options: only `allowed` countries (all when null), named in the widget's
 * language and sorted by that name, with `preferred` ones first in the order given.
 */
export function countryOptions(
  allowed: readonly string[] | null,
  preferred: readonly string[],
  language: string,
): CountryOption[] {
  const names = new Intl.DisplayNames([language], { type: 'region', fallback: 'code' });
  const codes = allowed ? allowed.filter(isKnownCountry) : [...callingCodeByCountry.keys()];
  const options = codes.map((country) => ({
    country,
    callingCode: callingCodeByCountry.get(country)!,
    name: names.of(country) ?? country,
  }));
  const collator = new Intl.Collator(language);
  options.sort((a, b) => collator.compare(a.name, b.name));
  const first = preferred.flatMap((country) => options.filter((option) => option.country === country));
  return [...first, ...options.filter((option) => !preferred.includes(option.country))];
}

export function countryName(country: string, language: string): string {
  return new Intl.DisplayNames([language], { type: 'region', fallback: 'code' }).of(country) ?? country;
}

export const callingCodes: CallingCodes = {
  byCode: countriesByCallingCode,
  codeOf: callingCodeOf,
  codeAtStart: callingCodeAtStart,
};
