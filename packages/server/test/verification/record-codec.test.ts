import { describe, expect, it } from 'vitest';
import { DataCipher } from '../../src/privacy/index.js';
import { plainRecords, sealedRecords, type VerificationRecord } from '../../src/verification/index.js';

/** Records of earlier releases kept the line type twice (`lineType: 'MOBILE'` and `line`); read as one `line`. */
const earlier = {
  id: 'ver_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  phone: '+447400123456',
  workflow: [],
  steps: [],
  resultToken: null,
  silent: null,
  status: 'pending',
};

describe.each([
  ['plain', plainRecords],
  ['sealed', sealedRecords(new DataCipher('a-data-key-of-at-least-32-characters!!'))],
])('%s records of earlier releases', (_name, codec) => {
  const stored = (record: object) => codec.encode(record as VerificationRecord);

  it('one without a lookup gets its line from libphonenumber’s lineType, in Proofline’s words', () => {
    const record = codec.decode(stored({ ...earlier, lineType: 'FIXED_LINE', line: null }));
    expect(record.line).toEqual({ type: 'landline', carrier: null });
    expect(record).not.toHaveProperty('lineType');
  });

  it('one with a lookup keeps the lookup’s line and drops the second spelling', () => {
    const line = { type: 'voip', carrier: 'Onvoy' };
    const record = codec.decode(stored({ ...earlier, lineType: 'MOBILE', line }));
    expect(record.line).toEqual(line);
    expect(record).not.toHaveProperty('lineType');
  });
});

describe('sealed records', () => {
  it('keep in the clear what the check’s store step reads, and seal the number', () => {
    const codec = sealedRecords(new DataCipher('a-data-key-of-at-least-32-characters!!'));
    const readable = {
      siteKey: 'pk_a',
      surface: 'widget',
      status: 'pending',
      expiresAt: 1_000,
      maxAttempts: 5,
      codeHashes: ['hash'],
      wrongCodesKey: 'fraud:{pk_a}:wrong-codes:keyed-hash',
    };
    const raw = codec.encode({ ...earlier, ...readable } as unknown as VerificationRecord);
    expect(JSON.parse(raw)).toMatchObject(readable);
    expect(raw).not.toContain(earlier.phone);
  });
});
