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
