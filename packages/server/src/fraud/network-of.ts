import type { LineInfoSource } from '../line-info/index.js';
import type { NetworkOf } from './guard.js';

/**
 * `networkOf` from the configured line-information source (operator, Twilio Lookup, Vonage Number
 * Insight or offline prefix data): null when the source names no network for the number.
 */
export function networkOfFromLineInfo(source: LineInfoSource): NetworkOf {
  return async (e164) => {
    const facts = await source.lookup(e164);
    return facts?.network ? { network: facts.network, operatorName: facts.carrierName } : null;
  };
}
