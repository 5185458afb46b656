import { type CountryCode, Metadata } from 'libphonenumber-js/core';
import { describe, expect, it } from 'vitest';
import { maskPhone, maskPhonesIn, phone } from '../src/phone/max.js';
import { parsePhone } from '../src/phone/normalize.js';

describe('phone.parse', () => {
  it('answers a repeated parse from memory, typing the number once, as a fresh parse would', () => {
    const first = phone.parse('+44 7400 123456');
    const again = phone.parse('+44 7400 123456');
    expect(again).toBe(first);
    if (!first.ok) throw new Error('expected a valid number');
    expect(first.number.getType()).toBe('MOBILE');
    expect(first.number.getType()).toBe('MOBILE');
    expect(phone.parse('+44 7400 123456', 'GB')).not.toBe(first);
    const voip = phone.parse('+445612345678');
    expect(voip.ok && [voip.number.getType(), voip.number.getType()]).toEqual(['VOIP', 'VOIP']);
  });

  it('types a number once for validity and type: every plan of the full metadata knows its types', () => {
    const metadata = new Metadata(phone.metadata);
    const { countries, nonGeographic = {} } = phone.metadata as {
      countries: object;
      nonGeographic?: object;
    };
    for (const plan of [...Object.keys(countries), ...Object.keys(nonGeographic)]) {
      metadata.selectNumberingPlan(plan as CountryCode);
      // `hasTypes()` is what `isValid()` branches on; the typings leave it out.
      const numberingPlan = metadata.numberingPlan as unknown as { hasTypes(): boolean };
      expect(numberingPlan.hasTypes(), plan).toBe(true);
    }
    // So the answer is libphonenumber's own `isValid()`, for valid and unassigned numbers alike.
    for (const input of ['+447400123456', '+447700900123', '+12015550123', '+15555550123', '+80012345678']) {
      expect(phone.parse(input).ok, input).toBe(parsePhone(input, undefined, phone.metadata).ok);
    }
  });

  it.each([
    ['+447400123456', undefined, '+447400123456'],
    ['447400123456', undefined, '+447400123456'],
    ['+44 7400 123456', undefined, '+447400123456'],
    ['0044 7400 123456', undefined, '+447400123456'],
    ['0044 7400 123456', 'GB', '+447400123456'],
    ['07400 123456', 'GB', '+447400123456'],
    ['(201) 555-0123', 'US', '+12015550123'],
    ['06 12 34 56 78', 'FR', '+33612345678'],
  ])('normalizes %s (default %s) to %s', (input, country, e164) => {
    expect(phone.normalize(input, country)).toBe(e164);
  });

  it.each([
    ['hello', undefined, 'NOT_A_NUMBER'],
    ['07400 123456', 'XX', 'INVALID_COUNTRY'],
    ['07400 123456', undefined, 'INVALID_COUNTRY'],
    ['+44 1', undefined, 'TOO_SHORT'],
    ['+4474001234567890123', undefined, 'TOO_LONG'],
    ['+447700900123', undefined, 'INVALID'],
    ['+1 555 555 0123', undefined, 'INVALID'],
  ])('refuses %s (default %s) as %s', (input, country, reason) => {
    const result = phone.parse(input, country);
    expect(result).toEqual({ ok: false, reason });
  });

  it('formats a number', () => {
    const result = phone.parse('+447400123456');
    if (!result.ok) throw new Error('expected a number');
    expect(phone.format(result.number)).toEqual({
      e164: '+447400123456',
      national: '07400 123456',
      international: '+44 7400 123456',
      country: 'GB',
      callingCode: '44',
      type: 'MOBILE',
    });
  });
});

describe('maskPhone', () => {
  it('keeps the calling code and the last four digits', () => {
    expect(maskPhone('+447400120001')).toBe('+44******0001');
    expect(maskPhone('+12015550123')).toBe('+12*****0123');
  });

  it('masks numbers inside free text but not other digits', () => {
    expect(maskPhonesIn('sent to +447400120001 at 1733051234567')).toBe(
      'sent to +44******0001 at 1733051234567',
    );
  });
});
