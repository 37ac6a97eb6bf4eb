import { describe, expect, it } from 'vitest';
import { normalizeQuestion, numberedPlaceholders, percentileOffset } from './question-analytics.js';

describe('question analytics helpers', () => {
  it('normalizes case, spacing, punctuation and full-width forms', () => {
    expect(normalizeQuestion('  What CAN you   do?! ')).toBe('what can you do');
    expect(normalizeQuestion("what's\tnew")).toBe('what s new');
    expect(normalizeQuestion('你能做什么？')).toBe('你能做什么');
    expect(normalizeQuestion('ＡＢＣ，展厅在哪里')).toBe('abc 展厅在哪里');
    expect(normalizeQuestion('???')).toBe('');
  });

  it('numbers placeholders for PostgreSQL and picks nearest-rank offsets', () => {
    expect(numberedPlaceholders('a = ? AND b < ? LIMIT ?')).toBe('a = $1 AND b < $2 LIMIT $3');
    expect(percentileOffset(1, 0.95)).toBe(0);
    expect(percentileOffset(8, 0.5)).toBe(3);
    expect(percentileOffset(8, 0.95)).toBe(7);
    expect(percentileOffset(100, 0.95)).toBe(94);
  });
});
