import { phone } from '@proofline/shared/phone';
import { all as mobileNetworks } from 'mcc-mnc-list';
import { metadataType, offlinePrefixData, type PrefixData } from '../../lookup/index.js';
import { type LineInfoSource, unknownFacts } from '../port.js';

/** Names compared loosely: case, accents, punctuation and "3" vs "Three" (Hutchison's brand) aside. */
const comparable = (name: string) =>
  name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/3/g, 'three')
    .replace(/[^a-z0-9]/g, '');

type Network = { network: string; brand: string; operator: string; operational: boolean };
let byCountry: Map<string, Network[]> | undefined;

/** The ITU E.212 list (Wikipedia's, as `mcc-mnc-list` ships it), by ISO country, operational first. */
function networksIn(country: string): Network[] {
  if (!byCountry) {
    byCountry = new Map();
    for (const entry of mobileNetworks()) {
      if (!entry.countryCode || !/^\d{3}$/.test(entry.mcc) || !/^\d{2,3}$/.test(entry.mnc)) continue;
      const list = byCountry.get(entry.countryCode) ?? [];
      list.push({
        network: `${entry.mcc}${entry.mnc}`,
        brand: comparable(entry.brand ?? ''),
        operator: comparable(entry.operator ?? ''),
        operational: entry.status === 'Operational',
      });
      byCountry.set(entry.countryCode, list);
    }
    for (const list of byCountry.values()) {
      list.sort(
        (a, b) => Number(b.operational) - Number(a.operational) || a.network.localeCompare(b.network),
      );
    }
  }
  return byCountry.get(country) ?? [];
}

/**
 * The MCC+MNC of the network that holds a range, from the holder's name in the prefix tables: the
 * brand named exactly, else one that starts with the name, else one that contains it (or is
 * contained in it); then the same with operator names. Operational networks first, lowest MNC first.
 */
export function rangeHolderNetwork(country: string, holder: string): string | null {
  const name = comparable(holder);
  if (name.length < 2) return null;
  const networks = networksIn(country);
  const tests = [
    (candidate: string) => candidate === name,
    (candidate: string) => candidate.startsWith(name),
    (candidate: string) => candidate !== '' && (candidate.includes(name) || name.includes(candidate)),
  ];
  for (const field of ['brand', 'operator'] as const) {
    for (const test of tests) {
      const found = networks.find((entry) => test(entry[field]));
      if (found) return found.network;
    }
  }
  return null;
}

/**
 * Offline prefix data (libphonenumber's carrier tables): the range holder and its network, and the
 * line type the numbering plan gives. No operator, no provider; a ported number keeps its old holder.
 */
export function offlineLineInfoSource(prefixData: PrefixData = offlinePrefixData()): LineInfoSource {
  // Holders and countries come from the tables and the metadata: a bounded set, each matched once.
  const holderNetworks = new Map<string, string | null>();
  const holderNetwork = (country: string, holder: string) => {
    const key = `${country}|${holder}`;
    let network = holderNetworks.get(key);
    if (network === undefined) {
      network = rangeHolderNetwork(country, holder);
      holderNetworks.set(key, network);
    }
    return network;
  };
  return {
    name: 'offline',
    async lookup(e164) {
      const parsed = phone.parse(e164);
      if (!parsed.ok) return null;
      const number = parsed.number;
      const lineType = metadataType(number);
      // As libphonenumber's own carrier mapper: only mobile-like ranges have a holder in the tables.
      const mobileLike = lineType === 'mobile' || lineType === 'pager' || lineType === 'voip';
      const holder = mobileLike
        ? await prefixData.carrier({
            callingCode: number.countryCallingCode,
            nationalNumber: number.nationalNumber,
          })
        : null;
      return {
        ...unknownFacts,
        network: holder && parsed.country ? holderNetwork(parsed.country, holder) : null,
        carrierName: holder,
        lineType,
      };
    },
  };
}
