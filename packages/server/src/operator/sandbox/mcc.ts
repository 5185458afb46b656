/**
 * Mobile country codes (ITU E.212) of the countries a sandbox line may roam in. One MCC may cover
 * several countries (340: the French Antilles), which is why CAMARA answers `countryName` as a list.
 */
const mccByCountry: Record<string, number> = {
  AE: 424,
  AR: 722,
  AT: 232,
  AU: 505,
  BE: 206,
  BL: 340,
  BR: 724,
  CA: 302,
  CH: 228,
  CN: 460,
  CZ: 230,
  DE: 262,
  DK: 238,
  EG: 602,
  ES: 214,
  FI: 244,
  FR: 208,
  GB: 234,
  GF: 340,
  GP: 340,
  GR: 202,
  HU: 216,
  IE: 272,
  IL: 425,
  IN: 404,
  IT: 222,
  JP: 440,
  KR: 450,
  MA: 604,
  MF: 340,
  MQ: 340,
  MX: 334,
  NG: 621,
  NL: 204,
  NO: 242,
  NZ: 530,
  PL: 260,
  PT: 268,
  RO: 226,
  SA: 420,
  SE: 240,
  SG: 525,
  TH: 520,
  TR: 286,
  UA: 255,
  US: 310,
  ZA: 655,
};

export function mccOf(country: string): number | undefined {
  return mccByCountry[country];
}

export function countriesOfMcc(mcc: number): string[] {
  return Object.entries(mccByCountry)
    .filter(([, code]) => code === mcc)
    .map(([country]) => country)
    .sort();
}
