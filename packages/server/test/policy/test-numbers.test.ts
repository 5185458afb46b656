import { defaultSettings } from '@proofline/shared';
import { describe, expect, it } from 'vitest';
import { checkTestNumbers } from '../../src/tenants/index.js';

/** The production rule for test numbers (a production server cannot start in a test: no providers). */
describe('test numbers in production', () => {
  const current = defaultSettings('Acme', []);
  const entry = { phone: '+44 7400 123456', code: '246810' };

  it('are refused unless allow_test_numbers is set, in the same change or before', () => {
    expect(() => checkTestNumbers({ test_numbers: [entry] }, current, true)).toThrowError(
      expect.objectContaining({
        code: 'bad_request',
        details: [expect.objectContaining({ path: 'test_numbers' })],
      }),
    );
    expect(checkTestNumbers({ test_numbers: [entry], allow_test_numbers: true }, current, true)).toEqual({
      test_numbers: [{ phone: '+447400123456', code: '246810' }],
      allow_test_numbers: true,
    });
    const allowed = { ...current, allow_test_numbers: true };
    expect(checkTestNumbers({ test_numbers: [entry] }, allowed, true).test_numbers).toHaveLength(1);
  });

  it('cannot be kept while the allowance is withdrawn; an empty list needs none', () => {
    const kept = {
      ...current,
      allow_test_numbers: true,
      test_numbers: [{ phone: '+447400123456', code: '246810' }],
    };
    expect(() => checkTestNumbers({ allow_test_numbers: false }, kept, true)).toThrowError(
      expect.objectContaining({ code: 'bad_request' }),
    );
    expect(checkTestNumbers({ allow_test_numbers: false, test_numbers: [] }, kept, true)).toEqual({
      allow_test_numbers: false,
      test_numbers: [],
    });
  });

  it('outside production need no allowance', () => {
    expect(checkTestNumbers({ test_numbers: [entry] }, current, false).test_numbers).toEqual([
      { phone: '+447400123456', code: '246810' },
    ]);
  });
});
