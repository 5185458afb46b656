/**
 * Store keys of the fraud domain. Every key of one site shares the hash tag `{fraud:<site>}`, so
 * batched writes stay in one Redis Cluster slot.
 */
const tag = (siteKey: string) => `fraud:{${siteKey}}`;

export const fraudKeys = {
  blockIndex: (siteKey: string) => `${tag(siteKey)}:blocks`,
  /** `target`: an operator network (MCC-MNC) or a number prefix (`+…`). */
  block: (siteKey: string, target: string) => `${tag(siteKey)}:block:${target}`,
  networkBlockedPrefixes: (siteKey: string, network: string) => `${tag(siteKey)}:net:${network}:pumped`,
  networkSends: (siteKey: string, network: string) => `${tag(siteKey)}:net:${network}:sent`,
  networkApprovals: (siteKey: string, network: string) => `${tag(siteKey)}:net:${network}:ok`,
  prefixSends: (siteKey: string, prefix: string) => `${tag(siteKey)}:pfx:${prefix}:sent`,
  prefixApprovals: (siteKey: string, prefix: string) => `${tag(siteKey)}:pfx:${prefix}:ok`,
  geo: (siteKey: string) => `${tag(siteKey)}:geo`,
  /** `value`: a keyed hash for the number and prefix buckets, never the number itself. */
  sendLimit: (siteKey: string, bucket: string, windowSeconds: number, value: string) =>
    `${tag(siteKey)}:limit:${bucket}:${windowSeconds}:${value}`,
  /** `numberKey`: the number's keyed hash. */
  wrongCodes: (siteKey: string, numberKey: string) => `${tag(siteKey)}:wrong-codes:${numberKey}`,
  bypassAudit: (siteKey: string) => `${tag(siteKey)}:audit:fraud-check-bypass`,
};

/** The number minus its last 4 digits: the block an operator hands out, and what pumpers walk. */
export function prefixOf(e164: string): string {
  return e164.slice(0, -4);
}

export function lastDigitsOf(e164: string): string {
  return e164.slice(-4);
}
