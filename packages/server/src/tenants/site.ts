import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A site's credentials for the drop-in Vonage Verify v2 and Twilio Verify v2 APIs. Like the secret
 * key, the secrets are kept only as SHA-256 hex; the key and SIDs are identifiers, not secrets.
 */
type VonageCredentials = {
  apiKey: string;
  apiSecretHash: string;
  /** A Vonage-style application for JWT auth: its id and the public half of the key that signs. */
  application?: { id: string; publicKey: string };
};
export type TwilioCredentials = { accountSid: string; authTokenHash: string; serviceSid: string };

/** A customer site: its public site key, its hashed secret key and its defaults. */
export type Site = {
  siteKey: string;
  /** SHA-256 hex of the secret key; the secret itself is never kept. */
  secretHash: string;
  brand: string;
  allowedOrigins: string[];
  /** Drop-in Vonage Verify v2 credentials, when the site has them. */
  vonage?: VonageCredentials;
  /** Drop-in Twilio Verify v2 credentials, when the site has them. */
  twilio?: TwilioCredentials;
};

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(site: Site, secret: string): boolean {
  return hashMatches(site.secretHash, secret);
}

/** Whether `secret` hashes to `storedHash` (SHA-256 hex), compared in constant time. */
export function hashMatches(storedHash: string, secret: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

export { originMatches } from '@proofline/shared';
