import type { Settings, SettingsPatch } from '@proofline/shared';
import { phone as phones } from '@proofline/shared/phone';
import { ProoflineError } from '../errors.js';

/**
 * Checks a settings change that touches test numbers: each `phone` is a valid number, kept in
 * E.164 (so `447400123456` and `+44 7400 123456` are one entry), each at most once; in production
 * a site may keep test numbers only with `allow_test_numbers: true`, since they verify without
 * proof of possession.
 */
export function checkTestNumbers(
  patch: SettingsPatch,
  current: Settings,
  production: boolean,
): SettingsPatch {
  const testNumbers = patch.test_numbers?.map((entry, index) => {
    const parsed = phones.parse(entry.phone);
    if (!parsed.ok) {
      throw new ProoflineError('bad_request', 'A test number must be a valid phone number.', [
        { path: `test_numbers.${index}.phone`, code: 'invalid_phone', message: parsed.reason },
      ]);
    }
    return { ...entry, phone: parsed.e164 };
  });
  if (testNumbers) {
    const seen = new Set<string>();
    for (const [index, entry] of testNumbers.entries()) {
      if (seen.has(entry.phone)) {
        throw new ProoflineError('bad_request', 'Each test number at most once.', [
          {
            path: `test_numbers.${index}.phone`,
            code: 'duplicate',
            message: `${entry.phone} is listed twice`,
          },
        ]);
      }
      seen.add(entry.phone);
    }
  }
  const kept = testNumbers ?? current.test_numbers;
  const allowed = patch.allow_test_numbers ?? current.allow_test_numbers;
  if (production && kept.length > 0 && !allowed) {
    throw new ProoflineError(
      'bad_request',
      'Test numbers verify without a message; in production set allow_test_numbers: true to keep them.',
      [
        {
          path: 'test_numbers',
          code: 'not_allowed',
          message: 'needs allow_test_numbers: true in production',
        },
      ],
    );
  }
  return testNumbers ? { ...patch, test_numbers: testNumbers } : patch;
}
