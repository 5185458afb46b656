/**
 * The line-information port: what a source says about a number's line today. Anti-fraud keys
 * networks on `network`; every fact a source cannot give is null (docs/self-hosting.md lists which
 * source gives which fact).
 */
export type LineFacts = {
  /** MCC+MNC as one digit string (`"23415"`). */
  network: string | null;
  /** The carrier serving the number (offline: the range holder, which a port may have changed). */
  carrierName: string | null;
  /** The source's own name of the line type (`mobile`, `nonFixedVoip`, …). */
  lineType: string | null;
  lineStatus: 'active' | 'inactive' | 'suspended' | null;
  prepaid: boolean | null;
  ported: boolean | null;
  reachable: boolean | null;
  roaming: boolean | null;
};

const lineInfoSources = ['operator', 'twilio', 'vonage', 'offline'] as const;
type LineInfoSourceName = (typeof lineInfoSources)[number];

export interface LineInfoSource {
  readonly name: LineInfoSourceName;
  /** Null when the source does not know the number; throws {@link LineInfoError} when it cannot answer. */
  lookup(e164: string): Promise<LineFacts | null>;
}

/** A source that could not answer: down or slow (`unavailable`, `timeout`), refused us, or spoke nonsense. */
export class LineInfoError extends Error {
  constructor(
    readonly code: 'unavailable' | 'timeout' | 'refused' | 'bad_answer',
    message: string,
  ) {
    super(message);
    this.name = 'LineInfoError';
  }
}

/** Facts with nothing known, for sources to fill in. */
export const unknownFacts: LineFacts = {
  network: null,
  carrierName: null,
  lineType: null,
  lineStatus: null,
  prepaid: null,
  ported: null,
  reachable: null,
  roaming: null,
};
