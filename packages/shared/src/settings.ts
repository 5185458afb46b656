import { z } from 'zod';
import { parseOriginPattern } from './origins.js';
import { Channel, CountryCode, channelFallbackOrder } from './verification.js';

/** One `allowed_origins` entry (see origins.ts); an invalid one is refused with the reason. */
export const AllowedOrigin = z.string().superRefine((entry, context) => {
  const parsed = parseOriginPattern(entry);
  if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.message });
});

export const KycPolicy = z.strictObject({
  min_score: z.number().int().min(0).max(99).default(80),
  required_fields: z.array(z.string().max(64)).max(32).optional(),
});
export type KycPolicy = z.infer<typeof KycPolicy>;

/**
 * A number that always verifies with its fixed code and is never sent anything (app-store reviewers,
 * CI). The server normalizes `phone` to E.164 when the settings are saved.
 */
export const TestNumber = z.strictObject({
  phone: z.string().trim().min(1).max(64),
  code: z.string().regex(/^\d{6,10}$/, '6 to 10 digits'),
  expires_at: z.iso.datetime({ offset: true }).optional(),
});
export type TestNumber = z.infer<typeof TestNumber>;

export const maxTestNumbers = 20;

/** Every key a site may change, with what it accepts. */
const settingsFields = {
  require_otp: z.boolean(),
  otp_expiry_minutes: z.number().int().min(1).max(30),
  max_otp_attempts: z.number().int().min(1).max(10),
  max_sends: z.number().int().min(1).max(10),
  resend_cooldown_seconds: z.number().int().min(0).max(600),
  code_length: z.number().int().min(6).max(10),
  channels: z
    .array(Channel)
    .min(1)
    .max(4)
    .refine((list) => new Set(list).size === list.length, 'each channel at most once'),
  silent: z.boolean(),
  block_voip: z.boolean(),
  flag_voip: z.boolean(),
  block_virtual: z.boolean(),
  block_premium: z.boolean(),
  sim_swap_check: z.boolean(),
  sim_swap_threshold_days: z.number().int().min(1).max(100),
  allowed_countries: z.array(CountryCode).min(1).max(250).nullable(),
  brand: z.string().trim().min(1).max(64),
  allowed_origins: z.array(AllowedOrigin).max(50),
  webhook_url: z.url().max(2048).nullable(),
  /** Webhook bodies carry full numbers instead of masked ones (`+44******0001`). */
  webhook_full_phone: z.boolean(),
  kyc_policy: KycPolicy,
  risk_weights: z.record(z.string().max(64), z.number().int().min(0).max(100)),
  android_app_hash: z
    .string()
    .regex(/^[A-Za-z0-9+/]{11}$/, '11 characters of the SMS Retriever hash')
    .nullable(),
  locale: z.string().max(16),
  /** Each phone at most once, checked by the server after normalizing to E.164. */
  test_numbers: z.array(TestNumber).max(maxTestNumbers),
  allow_test_numbers: z.boolean(),
};

/** What a site may change; every key optional in a PUT, which merges. Unknown keys are refused. */
export const SettingsPatch = z.strictObject(settingsFields).partial();
export type SettingsPatch = z.infer<typeof SettingsPatch>;

/** The settings a site has: every key it may change, and the webhook's read-only secret and status. */
export const Settings = z.object({
  ...settingsFields,
  webhook_secret: z.string().nullable(),
  /** Read-only: `disabled` after the endpoint answered 410 Gone, until `webhook_url` is saved again. */
  webhook_status: z.enum(['active', 'disabled']),
});
export type Settings = z.infer<typeof Settings>;

export function defaultSettings(brand: string, allowedOrigins: string[]): Settings {
  return {
    require_otp: true,
    otp_expiry_minutes: 10,
    max_otp_attempts: 5,
    max_sends: 5,
    resend_cooldown_seconds: 30,
    code_length: 6,
    channels: [...channelFallbackOrder],
    silent: true,
    block_voip: false,
    flag_voip: true,
    block_virtual: false,
    block_premium: true,
    sim_swap_check: true,
    sim_swap_threshold_days: 7,
    allowed_countries: null,
    brand,
    allowed_origins: allowedOrigins,
    webhook_url: null,
    webhook_secret: null,
    webhook_status: 'active',
    webhook_full_phone: false,
    kyc_policy: { min_score: 80 },
    risk_weights: {},
    android_app_hash: null,
    locale: 'auto',
    test_numbers: [],
    allow_test_numbers: false,
  };
}

/** `POST /v1/settings/webhook-secret/rotate` takes no fields. */
export const RotateWebhookSecretInput = z.strictObject({});
