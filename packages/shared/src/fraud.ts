import { z } from 'zod';
import { Channel, CountryCode } from './verification.js';

/**
 * What a block stops: an operator network written MCC+MNC as one digit string, as everywhere in the
 * API (`"23415"`), or for a number-range block the range's E.164 prefix (`"+44740091"`).
 */
export const Network = z
  .string()
  .regex(
    /^(\d{5,6}|\+\d{4,14})$/,
    'MCC+MNC as 5 or 6 digits (e.g. "23415"), or a number prefix such as "+44740091"',
  );
export type Network = z.infer<typeof Network>;

/** One earlier period of a block: escalation reads these to pick the next, longer one. */
export const NetworkBlockPeriod = z.object({
  level: z.number().int().min(1),
  blocked_at: z.string(),
  blocked_until: z.string().nullable(),
  reason: z.string(),
});
export type NetworkBlockPeriod = z.infer<typeof NetworkBlockPeriod>;

/** A network block in force for a site; `blocked_until: null` is permanent. */
export const NetworkBlock = z.object({
  network: Network,
  /** `prefix` when `network` is a number prefix blocked on its own (pumping is judged per prefix first). */
  scope: z.enum(['network', 'prefix']),
  operator_name: z.string().nullable(),
  /** Counts the escalations, from 1. */
  level: z.number().int().min(1),
  blocked_at: z.string(),
  blocked_until: z.string().nullable(),
  reason: z.string(),
  /** Traffic flows again until then (set by `POST /v1/networks/unblock`). */
  unblocked_until: z.string().nullable(),
  /** Earlier periods, oldest first (an addition to docs/design.md's shape). */
  history: z.array(NetworkBlockPeriod),
});
export type NetworkBlock = z.infer<typeof NetworkBlock>;

export const NetworkBlocksOutput = z.object({ blocks: z.array(NetworkBlock) });
export type NetworkBlocksOutput = z.infer<typeof NetworkBlocksOutput>;

export const MAX_UNBLOCK_SECONDS = 86_400;
export const DEFAULT_UNBLOCK_SECONDS = 3_600;

/** Vonage's network-unblock body: `unblock_duration` in seconds, a number or a numeric string. */
export const UnblockNetworkInput = z.strictObject({
  network: Network,
  unblock_duration: z
    .union([z.number(), z.string().regex(/^\s*\d+\s*$/, 'a whole number of seconds')])
    .pipe(z.coerce.number<string | number>().int().min(1).max(MAX_UNBLOCK_SECONDS))
    .default(DEFAULT_UNBLOCK_SECONDS),
});
export type UnblockNetworkInput = z.infer<typeof UnblockNetworkInput>;

export const UnblockNetworkOutput = z.object({ network: Network, unblocked_until: z.string() });
export type UnblockNetworkOutput = z.infer<typeof UnblockNetworkOutput>;

const CountryList = z.array(CountryCode).max(250);

/** Twilio-style geo permission for one channel; `allowed_countries` null/absent = the site's `allowed_countries`. */
export const ChannelGeoPermission = z.strictObject({
  allowed_countries: CountryList.nullable().optional(),
  blocked_countries: CountryList.optional(),
  /**
   * SMS and voice to high-risk destinations (international networks +870/+881/+882/+883 and the
   * countries of `HIGH_RISK_COUNTRIES`) are refused unless this is true, or the country is listed
   * in `allowed_countries` of the channel.
   */
  allow_high_risk: z.boolean().optional(),
});
export type ChannelGeoPermission = z.infer<typeof ChannelGeoPermission>;

/** Geo permissions per channel; a PUT replaces the channels it names and keeps the others. */
export const GeoPermissions = z.partialRecord(Channel, ChannelGeoPermission);
export type GeoPermissions = z.infer<typeof GeoPermissions>;

export const GeoPermissionsOutput = z.object({ geo_permissions: GeoPermissions });
export type GeoPermissionsOutput = z.infer<typeof GeoPermissionsOutput>;

/** One send made with `fraud_check: false`: who, when, to which (masked) number, and what it skipped. */
export const FraudCheckBypassRecord = z.object({
  id: z.string(),
  site_key: z.string(),
  at: z.string(),
  phone: z.string(),
  verification_id: z.string(),
  channel: Channel,
  network: z.string().nullable(),
  reason: z.string(),
});
export type FraudCheckBypassRecord = z.infer<typeof FraudCheckBypassRecord>;

export const FraudCheckBypassQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type FraudCheckBypassQuery = z.infer<typeof FraudCheckBypassQuery>;

export const FraudCheckBypassOutput = z.object({ records: z.array(FraudCheckBypassRecord) });
export type FraudCheckBypassOutput = z.infer<typeof FraudCheckBypassOutput>;

/** The reason a send to a blocked network carries, word for word as Vonage writes it (a prefix: its own words). */
export function networkBlockedReason(network: string): string {
  if (network.startsWith('+'))
    return `Fraudulent traffic detected for your account on number range [ ${network} ].`;
  return `Fraudulent traffic detected for your account on network [ ${network} ].`;
}

/**
 * Destinations with known international revenue-share (toll) fraud exposure, refused for SMS and
 * voice until a site enables them: small networks with high termination rates that pumping
 * schemes favour. Documented in docs/security.md.
 */
export const HIGH_RISK_COUNTRIES = [
  'CK',
  'CU',
  'ER',
  'GN',
  'GW',
  'KI',
  'KM',
  'LR',
  'NR',
  'NU',
  'PG',
  'SB',
  'SL',
  'SO',
  'ST',
  'TK',
  'TV',
  'VU',
] as const;

/** Calling codes of international networks (Inmarsat, satellite and global services): no country. */
export const HIGH_RISK_CALLING_CODES = ['+870', '+881', '+882', '+883'] as const;
