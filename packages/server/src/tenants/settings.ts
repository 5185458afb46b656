import { randomBytes } from 'node:crypto';
import { defaultSettings, type Settings, type SettingsPatch } from '@proofline/shared';
import type { Clock } from '../clock/index.js';
import { InstanceCache, type Store } from '../store/index.js';
import type { Site } from './site.js';

const settingsKey = (siteKey: string) => `site:{${siteKey}}:settings`;

/** The stored overrides on top of the defaults; bookkeeping fields (the previous secret) stay inside. */
function withDefaults(site: Site, stored: string | null): Settings {
  const base = defaultSettings(site.brand, site.allowedOrigins);
  if (stored === null) return base;
  const { previous_webhook_secret: _previous, ...overrides } = JSON.parse(stored) as Partial<Settings> & {
    previous_webhook_secret?: unknown;
  };
  return { ...base, ...overrides };
}

function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * A site's settings: the defaults, overridden by what the site stored. Given a cache, a server
 * keeps what it read for the cache's short TTL and every change here drops it on every instance
 * (`InstanceCache`), so a change takes effect at once everywhere while reads cost no round trip.
 */
export class SettingsRepository {
  private readonly cache: InstanceCache<string | null> | null;

  constructor(
    private readonly store: Store,
    cache?: { clock: Clock; ttlMs: number },
  ) {
    this.cache = cache ? new InstanceCache({ store, channel: 'site:settings-changed', ...cache }) : null;
  }

  /** Hears the changes other instances make (with a cache); resolves once subscribed. */
  async listen(): Promise<void> {
    await this.cache?.listen();
  }

  async get(site: Site): Promise<Settings> {
    const key = settingsKey(site.siteKey);
    const stored = this.cache
      ? await this.cache.get(key, () => this.store.get(key))
      : await this.store.get(key);
    return withDefaults(site, stored);
  }

  /** Writes the settings if they are still `expected`, and drops them from every instance's cache. */
  private async replace(key: string, expected: string | null, next: string): Promise<boolean> {
    if (!(await this.store.compareAndSet(key, expected, next))) return false;
    await this.cache?.invalidate(key);
    return true;
  }

  /** Merges the given keys; setting a webhook URL creates the signing secret if there is none. */
  async update(site: Site, patch: SettingsPatch): Promise<Settings> {
    for (;;) {
      const key = settingsKey(site.siteKey);
      const stored = await this.store.get(key);
      const current: Partial<Settings> = stored === null ? {} : JSON.parse(stored);
      const next: Partial<Settings> = { ...current, ...patch };
      if (patch.webhook_url && !current.webhook_secret) next.webhook_secret = newWebhookSecret();
      // Saving the URL again is how a site says its endpoint is back after a 410.
      if (patch.webhook_url !== undefined) delete next.webhook_status;
      const serialized = JSON.stringify(next);
      if (await this.replace(key, stored, serialized)) return withDefaults(site, serialized);
    }
  }

  /** The endpoint answered 410 Gone: no more deliveries to `url` until the site saves its URL again. */
  async disableWebhook(site: Site, url: string): Promise<void> {
    for (;;) {
      const key = settingsKey(site.siteKey);
      const stored = await this.store.get(key);
      const current: Partial<Settings> = stored === null ? {} : JSON.parse(stored);
      if (current.webhook_url !== url || current.webhook_status === 'disabled') return;
      const serialized = JSON.stringify({ ...current, webhook_status: 'disabled' });
      if (await this.replace(key, stored, serialized)) return;
    }
  }

  /** Replaces the signing secret; the previous one keeps signing for 24 h (Standard Webhooks rotation). */
  async rotateWebhookSecret(site: Site, nowMs: number): Promise<Settings> {
    for (;;) {
      const key = settingsKey(site.siteKey);
      const stored = await this.store.get(key);
      const current: Partial<Settings> & { previous_webhook_secret?: { secret: string; until: number } } =
        stored === null ? {} : JSON.parse(stored);
      const next = {
        ...current,
        webhook_secret: newWebhookSecret(),
        ...(current.webhook_secret
          ? { previous_webhook_secret: { secret: current.webhook_secret, until: nowMs + 24 * 3_600_000 } }
          : {}),
      };
      const serialized = JSON.stringify(next);
      if (await this.replace(key, stored, serialized)) return withDefaults(site, serialized);
    }
  }

  /** The secrets that sign a site's webhooks now: the current one and, for 24 h, the previous one. */
  async signingSecrets(site: Site, nowMs: number): Promise<string[]> {
    const stored = await this.store.get(settingsKey(site.siteKey));
    if (stored === null) return [];
    const current = JSON.parse(stored) as {
      webhook_secret?: string;
      previous_webhook_secret?: { secret: string; until: number };
    };
    const secrets = current.webhook_secret ? [current.webhook_secret] : [];
    if (current.previous_webhook_secret && current.previous_webhook_secret.until > nowMs) {
      secrets.push(current.previous_webhook_secret.secret);
    }
    return secrets;
  }
}
