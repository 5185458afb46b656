import { z } from 'zod';
import { Channel } from './verification.js';

/** An operator network written MCC+MNC as one digit string, as everywhere in the API (`"23415"`). */
export const Network = z.string().regex(/^\d{5,6}$/, 'MCC+MNC as 5 or 6 digits, e.g. "23415"');
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

const CountryList = z.array(z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code in capitals')).max(250);

/** Twilio-style geo permission for one channel; `allowed_countries` null/absent = the site's `allowed_countries`. */
export const ChannelGeoPermission = z.strictObject({
  allowed_countries: CountryList.nullable().optional(),
  blocked_countries: CountryList.optional(),
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

/** The reason a send to a blocked network carries, word for word as Vonage writes it. */
export function networkBlockedReason(network: string): string {
  return `Fraudulent traffic detected for your account on network [ ${network} ].`;
}
