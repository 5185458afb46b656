import en from './en.js';
import { type ErrorTexts, type ErrorValues, type Locale, locales, type Translation } from './translation.js';

export type { Locale, Translation };
export { en };

/** English ships in the first chunk; the others load on demand, each as its own small chunk. */
const loaders: Record<Exclude<Locale, 'en'>, () => Promise<{ default: Translation }>> = {
  es: () => import('./es.js'),
  fr: () => import('./fr.js'),
  de: () => import('./de.js'),
};

/** The first supported language among the requested tags (`fr-CA` → `fr`), else English. */
export function resolveLocale(requested: string | undefined, preferred: readonly string[]): Locale {
  const tags = requested && requested !== 'auto' ? [requested] : preferred;
  for (const tag of tags) {
    const language = tag.toLowerCase().split('-')[0] as Locale;
    if (locales.includes(language)) return language;
  }
  return 'en';
}

export async function loadTranslation(locale: Locale): Promise<Translation> {
  return locale === 'en' ? en : (await loaders[locale]()).default;
}

/** Codes that say what another code says. */
const sameText: Record<string, keyof ErrorTexts> = {
  invalid: 'invalid_phone',
  canceled: 'failed',
  verification_closed: 'failed',
  channel_not_allowed: 'origin_not_allowed',
};

/** The text of an error code in `term`'s language; a code it does not know reads as `unavailable`. */
export function errorText(term: Translation, code: string, values: ErrorValues): string {
  const text = term.errors[sameText[code] ?? (code as keyof ErrorTexts)] ?? term.errors.unavailable;
  return typeof text === 'function' ? text(values) : text;
}
