import { createHmac } from 'node:crypto';

/**
 * Names store keys and index entries after a phone number without revealing it: an HMAC keyed by
 * `SERVER_SECRET`, so the name cannot be reversed by hashing every possible number (as an unkeyed
 * hash of a 15-digit space can). The same number and secret give the same name on every instance.
 */
export type KeyedHash = (...parts: string[]) => string;

export function keyedHash(serverSecret: string): KeyedHash {
  // The key's bytes once (the UTF-8 bytes a string key gives too): a start hashes several times.
  const key = Buffer.from(serverSecret, 'utf8');
  return (...parts) => createHmac('sha256', key).update(parts.join('\n')).digest('base64url').slice(0, 32);
}
