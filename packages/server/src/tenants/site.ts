import { createHash, timingSafeEqual } from 'node:crypto';

/** A customer site: its public site key, its hashed secret key and its defaults. */
export type Site = {
  siteKey: string;
  /** SHA-256 hex of the secret key; the secret itself is never kept. */
  secretHash: string;
  brand: string;
  allowedOrigins: string[];
};

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(site: Site, secret: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(site.secretHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

export { originMatches } from '@proofline/shared';
