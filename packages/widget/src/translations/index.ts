import en from './en.js';
import { type Locale, locales, type Translation } from './translation.js';

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
