import { z } from 'zod';
import { Channel, RiskLevel, VerificationMethod } from './verification.js';

export const SiteverifyErrorCode = z.enum([
  'missing-input-secret',
  'invalid-input-secret',
  'missing-input-response',
  'invalid-input-response',
  'bad-request',
  'timeout-or-duplicate',
  'internal-error',
]);
export type SiteverifyErrorCode = z.infer<typeof SiteverifyErrorCode>;

/** Loose on purpose: siteverify answers 200 with `error-codes` for any body, as Turnstile does. */
export const SiteverifyInput = z.object({
  secret: z.string().max(256).optional(),
  response: z.string().max(4096).optional(),
  remoteip: z.string().max(64).optional(),
  idempotency_key: z.string().max(128).optional(),
});
export type SiteverifyInput = z.infer<typeof SiteverifyInput>;

export const SiteverifyOutput = z.object({
  success: z.boolean(),
  challenge_ts: z.string().nullable(),
  hostname: z.string().nullable(),
  /** The number proven (it received the code, or passed silent verification); null otherwise. */
  phone: z.string().nullable(),
  /** False when what was proven is an email address, not a phone number. */
  phone_verified: z.boolean(),
  /** The address that received the code when the proving step was an email; null otherwise. */
  email: z.string().nullable(),
  method: VerificationMethod.nullable(),
  channel: Channel.nullable(),
  risk_score: z.number().int().nullable(),
  risk_level: RiskLevel.nullable(),
  action: z.string().nullable(),
  cdata: z.string().nullable(),
  'error-codes': z.array(SiteverifyErrorCode),
});
export type SiteverifyOutput = z.infer<typeof SiteverifyOutput>;

/** The claims of a result token (a JWT signed by the server, published keys at the JWKS). */
export const ResultTokenClaims = z.object({
  iss: z.string(),
  aud: z.string(),
  sub: z.string(),
  jti: z.string(),
  iat: z.number(),
  exp: z.number(),
  /** The number proven; null when an email step proved the address instead. */
  phone: z.string().nullable(),
  phone_verified: z.boolean().default(true),
  email: z.string().nullable().default(null),
  method: VerificationMethod,
  channel: Channel.nullable(),
  risk_score: z.number().int().nullable(),
  risk_level: RiskLevel.nullable(),
  action: z.string().nullable(),
  cdata: z.string().nullable(),
  hostname: z.string().nullable(),
  flags: z.array(z.string()),
});
export type ResultTokenClaims = z.infer<typeof ResultTokenClaims>;
