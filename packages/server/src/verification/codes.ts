import { createHmac, randomBytes, randomFillSync, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * One-time codes: drawn from the CSPRNG, kept only as HMAC-SHA-256 keyed by the server secret
 * with the verification id in the MAC input, so a code is bound to its verification and a dump of
 * the store reveals nothing usable.
 */
export interface OtpCodes {
  generate(length: number): string;
  hash(verificationId: string, code: string): string;
  /** Constant-time comparison against each stored hash. */
  matches(verificationId: string, code: string, hashes: readonly string[]): boolean;
}

export function createOtpCodes(serverSecret: string): OtpCodes {
  const key = Buffer.from(serverSecret, 'utf8');
  const digest = (verificationId: string, code: string) =>
    createHmac('sha256', key).update(`${verificationId}:${code}`).digest();
  return {
    generate(length) {
      let code = '';
      for (let index = 0; index < length; index++) code += String(randomInt(10));
      return code;
    },
    hash: (verificationId, code) => digest(verificationId, code).toString('base64url'),
    matches(verificationId, code, hashes) {
      const given = digest(verificationId, code);
      let matched = false;
      // Every stored hash is compared, so the time taken does not tell which one matched.
      for (const hash of hashes) {
        const stored = Buffer.from(hash, 'base64url');
        if (stored.length === given.length && timingSafeEqual(stored, given)) matched = true;
      }
      return matched;
    },
  };
}

/** The server secret of embedded defaults: random per process, so codes die with the process. */
export function generateServerSecret(): string {
  return randomBytes(32).toString('base64url');
}

const base32Alphabet = 'abcdefghijklmnopqrstuvwxyz234567';

const idBytes = 16;
/**
 * Ids take their bytes from a CSPRNG buffer filled 256 ids at a time (as Node's `randomUUID`
 * does): one fill per 256 starts instead of one per start. No byte is handed out twice.
 */
const idPool = Buffer.alloc(idBytes * 256);
let idPoolOffset = idPool.length;

/** `ver_` + 26 base32 characters (128 random bits). */
export function newVerificationId(): string {
  if (idPoolOffset === idPool.length) {
    randomFillSync(idPool);
    idPoolOffset = 0;
  }
  const bytes = idPool.subarray(idPoolOffset, idPoolOffset + idBytes);
  idPoolOffset += idBytes;
  return verificationIdOf(bytes);
}

/** The id that spells these 16 bytes (the Twilio facade's `VE…` sids carry the same bytes in hex). */
export function verificationIdOf(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let text = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      text += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) text += base32Alphabet[(value << (5 - bits)) & 31];
  return `ver_${text}`;
}

/** The 16 bytes a verification id spells; null when it is not one. */
export function verificationIdBytes(verificationId: string): Buffer | null {
  if (!verificationIdPattern.test(verificationId)) return null;
  const bytes: number[] = [];
  let value = 0;
  let bits = 0;
  for (const char of verificationId.slice('ver_'.length)) {
    value = ((value << 5) | base32Alphabet.indexOf(char)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

export const verificationIdPattern = /^ver_[a-z2-7]{26}$/;
