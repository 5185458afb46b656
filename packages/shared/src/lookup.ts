import { z } from 'zod';
import { Case } from './cases.js';
import { CountryCode, PhoneInput, RiskAssessment } from './verification.js';

/**
 * Line types as Proofline reports them: libphonenumber's types in the words of Twilio Lookup
 * (`PERSONAL_NUMBER` is `virtual`), plus `unknown` when neither the operator nor the metadata knows.
 */
export const PhoneType = z.enum([
  'mobile',
  'landline',
  'voip',
  'toll_free',
  'premium',
  'shared_cost',
  'virtual',
  'pager',
  'uan',
  'voicemail',
  'unknown',
]);
export type PhoneType = z.infer<typeof PhoneType>;

export const LineStatus = z.enum(['active', 'inactive', 'suspended', 'unknown']);
export type LineStatus = z.infer<typeof LineStatus>;

/** Why a text is not a valid number (libphonenumber's reasons; `INVALID` = possible but unassigned). */
export const ValidationError = z.enum([
  'NOT_A_NUMBER',
  'INVALID_COUNTRY',
  'TOO_SHORT',
  'TOO_LONG',
  'INVALID_LENGTH',
  'INVALID',
]);
export type ValidationError = z.infer<typeof ValidationError>;

// ── POST /v1/phone/validate ───────────────────────────────────────────────────

export const ValidateInput = z.strictObject({
  phone: PhoneInput,
  country: CountryCode.optional(),
});
export type ValidateInput = z.infer<typeof ValidateInput>;

export const PhoneValidation = z.object({
  valid: z.boolean(),
  possible: z.boolean(),
  formatted_e164: z.string().nullable(),
  formatted_national: z.string().nullable(),
  formatted_international: z.string().nullable(),
  /** The calling code without `+`, e.g. `"44"`. */
  country_code: z.string().nullable(),
  country: z.string().nullable(),
  type: PhoneType,
  /** Added to the contract: why the number is not valid, null when it is. */
  validation_error: ValidationError.nullable(),
});
export type PhoneValidation = z.infer<typeof PhoneValidation>;

/** The TrustGate shape: the phone as given, and what validation found. */
export const ValidateOutput = z.object({
  phone: z.string(),
  validation: PhoneValidation,
});
export type ValidateOutput = z.infer<typeof ValidateOutput>;

// ── POST /v1/phone/lookup ─────────────────────────────────────────────────────

export const LookupInput = z.strictObject({
  phone: PhoneInput,
  country: CountryCode.optional(),
  applicant_id: z.string().max(128).optional(),
  applicant_country: CountryCode.optional(),
});
export type LookupInput = z.infer<typeof LookupInput>;

export const PortingEvent = z.object({
  from_carrier: z.string().nullable(),
  to_carrier: z.string().nullable(),
  ported_at: z.string(),
  days_ago: z.number().int(),
});
export type PortingEvent = z.infer<typeof PortingEvent>;

export const LookupOutput = z.object({
  phone: z.string(),
  valid: z.boolean(),
  type: PhoneType,
  carrier: z.object({
    name: z.string().nullable(),
    type: PhoneType,
    /** `MCC`+`MNC` as one digit string (`"23415"`), when the operator told it. */
    network: z.string().optional(),
  }),
  location: z.object({
    country: z.string().nullable(),
    country_code: z.string().nullable(),
    region: z.string().nullable(),
  }),
  risk_assessment: RiskAssessment,
  line_status: LineStatus,
  ported: z.boolean().nullable(),
  roaming: z.boolean().nullable(),
  /** Added to the contract: known ports, newest first (empty when none or unknown). */
  porting_history: z.array(PortingEvent),
  prepaid: z.boolean().nullable(),
  /** Added: where the line facts came from, the operator or offline prefix data. */
  source: z.enum(['operator', 'twilio', 'vonage', 'prefix_data']),
});
export type LookupOutput = z.infer<typeof LookupOutput>;

/**
 * The answer of `POST /v1/phone/lookup`: the lookup, and what the site's `phone_lookup_complete`
 * rules made of it (flags, the cases they opened, what `request_info` asks for).
 */
export const LookupAnswer = LookupOutput.extend({
  flags: z.array(z.string()),
  cases: z.array(Case),
  info_needed: z.array(z.string()),
});
export type LookupAnswer = z.infer<typeof LookupAnswer>;

/** The named risk factors and their default contributions (docs/design.md, "What it does" §5). */
export const RiskFactorName = z.enum([
  'fraud_history',
  'premium_rate',
  'known_fraud_carrier',
  'recently_ported',
  'voip_number',
  'virtual_number',
  'country_mismatch',
  'prepaid',
  'new_number',
  'unusual_carrier',
  'recent_sim_swap',
  'number_recycled',
]);
export type RiskFactorName = z.infer<typeof RiskFactorName>;

export const defaultRiskWeights: Readonly<Record<RiskFactorName, number>> = {
  fraud_history: 40,
  premium_rate: 30,
  known_fraud_carrier: 35,
  recently_ported: 20,
  voip_number: 15,
  virtual_number: 20,
  country_mismatch: 15,
  prepaid: 10,
  new_number: 5,
  unusual_carrier: 5,
  recent_sim_swap: 35,
  number_recycled: 30,
};
