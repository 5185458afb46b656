/**
 * Masks an E.164 number for logs, webhooks and the widget: keeps the calling code's first digits
 * and the last four, `+447400123456` → `+44******3456`.
 */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/^\+/, '');
  if (digits.length <= 6) return `+${'*'.repeat(digits.length)}`;
  const head = digits.slice(0, 2);
  const tail = digits.slice(-4);
  return `+${head}${'*'.repeat(digits.length - 6)}${tail}`;
}

/** Replaces every E.164-looking number in a string by its mask (for free text in logs). */
export function maskPhonesIn(text: string): string {
  return text.replace(/\+\d{8,15}/g, (match) => maskPhone(match));
}
