import { createHmac } from 'node:crypto';

/**
 * Names store keys and index entries after a phone number without revealing it: an HMAC keyed by
 * `SERVER_SECRET`, so the name cannot be reversed by hashing every possible number (as an unkeyed
 * hash of a 15-digit space can). The same number and secret give the same name on every instance.
 */
export type KeyedHash = (...parts: string[]) => string;

export function keyedHash(serverSecret: string): KeyedHash {
  return (...parts) =>
    createHmac('sha256', serverSecret).update(parts.join('\n')).digest('base64url').slice(0, 32);
}
