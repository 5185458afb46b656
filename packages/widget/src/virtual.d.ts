// Modules generated at build time by scripts/phone-metadata.ts.

declare module 'virtual:proofline/calling-codes' {
  /** "1USAG…,44GBGGIMJE,…": each calling code followed by its two-letter countries, main first. */
  export const callingCodeTable: string;
}

declare module 'virtual:proofline/metadata' {
  export interface MetadataGroup {
    countries: Record<string, unknown>;
    nonGeographic: Record<string, unknown>;
  }
  export const version: number;
  export const groups: Record<string, () => Promise<{ default: MetadataGroup }>>;
}
