import { type KycField, kycFields } from '@proofline/shared';
import { z } from 'zod';

const IsoDateTime = z.iso.datetime({ offset: true }).or(z.iso.date());
const Text = z.string().max(256);

/** KYC records as the operator keeps them, in the admin API's snake_case (every kyc-match v0.4 field). */
export const KycRecord = z
  .object({
    ...(Object.fromEntries(kycFields.map((field) => [field, Text])) as Record<KycField, typeof Text>),
    id_document_expiry_date: z.iso.date(),
    birthdate: z.iso.date(),
    gender: z.enum(['MALE', 'FEMALE', 'OTHER']),
  })
  .partial()
  .strict();
export type KycRecord = z.infer<typeof KycRecord>;

const CallForwardingValue = z.enum([
  'unconditional',
  'conditional_busy',
  'conditional_not_reachable',
  'conditional_no_answer',
]);

/** `PUT /sandbox/operator/subscribers/:phone`: every field optional; the PUT replaces the whole record. */
export const SubscriberInput = z
  .object({
    operator_name: Text,
    network: z.string().regex(/^\d{5,6}$/, 'MCC+MNC as one digit string, e.g. "23415"'),
    line_type: z.string().max(32),
    line_status: z.enum(['active', 'inactive', 'suspended']),
    prepaid: z.boolean(),
    fraud_history: z.boolean(),
    activated_at: IsoDateTime.nullable(),
    sim_changed_at: IsoDateTime.nullable(),
    device_changed_at: IsoDateTime.nullable(),
    porting_history: z
      .array(z.strictObject({ from_carrier: Text, to_carrier: Text, ported_at: IsoDateTime }))
      .max(50),
    previous_owner_until: IsoDateTime.nullable(),
    roaming_country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'ISO 3166 alpha-2')
      .nullable(),
    reachable: z.union([z.boolean(), z.strictObject({ data: z.boolean(), sms: z.boolean() })]),
    call_forwarding: z.array(CallForwardingValue).max(4),
    kyc: KycRecord,
    service_applicable: z.boolean(),
    monitored_period_days: z.number().int().min(1).max(3650).nullable(),
  })
  .partial()
  .strict();
export type SubscriberInput = z.infer<typeof SubscriberInput>;

export type Subscriber = Required<Omit<SubscriberInput, 'kyc'>> & { kyc: KycRecord };

const defaultOperatorName = 'Proofline Sandbox Mobile';
/** MCC 001 / MNC 01: the ITU test network, so the default line never looks like a real operator. */
const defaultNetwork = '00101';
/** Old enough that no default line counts as new, recycled or recently ported. */
const defaultActivatedAt = '2020-01-01T00:00:00.000Z';

/** A line with the admin's fields over the defaults: active, post-paid mobile, nothing changed. */
export function subscriberFrom(input: SubscriberInput): Subscriber {
  return {
    operator_name: defaultOperatorName,
    network: defaultNetwork,
    line_type: 'mobile',
    line_status: 'active',
    prepaid: false,
    fraud_history: false,
    activated_at: defaultActivatedAt,
    sim_changed_at: null,
    device_changed_at: null,
    porting_history: [],
    previous_owner_until: null,
    roaming_country: null,
    reachable: true,
    call_forwarding: [],
    service_applicable: true,
    monitored_period_days: null,
    ...input,
    kyc: input.kyc ?? {},
  };
}
