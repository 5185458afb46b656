import { describe, expect, it } from 'vitest';
import { caretIn, deleteAcross, digitsOf, significant } from '../src/phone/input.js';

// The phone field's pure rules; the browser tests type them key by key.

describe('significant characters', () => {
  it.each([
    ['07400 123456', 12, { text: '07400123456', caret: 11 }],
    ['+44 7400 123456', 15, { text: '+447400123456', caret: 13 }],
    ['0044 7400', 9, { text: '+447400', caret: 7 }],
    ['Tel: +44 (0)7400 123456', 23, { text: '+447400123456', caret: 13 }],
    ['4474+', 5, { text: '+4474', caret: 5 }],
    ['+', 1, { text: '+', caret: 1 }],
    ['０７４００', 5, { text: '07400', caret: 5 }],
    ['٠٧٤', 3, { text: '074', caret: 3 }],
    ['07400 123456', 6, { text: '07400123456', caret: 5 }],
  ])('%j with the caret at %i', (value, caret, expected) => {
    expect(significant(value, caret)).toEqual(expected);
  });

  it('places the caret after the same digit in the formatted text', () => {
    expect(caretIn('07400 123456', 5)).toBe(5);
    expect(caretIn('07400 123456', 6)).toBe(7);
    expect(caretIn('+44 7400 123456', 3)).toBe(3);
    expect(caretIn('(415) 555-1234', 0)).toBe(0);
    expect(caretIn('(415) 555-1234', 10)).toBe(14);
  });

  it('a Backspace or Delete that removed only a space removes the digit beyond it', () => {
    // `07400 |123456` → the browser removed the space: `07400|123456`.
    expect(deleteAcross('07400 123456', significant('07400123456', 5), 'backward')).toEqual({
      text: '0740123456',
      caret: 4,
    });
    expect(deleteAcross('07400 123456', significant('07400123456', 5), 'forward')).toEqual({
      text: '0740023456',
      caret: 5,
    });
    // A real deletion is left as it is.
    const now = significant('0740 123456', 4);
    expect(deleteAcross('07400 123456', now, 'backward')).toBe(now);
  });

  it('keeps only the digits of a pasted code', () => {
    expect(digitsOf('Your code: 123-456')).toBe('123456');
    expect(digitsOf('００１２３４')).toBe('001234');
  });
});
