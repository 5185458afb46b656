import fc from 'fast-check';

/** Field names of the API, so generated bodies reach past "unknown key" into each field's checks. */
const knownFields = [
  'phone',
  'country',
  'channel',
  'workflow',
  'applicant_id',
  'applicant_country',
  'language',
  'brand',
  'code_length',
  'fraud_check',
  'action',
  'cdata',
  'verification_id',
  'code',
  'secret',
  'response',
  'remoteip',
  'idempotency_key',
  'max_age_hours',
  'specified_date',
  'given_name',
  'family_name',
  'name',
  'birthdate',
  'address',
  'email',
  'network',
  'unblock_duration',
  'rule_id',
  'trigger',
  'conditions',
  'actions',
  'siteKey',
  'verificationId',
  'locale',
  'connection',
  'returnUrl',
  'channels',
  'silent',
  'block_voip',
  'allowed_countries',
  'webhook_url',
  'otp_expiry_minutes',
  'max_otp_attempts',
  'kyc_policy',
];

const phoneLike = fc.oneof(
  fc.constantFrom(
    '+447400123456',
    '447400123456',
    '+12015550123',
    '+33612345678',
    '+449012345678',
    '',
    '+',
    '0',
  ),
  fc.string({ maxLength: 30 }),
  fc.stringMatching(/^\+?\d{0,20}$/),
);

const value = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: phoneLike },
  {
    weight: 1,
    arbitrary: fc.constantFrom('sms', 'voice', 'whatsapp', 'email', 'auto', 'pk_test_demo', 'sk_test_demo'),
  },
  {
    weight: 1,
    arbitrary: fc.array(fc.record({ channel: fc.constantFrom('sms', 'pigeon', 7) }), { maxLength: 6 }),
  },
);

/** A JSON body: mostly objects of known fields with odd values, sometimes anything at all. */
export const body = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.constantFrom(...knownFields), value, { maxKeys: 6 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

export const runs = Number(process.env.FUZZ_RUNS ?? 25);
