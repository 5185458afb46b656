import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

/**
 * Splits libphonenumber-js's min metadata at build time so the widget never ships all countries:
 * - `virtual:proofline/calling-codes` (eager): one compact string "1USAG…,44GBGGIMJE,…" that lists
 *   every calling code with its countries (main country first) — enough for the country selector.
 * - `virtual:proofline/metadata` (lazy, with the phone engine): the metadata version and one
 *   `import()` per calling code.
 * - `virtual:proofline/metadata/<code>`: the metadata of the countries sharing that calling code
 *   (they share formats, and +1/+44 numbers are told apart only with all of them), one chunk each.
 */

interface MinMetadata {
  version: number;
  country_calling_codes: Record<string, string[]>;
  countries: Record<string, unknown>;
  nonGeographic?: Record<string, unknown>;
}

const PREFIX = 'virtual:proofline/';
const CALLING_CODES = `${PREFIX}calling-codes`;
const METADATA = `${PREFIX}metadata`;
const GROUP = `${PREFIX}metadata/`;

const require = createRequire(import.meta.url);

function readMetadata(): MinMetadata {
  return JSON.parse(readFileSync(require.resolve('libphonenumber-js/metadata.min.json'), 'utf8'));
}

/**
 * The version of libphonenumber-js, which names the metadata chunks instead of a content hash:
 * the engine chunk lists all 200+ of them, and hashes would not compress.
 */
export const metadataRelease: string = JSON.parse(
  readFileSync(require.resolve('libphonenumber-js/package.json'), 'utf8'),
).version;

export function phoneMetadata(): Plugin {
  const metadata = readMetadata();
  const codes = Object.entries(metadata.country_calling_codes);

  const group = (code: string): string => {
    const countries = Object.fromEntries(
      (metadata.country_calling_codes[code] ?? []).map((country) => [country, metadata.countries[country]]),
    );
    const nonGeographic = metadata.nonGeographic?.[code];
    return `export default ${JSON.stringify({ countries, nonGeographic: nonGeographic ? { [code]: nonGeographic } : {} })};`;
  };

  return {
    name: 'proofline-phone-metadata',
    resolveId(id) {
      return id.startsWith(PREFIX) ? `\0${id}` : undefined;
    },
    load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return undefined;
      const name = id.slice(1);
      if (name === CALLING_CODES) {
        const table = codes.map(([code, countries]) => code + countries.join('')).join(',');
        return `export const callingCodeTable = ${JSON.stringify(table)};`;
      }
      if (name === METADATA) {
        const loaders = codes.map(
          ([code]) => `${JSON.stringify(code)}:()=>import(${JSON.stringify(GROUP + code)})`,
        );
        return `export const version = ${metadata.version};\nexport const groups = {${loaders.join(',')}};`;
      }
      if (name.startsWith(GROUP)) return group(name.slice(GROUP.length));
      return undefined;
    },
  };
}

/** The chunk name of a metadata group module, or undefined for any other module. */
export function metadataGroupOf(moduleId: string | null | undefined): string | undefined {
  const marker = `\0${GROUP}`;
  return moduleId?.startsWith(marker) ? moduleId.slice(marker.length) : undefined;
}
