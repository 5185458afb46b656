// Distinct valid UK mobile numbers for load: block b (0–5) holds a million numbers, +44740b000000
// to +44740b999999, all of which libphonenumber-js (max metadata) types as MOBILE. Each run of the
// benchmark takes its own block, so a start never meets a verification already live for its number.
const PHONE_BLOCKS = 6;

export function phoneNumber(block, index) {
  if (block < 0 || block >= PHONE_BLOCKS || index >= 1_000_000) throw new RangeError('no more bench numbers');
  return `+44740${block}${String(index).padStart(6, '0')}`;
}
