import { groups, version } from 'virtual:proofline/metadata';
import { AsYouType, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';
import type { CallingCodes } from './countries.js';

/**
 * The phone engine: libphonenumber-js's `AsYouType` (which also yields the parsed number, so the
 * separate parser is not bundled) plus the metadata loaded so far. It is its own chunk, imported
 * right after the first render; each calling code's metadata loads on demand into one object.
 */

type PhoneProblem = 'required' | 'too_short' | 'too_long' | 'invalid';

type PhoneCheck =
  | { ok: true; e164: string; country: string | undefined; national: string; international: string }
  | { ok: false; problem: PhoneProblem };

interface Typed {
  /** The text to show: formatted when the metadata is there, else as typed. */
  text: string;
  /** The country the number belongs to, when the text is international and tells it. */
  country?: string;
  /** False while the metadata the text needs is not loaded yet (see `loadFor`); true when none is needed. */
  ready: boolean;
}

export interface PhoneEngine {
  loadCountry(country: string): Promise<void>;
  /** Loads whatever metadata the text needs: the calling code it starts with, or the country's. */
  loadFor(text: string, country: string): Promise<void>;
  /** As-you-type formatting; `00` international input is shown as `+`. */
  format(text: string, country: string): Typed;
  /** Checks a complete number; load its metadata first with `loadFor`. */
  check(text: string, country: string): PhoneCheck;
}

/** Digits typed in international form: `+44…` or `0044…` (the international prefix most countries use). */
function internationalDigits(text: string): string | undefined {
  const compact = text.trim().replace(/[\s().-]/g, '');
  if (compact.startsWith('+')) return compact.replace(/\D/g, '');
  if (/^00[1-9]/.test(compact)) return compact.replace(/\D/g, '').slice(2);
  return undefined;
}

export function createEngine(codes: CallingCodes): PhoneEngine {
  const countries: Record<string, unknown[]> = {};
  const metadata = {
    version,
    country_calling_codes: Object.fromEntries([...codes.byCode].map(([code, list]) => [code, [...list]])),
    countries,
    nonGeographic: {} as Record<string, unknown>,
  };
  const metadataJson = metadata as unknown as MetadataJson;
  const loading = new Map<string, Promise<void>>();
  const loaded = new Set<string>();

  const loadCallingCode = (code: string | undefined): Promise<void> => {
    const load = code ? groups[code] : undefined;
    if (!code || !load) return Promise.resolve();
    let pending = loading.get(code);
    if (!pending) {
      pending = load().then(({ default: group }) => {
        Object.assign(countries, group.countries);
        Object.assign(metadata.nonGeographic, group.nonGeographic);
        loaded.add(code);
      });
      pending.catch(() => loading.delete(code));
      loading.set(code, pending);
    }
    return pending;
  };

  const codeFor = (text: string, country: string): string | undefined => {
    const digits = internationalDigits(text);
    return digits === undefined ? codes.codeOf(country) : codes.codeAtStart(digits);
  };

  const typer = (
    text: string,
    country: string,
  ): { typer: AsYouType; main: string; code: string; formatted: string } | undefined => {
    const code = codeFor(text, country) ?? '';
    const main = codes.byCode.get(code)?.[0];
    if (!main || !(main in countries)) return undefined;
    const digits = internationalDigits(text);
    const typer =
      digits === undefined
        ? new AsYouType(country as CountryCode, metadataJson)
        : new AsYouType(undefined, metadataJson);
    return { typer, main, code, formatted: typer.input(digits === undefined ? text : `+${digits}`) };
  };

  return {
    loadCountry: (country) => loadCallingCode(codes.codeOf(country)),
    loadFor: (text, country) => loadCallingCode(codeFor(text, country)),
    format(text, country) {
      const typed = typer(text, country);
      if (!typed) {
        // Nothing to wait for when no metadata chunk exists for the text (`+`, `+0`, an unknown code).
        const code = codeFor(text, country);
        return { text, ready: !(code && groups[code] && !loaded.has(code)) };
      }
      return {
        ready: true,
        text: typed.formatted,
        // `+44…` before the number tells GB from JE: the code's main country, unless the selected one shares it.
        country:
          internationalDigits(text) === undefined
            ? undefined
            : (typed.typer.getCountry() ?? (codes.codeOf(country) === typed.code ? undefined : typed.main)),
      };
    },
    check(text, country) {
      if (!/\d/.test(text)) return { ok: false, problem: 'required' };
      const phone = typer(text, country)?.typer.getNumber();
      if (!phone) return { ok: false, problem: text.replace(/\D/g, '').length < 6 ? 'too_short' : 'invalid' };
      // Possible lengths are the fourth field of a country's min metadata.
      const lengths = countries[phone.country ?? codes.byCode.get(phone.countryCallingCode)?.[0] ?? '']?.[3];
      const length = phone.nationalNumber.length;
      if (Array.isArray(lengths) && length < Math.min(...lengths)) return { ok: false, problem: 'too_short' };
      if (Array.isArray(lengths) && length > Math.max(...lengths)) return { ok: false, problem: 'too_long' };
      if (!phone.isValid()) return { ok: false, problem: 'invalid' };
      return {
        ok: true,
        e164: phone.number,
        country: phone.country,
        national: phone.formatNational(),
        international: phone.formatInternational(),
      };
    },
  };
}
