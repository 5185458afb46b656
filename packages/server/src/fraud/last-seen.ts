import { LRUCache } from 'lru-cache';

/**
 * The values this instance last read for some store keys (a site's geo permissions, the block
 * records of prefixes and networks), absent ones included as null. They are only a guess to decide
 * on: the store takes the send's limits only if it still holds them (`consumeLimits` with
 * `expected`), so a stale guess costs a second round trip, never a wrong decision. Only keys that
 * held something are kept, so most keys (no block, no geo rule) take no room.
 */
export class LastSeenValues {
  private readonly values = new LRUCache<string, string>({ max: 10_000 });

  recall(keys: readonly string[]): (string | null)[] {
    return keys.map((key) => this.values.get(key) ?? null);
  }

  /** Keeps what was found for `keys` (in order) and answers it. */
  remember(keys: readonly string[], found: readonly (string | null)[]): (string | null)[] {
    keys.forEach((key, index) => {
      const value = found[index] ?? null;
      if (value === null) this.values.delete(key);
      else this.values.set(key, value);
    });
    return [...found];
  }
}
