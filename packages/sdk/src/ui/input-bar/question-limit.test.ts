import { describe, expect, it } from 'vitest';
import { insertionOverflows, keptLength } from './question-limit.js';

const field = (value: string, selectionStart: number | null = value.length, selectionEnd = selectionStart) => ({
  value,
  selectionStart,
  selectionEnd,
});

describe('insertionOverflows', () => {
  it('is false while the text fits, up to exactly the limit', () => {
    expect(insertionOverflows(field(''), 'a'.repeat(10), 10)).toBe(false);
    expect(insertionOverflows(field('abcd'), 'efghij', 10)).toBe(false);
  });

  it('is true for a paste or a keystroke past the limit', () => {
    expect(insertionOverflows(field(''), 'a'.repeat(11), 10)).toBe(true);
    expect(insertionOverflows(field('a'.repeat(10)), 'b', 10)).toBe(true);
    // The caret in the middle changes nothing: the length is what counts.
    expect(insertionOverflows(field('a'.repeat(8), 2), 'bcd', 10)).toBe(true);
  });

  it('counts the selection as replaced', () => {
    expect(insertionOverflows(field('a'.repeat(10), 0, 10), 'b'.repeat(10), 10)).toBe(false);
    expect(insertionOverflows(field('a'.repeat(10), 0, 5), 'b'.repeat(6), 10)).toBe(true);
    // A selection made backwards reads the same.
    expect(keptLength(field('a'.repeat(10), 7, 3))).toBe(10);
    expect(keptLength(field('a'.repeat(10), 3, 7))).toBe(6);
  });

  it('counts UTF-16 units, as maxlength does (an emoji is two)', () => {
    expect(insertionOverflows(field('a'.repeat(9)), '😀', 10)).toBe(true);
    expect(insertionOverflows(field('a'.repeat(9)), '问', 10)).toBe(false);
  });

  it('without a known selection, inserts at the end', () => {
    expect(keptLength(field('abc', null, null))).toBe(3);
  });
});
