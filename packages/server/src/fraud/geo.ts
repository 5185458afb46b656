import {
  type Channel,
  type GeoPermissions,
  HIGH_RISK_CALLING_CODES,
  HIGH_RISK_COUNTRIES,
  type Settings,
} from '@proofline/shared';
import { ProoflineError } from '../errors.js';
import type { Store } from '../store/index.js';
import { fraudKeys } from './keys.js';

/** Per-site, per-channel country permissions (Twilio's Geo Permissions), kept in the store. */
export class GeoPermissionsRepository {
  constructor(private readonly store: Store) {}

  async get(siteKey: string): Promise<GeoPermissions> {
    return parseGeo(await this.store.get(fraudKeys.geo(siteKey)));
  }

  /** Replaces the channels named in `patch`, keeps the others. */
  async update(siteKey: string, patch: GeoPermissions): Promise<GeoPermissions> {
    const key = fraudKeys.geo(siteKey);
    for (;;) {
      const stored = await this.store.get(key);
      const next = { ...(stored === null ? {} : (JSON.parse(stored) as GeoPermissions)), ...patch };
      if (await this.store.compareAndSet(key, stored, JSON.stringify(next))) return next;
    }
  }
}

export function parseGeo(stored: string | null): GeoPermissions {
  return stored === null ? {} : (JSON.parse(stored) as GeoPermissions);
}

/**
 * The refusal (`country_not_allowed`) of a country the channel may not reach, else null: blocked
 * for the channel, or outside the channel's allow-list, which defaults to the site's
 * `allowed_countries` (null = every country). Answered, not thrown, so a caller decides before acting.
 */
export function countryRefusal(
  permissions: GeoPermissions,
  send: {
    settings: Pick<Settings, 'allowed_countries'>;
    channel: Channel;
    phone: string;
    country: string | null | undefined;
  },
): ProoflineError | null {
  const { country, channel } = send;
  const rule = permissions[channel];
  const allowed = rule?.allowed_countries ?? send.settings.allowed_countries;
  const refused =
    (country != null && rule?.blocked_countries?.includes(country)) ||
    (allowed !== null && (country == null || !allowed.includes(country)));
  if (refused) return new ProoflineError('country_not_allowed');
  if (billedByNetwork(channel) && isHighRisk(send) && rule?.allow_high_risk !== true) {
    const listed = country != null && rule?.allowed_countries?.includes(country) === true;
    if (!listed) return new ProoflineError('country_not_allowed');
  }
  return null;
}

/** SMS and voice are billed per message to the destination network: the channels toll fraud abuses. */
export function billedByNetwork(channel: Channel): boolean {
  return channel === 'sms' || channel === 'voice';
}

function isHighRisk({ phone, country }: { phone: string; country: string | null | undefined }): boolean {
  if (HIGH_RISK_CALLING_CODES.some((code) => phone.startsWith(code))) return true;
  return country != null && (HIGH_RISK_COUNTRIES as readonly string[]).includes(country);
}
