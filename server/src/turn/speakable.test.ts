import { describe, expect, it } from 'vitest';
import { toSpeakable } from './speakable.js';

describe('toSpeakable', () => {
  it('drops images, tags and URLs, keeps link text', () => {
    expect(toSpeakable('看这里：![架构图](/a.svg) 很清楚。')).toBe('看这里：很清楚。');
    expect(toSpeakable('Read [the guide](https://x.dev/guide) first.')).toBe('Read the guide first.');
    expect(toSpeakable('Map: <img src="/m.svg" alt="A map"> here')).toBe('Map: here');
    expect(toSpeakable('Visit https://dhkit.dev/docs today')).toBe('Visit today');
  });

  it('removes markdown symbols and collapses whitespace', () => {
    expect(toSpeakable('## **Bold**   and _it_\n- item `code`')).toBe('Bold and it item code');
  });

  it('returns empty text when nothing is speakable', () => {
    expect(toSpeakable('![only an image](/a.svg)')).toBe('');
    expect(toSpeakable('<br> ** ')).toBe('');
  });
});

describe('toSpeakable on pathological text', () => {
  // An LLM (or a hostile prompt) may stream thousands of unclosed brackets; the old regular expressions
  // backtracked over the rest of the text from each one (seconds for 50,000 characters).
  const cases: Record<string, string> = {
    'unclosed [': '['.repeat(50_000),
    'unclosed ![': '!['.repeat(25_000),
    '[a]( without )': '[a]('.repeat(12_500),
    'unclosed <a': '<a'.repeat(25_000),
    'blank lines': `x${'\n'.repeat(50_000)}y`,
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`stays linear: ${name}`, () => {
      const started = performance.now();
      toSpeakable(text);
      expect(performance.now() - started).toBeLessThan(250);
    });
  }

  it('keeps the old results on nested and broken markup', () => {
    expect(toSpeakable('[a ![b](c) d](e) f')).toBe('a d f');
    expect(toSpeakable('[open and [link](u) then')).toBe('open and [link then');
    expect(toSpeakable('a <b>bold</b> <x and')).toBe('a bold <x and');
    expect(toSpeakable('1 < 2 and [x] (y)')).toBe('1 < 2 and [x] (y)');
  });
});
