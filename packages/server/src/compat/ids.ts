import { createHash } from 'node:crypto';
import { verificationIdOf } from '../verification/index.js';

// Proofline ids are `ver_` + 26 base32 characters: 128 random bits. Twilio's sids carry the same
// 128 bits in Twilio's spelling (`VE` + 32 hex), so the facade maps them both ways without storing
// anything, and a sid that does not decode is simply unknown.

const base32Alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
const idPattern = /^ver_([a-z2-7]{26})$/;

function bytesOf(verificationId: string): Buffer | null {
  const match = idPattern.exec(verificationId);
  if (!match) return null;
  const bytes: number[] = [];
  let value = 0;
  let bits = 0;
  for (const char of match[1]!) {
    value = ((value << 5) | base32Alphabet.indexOf(char)) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return bytes.length === 16 ? Buffer.from(bytes) : null;
}

function hexOf(verificationId: string): string {
  const bytes = bytesOf(verificationId);
  if (!bytes) throw new Error(`not a verification id: ${verificationId}`);
  return bytes.toString('hex');
}

/** Twilio's Verification `sid`: `VE` + the id's 128 bits in hex. */
export function twilioVerificationSid(verificationId: string): string {
  return `VE${hexOf(verificationId)}`;
}

/** The verification id of a Twilio `VE…` sid; null when it is not one of ours. */
export function verificationIdOfSid(sid: string): string | null {
  if (!/^VE[0-9a-f]{32}$/i.test(sid)) return null;
  return verificationIdOf(Buffer.from(sid.slice(2), 'hex'));
}

/** A stable Twilio-style sid for a sub-resource of a verification (a send attempt: `VL…`). */
export function derivedSid(prefix: string, verificationId: string, index: number): string {
  return `${prefix}${createHash('sha256').update(`${verificationId}:${index}`).digest('hex').slice(0, 32)}`;
}
