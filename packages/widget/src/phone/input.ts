/**
 * What the phone field keeps of any input: its significant characters (digits and one leading `+`)
 * and the caret as a count of significant characters before it. Formatting characters (spaces,
 * brackets, dashes, dots) are the formatter's to place, so they are dropped here and put back by it;
 * that way typing, pasting, autofill and edits in the middle all go through one path.
 */
export interface Significant {
  /** Digits, with a `+` in front when the number is international. */
  text: string;
  /** Significant characters before the caret. */
  caret: number;
}

/** Zeros of the digit sets people type numbers in: ASCII, full-width (CJK IMEs), Arabic-Indic, Persian, Devanagari. */
const ZEROS = [0x30, 0xff10, 0x660, 0x6f0, 0x966];

/** The ASCII digit or `+` a character stands for, else undefined (formatting, letters). */
function asciiOf(char: string): string | undefined {
  if (char === '+' || char === '\uff0b') return '+';
  const code = char.charCodeAt(0);
  const zero = ZEROS.find((zero) => code >= zero && code < zero + 10);
  return zero === undefined ? undefined : String(code - zero);
}

const isSignificant = (char: string): boolean => asciiOf(char) !== undefined;

/** The ASCII digits of `text`, whatever digit set they were typed in (a one-time code). */
export function digitsOf(text: string): string {
  let digits = '';
  for (const char of text) {
    const ascii = asciiOf(char);
    if (ascii && ascii !== '+') digits += ascii;
  }
  return digits;
}

/** Significant characters of `text`; the caret given in `text` is carried along. */
export function significant(text: string, caret = text.length): Significant {
  // A pasted `+44 (0)7400 123456` writes the national trunk 0 in brackets: it is not dialled.
  const trunk = /(\+\d{1,3})\s*\(0\)/.exec(text);
  const cut = trunk
    ? { at: trunk.index + trunk[1]!.length, length: trunk[0].length - trunk[1]!.length }
    : undefined;
  let digits = '';
  let plus = false;
  let before = 0;
  let plusBefore = false;
  for (let index = 0; index < text.length; index++) {
    if (cut && index >= cut.at && index < cut.at + cut.length) continue;
    const char = asciiOf(text[index]!);
    if (char === undefined) continue;
    if (char === '+') {
      plus = true;
      plusBefore ||= index < caret;
    } else {
      digits += char;
      if (index < caret) before++;
    }
  }
  // A `+` typed anywhere makes the number international: it moves to the front, digits stay put.
  if (plus) return { text: `+${digits}`, caret: before + (plusBefore || before > 0 ? 1 : 0) };
  // `00` is the international prefix of most countries: shown as `+`.
  if (/^00[1-9]/.test(digits))
    return { text: `+${digits.slice(2)}`, caret: Math.max(before - 1, Math.min(before, 1)) };
  return { text: digits, caret: before };
}

/** Where the caret goes in `formatted`: right after its `caret`-th significant character. */
export function caretIn(formatted: string, caret: number): number {
  if (caret <= 0) return 0;
  let seen = 0;
  for (let index = 0; index < formatted.length; index++) {
    if (isSignificant(formatted[index]!) && ++seen === caret) return index + 1;
  }
  return formatted.length;
}

/**
 * A Backspace or Delete that removed only a formatting character (`07400| 123456`) would be undone by
 * the formatter: it removes the digit next to it instead, as people expect.
 */
export function deleteAcross(
  previous: string,
  now: Significant,
  direction: 'backward' | 'forward',
): Significant {
  if (now.text !== significant(previous).text) return now;
  if (direction === 'backward') {
    if (now.caret === 0) return now;
    return { text: now.text.slice(0, now.caret - 1) + now.text.slice(now.caret), caret: now.caret - 1 };
  }
  return { text: now.text.slice(0, now.caret) + now.text.slice(now.caret + 1), caret: now.caret };
}
