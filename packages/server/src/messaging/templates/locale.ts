import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import type { MessageLocale, MessageTerms } from './terms.js';

export const messageTerms: Record<MessageLocale, MessageTerms> = { en, es, fr, de };

/** Countries whose main language we ship, by ISO 3166 alpha-2. Multilingual ones follow the majority. */
const countriesByLanguage: Record<Exclude<MessageLocale, 'en'>, string> = {
  es: 'ES MX AR CO CL PE VE EC GT CU BO DO HN PY SV NI CR PA UY PR GQ',
  fr: 'FR BE LU MC SN CI CM ML BF NE TG BJ GA CG CD GN MG HT RE GP MQ GF YT PF NC PM BL MF WF',
  de: 'DE AT CH LI',
};

const languageByCountry = new Map<string, MessageLocale>(
  Object.entries(countriesByLanguage).flatMap(([language, countries]) =>
    countries.split(' ').map((country) => [country, language as MessageLocale] as const),
  ),
);

function isMessageLocale(value: string): value is MessageLocale {
  return value in messageTerms;
}

/**
 * The language of a message: the one asked for when we ship it (`es-MX` → `es`), else the main
 * language of the number's country, else English.
 */
export function chooseLocale(requested?: string | null, country?: string | null): MessageLocale {
  const language = requested?.split(/[-_]/)[0]?.toLowerCase();
  if (language && isMessageLocale(language)) return language;
  return languageByCountry.get(country?.toUpperCase() ?? '') ?? 'en';
}

/** The text-to-speech language a voice call reads a message in, from the message's locale. */
export function voiceLanguage(locale?: string): string {
  return messageTerms[chooseLocale(locale)].$voiceLanguage;
}
