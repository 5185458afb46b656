import { phoneTypeOf } from '../lookup/index.js';
import type { DataCipher } from '../privacy/index.js';
import type { VerificationRecord } from './record.js';

/** How a record is written to the store and read back. */
export interface RecordCodec {
  encode(record: VerificationRecord): string;
  decode(raw: string): VerificationRecord;
  /** Whether `raw` is written as `encode` writes now (else a migration writes it again). */
  isCurrent(raw: string): boolean;
}

/**
 * Records of earlier releases kept libphonenumber's `lineType` (`MOBILE`) beside the lookup's
 * `line` (absent before lookups ran): read as one `line` in Proofline's words.
 */
type EarlierRecord = Omit<VerificationRecord, 'line'> & {
  lineType?: string | null;
  line?: VerificationRecord['line'] | null;
};

function current(stored: EarlierRecord): VerificationRecord {
  const { lineType, line, ...record } = stored;
  return { ...record, line: line ?? { type: phoneTypeOf(lineType), carrier: null } };
}

/** Records as plain JSON (no `DATA_KEY`: development and tests). */
export const plainRecords: RecordCodec = {
  encode: (record) => JSON.stringify(record),
  decode: (raw) => current(JSON.parse(raw) as EarlierRecord),
  isCurrent: (raw) => !raw.includes('"sealed":'),
};

/** The fields that hold a number or an address: the number, each step's `to`, tokens and URLs naming it. */
type Sealed = Pick<VerificationRecord, 'phone' | 'workflow' | 'steps' | 'resultToken' | 'silent'>;
type Stored = Omit<EarlierRecord, keyof Sealed> & { sealed: string };

/**
 * Records with their numbers encrypted (AES-256-GCM, bound to the record id): `sealed` holds the
 * fields of {@link Sealed}, the rest stays readable. Records written before (plain, or sealed with
 * an older key of `DATA_KEYS`) are read as they are and sealed with the current key when next written.
 */
export function sealedRecords(cipher: DataCipher): RecordCodec {
  return {
    encode(record) {
      const { phone, workflow, steps, resultToken, silent, ...rest } = record;
      const sealed = cipher.seal(JSON.stringify({ phone, workflow, steps, resultToken, silent }), record.id);
      return JSON.stringify({ ...rest, sealed } satisfies Stored);
    },
    decode(raw) {
      const stored = JSON.parse(raw) as Stored | EarlierRecord;
      if (!('sealed' in stored)) return current(stored);
      const { sealed, ...rest } = stored;
      return current({ ...rest, ...(JSON.parse(cipher.open(sealed, rest.id)) as Sealed) });
    },
    isCurrent(raw) {
      const stored = JSON.parse(raw) as Partial<Stored>;
      return typeof stored.sealed === 'string' && cipher.isCurrent(stored.sealed);
    },
  };
}
