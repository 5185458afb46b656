import type { Clock } from '../clock/index.js';
import type { Store } from './port.js';

export type InstanceCacheOptions = {
  store: Store;
  clock: Clock;
  /** The store channel on which instances tell each other which key changed. */
  channel: string;
  /**
   * How long a read value is kept. Changes through `invalidate` and reconnects are handled by
   * messages; the TTL bounds only what neither covers (a value written to the store by hand).
   */
  ttlMs: number;
};

/**
 * Values read from the store, kept in this server instance for a short TTL so that hot reads (a
 * site's settings and rules, read by every request) cost no round trip. A change goes through
 * `invalidate`, which drops the key here and publishes it on the store's channel: every instance
 * drops it as the message arrives, and reads it afresh from the store on its next request.
 */
export class InstanceCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; until: number }>();

  constructor(private readonly options: InstanceCacheOptions) {}

  /**
   * Hears the changes every instance publishes, and forgets everything when the subscription was
   * lost for a while (a change may have gone unheard); resolves once the store confirmed it.
   */
  listen(): Promise<void> {
    return this.options.store.subscribe(
      this.options.channel,
      (key) => this.entries.delete(key),
      () => this.entries.clear(),
    );
  }

  /** The cached value, else `load()`'s, shared by the requests that ask meanwhile. Failures are not kept. */
  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.options.clock.now();
    const cached = this.entries.get(key);
    if (cached && cached.until > now) return cached.value;
    const entry = { value: load(), until: now + this.options.ttlMs };
    this.entries.set(key, entry);
    // An invalidation while the read is in flight removes the entry, so a value read before the
    // change is never kept after it.
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  /** Call after the store holds the new value: every instance, this one first, drops the old one. */
  async invalidate(key: string): Promise<void> {
    this.entries.delete(key);
    await this.options.store.publish(this.options.channel, key);
  }
}
