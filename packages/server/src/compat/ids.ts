import { createHash } from 'node:crypto';
import { verificationIdBytes, verificationIdOf } from '../verification/index.js';

// Twilio's sids carry a verification id's 128 bits in Twilio's spelling (`VE` + 32 hex), so the
// facade maps them both ways without storing anything, and a sid that does not decode is unknown.

/** Twilio's Verification `sid`: `VE` + the id's 128 bits in hex. */
export function twilioVerificationSid(verificationId: string): string {
  const bytes = verificationIdBytes(verificationId);
  if (!bytes) throw new Error(`not a verification id: ${verificationId}`);
  return `VE${bytes.toString('hex')}`;
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
