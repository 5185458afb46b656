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

/**
 * Origin patterns are exact origins, optionally with `*` as the port (`http://localhost:*`) or as
 * the leftmost host label (`https://*.example.com`).
 */
export function originMatches(pattern: string, origin: string): boolean {
  if (pattern === origin) return true;
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const regex = escaped
    .replace(/:\*$/, ':\\d{1,5}')
    .replace('//\\*\\.', '//[a-z0-9-]+\\.')
    .replace('//*.', '//[a-z0-9-]+\\.');
  return new RegExp(`^${regex}$`, 'i').test(origin);
}
