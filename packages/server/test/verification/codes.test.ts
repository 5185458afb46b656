import { describe, expect, it } from 'vitest';
import {
  newVerificationId,
  verificationIdBytes,
  verificationIdOf,
  verificationIdPattern,
} from '../../src/verification/codes.js';

describe('verification ids', () => {
  it('each id spells 16 bytes of its own, past several refills of the pooled random bytes', () => {
    const ids = Array.from({ length: 1_000 }, () => newVerificationId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(verificationIdPattern);
      const bytes = verificationIdBytes(id);
      expect(bytes).toHaveLength(16);
      expect(verificationIdOf(bytes as Buffer)).toBe(id);
    }
    // 128 random bits each: no byte value is missing from 16,000 of them, none stuck at zero.
    const seen = new Set(ids.flatMap((id) => [...(verificationIdBytes(id) as Buffer)]));
    expect(seen.size).toBe(256);
  });
});
