import { ValidateOutput } from '@proofline/shared';
import { describe, expect, it } from 'vitest';
import { validatePhone } from '../../src/lookup/index.js';

describe('validatePhone', () => {
  it('answers the TrustGate shape for E.164, E.164 without +, 00 and national input', () => {
    const expected = {
      valid: true,
      possible: true,
      formatted_e164: '+447400123456',
      formatted_national: '07400 123456',
      formatted_international: '+44 7400 123456',
      country_code: '44',
      country: 'GB',
      type: 'mobile',
      validation_error: null,
    };
    for (const [phone, country] of [
      ['+447400123456'],
      ['447400123456'],
      ['0044 7400 123456'],
      ['07400 123456', 'GB'],
      ['+44 (0)7400-123456'],
    ] as [string, string?][]) {
      const answer = validatePhone({ phone, ...(country ? { country } : {}) });
      expect(ValidateOutput.parse(answer)).toEqual(answer);
      expect(answer).toEqual({ phone, validation: expected });
    }
  });

  it('tells possible from valid: an unassigned range is possible, formatted, and not valid', () => {
    expect(validatePhone({ phone: '+447700900123' }).validation).toEqual({
      valid: false,
      possible: true,
      formatted_e164: '+447700900123',
      formatted_national: '07700 900123',
      formatted_international: '+44 7700 900123',
      country_code: '44',
      country: null,
      type: 'unknown',
      validation_error: 'INVALID',
    });
    expect(validatePhone({ phone: '+1 555 123 4567' }).validation).toMatchObject({
      valid: false,
      possible: true,
      country_code: '1',
      validation_error: 'INVALID',
    });
  });

  it.each([
    ['not a number', 'call me', undefined, 'NOT_A_NUMBER'],
    ['too short', '+44123', undefined, 'TOO_SHORT'],
    ['too long', '+4474001234567890', undefined, 'TOO_LONG'],
    ['unknown country', '+4915123456789', 'ZZ', 'INVALID_COUNTRY'],
    ['national without country', '07400123456', undefined, 'INVALID_COUNTRY'],
  ])('answers %s as invalid and impossible, not as an error', (_name, phone, country, reason) => {
    expect(validatePhone({ phone, ...(country ? { country } : {}) }).validation).toEqual({
      valid: false,
      possible: false,
      formatted_e164: null,
      formatted_national: null,
      formatted_international: null,
      country_code: null,
      country: null,
      type: 'unknown',
      validation_error: reason,
    });
  });

  it('gives the calling code as a string without + and the metadata line type', () => {
    expect(validatePhone({ phone: '+18002345678' }).validation).toMatchObject({
      country_code: '1',
      country: 'US',
      type: 'toll_free',
    });
    expect(validatePhone({ phone: '+971501234567' }).validation).toMatchObject({
      country_code: '971',
      country: 'AE',
      type: 'mobile',
      formatted_national: '050 123 4567',
    });
    expect(validatePhone({ phone: '+447012345678' }).validation.type).toBe('virtual');
  });
});
