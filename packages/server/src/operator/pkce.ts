import { createHash, randomBytes } from 'node:crypto';

export type PkcePair = { verifier: string; challenge: string };

/** RFC 7636 S256: the verifier stays on our side (with the verification), the challenge goes in the URL. */
export function createPkcePair(random: (size: number) => Buffer = randomBytes): PkcePair {
  const verifier = random(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier) };
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** CAMARA `hashedPhoneNumber`: SHA-256 hex of the E.164 number with its `+`. */
export function hashPhoneNumber(e164: string): string {
  return createHash('sha256').update(e164).digest('hex');
}
