/** The GSM 03.38 basic character set (plus the escape-table characters), what an SMS carries at 7 bits a character. */
const gsm7 = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€',
);

const lookalikes: Record<string, string> = {
  '’': "'",
  '‘': "'",
  '“': '"',
  '”': '"',
  '–': '-',
  '—': '-',
  '\u00a0': ' ',
};

/**
 * Rewrites characters outside GSM-7 to their plain form (`ó` → `o`, `’` → `'`), as carriers'
 * "smart encoding" does: one character outside it turns the whole SMS into UCS-2, which halves
 * its length per segment and breaks the 140-byte limit of Android's SMS Retriever.
 * Characters with no plain form (other scripts, emoji) stay as they are.
 */
export function toGsm7(text: string): string {
  let result = '';
  for (const character of text) {
    if (gsm7.has(character)) {
      result += character;
      continue;
    }
    const plain = lookalikes[character] ?? character.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    result += [...plain].every((part) => gsm7.has(part)) ? plain : character;
  }
  return result;
}

export function isGsm7(text: string): boolean {
  return [...text].every((character) => gsm7.has(character));
}
