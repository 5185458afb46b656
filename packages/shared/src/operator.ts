import { z } from 'zod';
import { PortingEvent } from './lookup.js';
import { CountryCode, PhoneInput } from './verification.js';

/**
 * REST shapes of the operator-backed checks for site backends (`/v1/phone/…`), snake_case as in
 * docs/design.md "Operator-backed REST answers". The server turns the operator's CAMARA answers into these.
 */

const CalendarDate = z.iso.date('a date as YYYY-MM-DD');

// ── POST /v1/phone/sim-swap-check ─────────────────────────────────────────────

export const SimSwapCheckInput = z.strictObject({
  phone: PhoneInput,
  country: CountryCode.optional(),
  /** CAMARA's maxAge range; default: the site's `sim_swap_threshold_days` × 24. */
  max_age_hours: z.number().int().min(1).max(2400).optional(),
});
export type SimSwapCheckInput = z.infer<typeof SimSwapCheckInput>;

export const SimSwapCheckOutput = z.object({
  phone: z.string(),
  sim_swap_detected: z.boolean(),
  last_sim_change: z.string().nullable(),
  days_since_change: z.number().int().nullable(),
  max_age_hours: z.number().int(),
  risk_assessment: z.object({ risk_level: z.enum(['low', 'high']), details: z.string() }),
});
export type SimSwapCheckOutput = z.infer<typeof SimSwapCheckOutput>;

// ── POST /v1/phone/number-recycling ───────────────────────────────────────────

export const NumberRecyclingInput = z.strictObject({
  phone: PhoneInput,
  country: CountryCode.optional(),
  specified_date: CalendarDate,
});
export type NumberRecyclingInput = z.infer<typeof NumberRecyclingInput>;

export const NumberRecyclingOutput = z.object({
  phone: z.string(),
  specified_date: z.string(),
  recycled: z.boolean(),
});
export type NumberRecyclingOutput = z.infer<typeof NumberRecyclingOutput>;

// ── POST /v1/phone/kyc-match ──────────────────────────────────────────────────

const KycText = z.string().trim().min(1).max(256);

/** CAMARA KYC Match's kinds of identity document (kyc-match v0.4 `idDocumentType`). */
export const IdDocumentType = z.enum([
  'passport',
  'national_id_card',
  'residence_permit',
  'diplomatic_id',
  'driver_licence',
  'social_security_id',
  'other',
]);

/**
 * The customer attributes a site may send, KYC Match v0.4's fields in snake_case, each with what it
 * accepts: the one list of KYC fields, from which the input, the answer and the operator's camelCase
 * names are derived.
 */
const kycAttributes = {
  id_document: KycText,
  id_document_type: IdDocumentType,
  id_document_expiry_date: CalendarDate,
  name: KycText,
  given_name: KycText,
  family_name: KycText,
  name_kana_hankaku: KycText,
  name_kana_zenkaku: KycText,
  middle_names: KycText,
  family_name_at_birth: KycText,
  address: KycText,
  street_name: KycText,
  street_number: KycText,
  postal_code: KycText,
  region: KycText,
  locality: KycText,
  /** The address's country (not the phone's), as in KYC Match. */
  country: CountryCode,
  house_number_extension: KycText,
  birthdate: CalendarDate,
  email: z.email().max(256),
  gender: z.enum(['MALE', 'FEMALE', 'OTHER']),
  city_of_birth: KycText,
  country_of_birth: CountryCode,
  nationality: CountryCode,
};
export type KycField = keyof typeof kycAttributes;
export const kycFields = Object.keys(kycAttributes) as KycField[];

/** Fields for which the operator may add a similarity score to a `"false"`. */
export const scoredKycFields = [
  'name',
  'given_name',
  'family_name',
  'name_kana_hankaku',
  'name_kana_zenkaku',
  'middle_names',
  'family_name_at_birth',
  'address',
  'street_name',
  'street_number',
  'region',
  'locality',
  'email',
  'city_of_birth',
] as const satisfies readonly KycField[];
export type ScoredKycField = (typeof scoredKycFields)[number];

export const KycMatchInput = z
  .strictObject({ phone: PhoneInput, ...z.object(kycAttributes).partial().shape })
  .refine((input) => kycFields.some((field) => input[field] !== undefined), {
    message: 'send at least one customer attribute besides phone',
  });
export type KycMatchInput = z.infer<typeof KycMatchInput>;

export const KycMatchValue = z.enum(['true', 'false', 'not_available']);
export type KycMatchValue = z.infer<typeof KycMatchValue>;
/** `not_available`: the operator holds no data on any field sent, so nothing could be compared. */
export const KycDecision = z.enum(['match', 'partial', 'no_match', 'not_available']);
export type KycDecision = z.infer<typeof KycDecision>;

/** `<field>_match` for each field sent, `<field>_match_score` (0–99) only beside a `"false"`. */
export const KycMatchOutput = z.object({
  phone: z.string(),
  decision: KycDecision,
  ...Object.fromEntries(kycFields.map((field) => [`${field}_match`, KycMatchValue.optional()])),
  ...Object.fromEntries(
    scoredKycFields.map((field) => [`${field}_match_score`, z.number().int().min(0).max(99).optional()]),
  ),
}) as unknown as z.ZodType<KycMatchOutput>;
export type KycMatchOutput = { phone: string; decision: KycDecision } & Partial<
  Record<`${KycField}_match`, KycMatchValue> & Record<`${ScoredKycField}_match_score`, number>
>;

// ── POST /v1/phone/roaming ────────────────────────────────────────────────────

export const RoamingInput = z.strictObject({ phone: PhoneInput, country: CountryCode.optional() });
export type RoamingInput = z.infer<typeof RoamingInput>;

export const RoamingOutput = z.object({
  phone: z.string(),
  roaming: z.boolean(),
  /** The visited network's MCC. */
  country_code: z.number().int().nullable(),
  /** ISO alpha-2 codes of that MCC, as CAMARA's countryName; `[]` when not roaming. */
  country_names: z.array(z.string()),
  last_status_time: z.string(),
});
export type RoamingOutput = z.infer<typeof RoamingOutput>;

// ── GET /v1/phone/porting-history ─────────────────────────────────────────────

export const PortingHistoryQuery = z.strictObject({ phone: PhoneInput, country: CountryCode.optional() });
export type PortingHistoryQuery = z.infer<typeof PortingHistoryQuery>;

export const PortingHistoryOutput = z.object({
  phone: z.string(),
  current_carrier: z.string().nullable(),
  /** Newest first. */
  porting_history: z.array(PortingEvent),
  /** A port within 90 days. */
  recently_ported: z.boolean(),
  /** `high` ≤ 30 days since the last port, `medium` ≤ 90, else `low`. */
  risk_factor: z.enum(['low', 'medium', 'high']),
});
export type PortingHistoryOutput = z.infer<typeof PortingHistoryOutput>;
