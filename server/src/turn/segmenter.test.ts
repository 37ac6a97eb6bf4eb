import { describe, expect, it } from 'vitest';
import { ClauseSegmenter } from './segmenter.js';

function segmentAll(pieces: string[], options?: ConstructorParameters<typeof ClauseSegmenter>[0]): string[] {
  const segmenter = new ClauseSegmenter(options);
  return [...pieces.flatMap((piece) => segmenter.push(piece)), ...segmenter.flush()];
}

describe('ClauseSegmenter', () => {
  it('cuts Chinese at clause punctuation and keeps the text whole', () => {
    const text = '你好！我是演示数字人。你可以问我问题，也可以打断我；再见';
    const clauses = segmentAll([text]);
    expect(clauses).toEqual(['你好！', '我是演示数字人。', '你可以问我问题，', '也可以打断我；', '再见']);
    expect(clauses.join('')).toBe(text);
  });

  it('cuts English at ". " and commas followed by space, not inside numbers', () => {
    const clauses = segmentAll(['Hello there. It costs 3.5 dollars, or 1,000 yen! Bye']);
    expect(clauses).toEqual(['Hello there. ', 'It costs 3.5 dollars, ', 'or 1,000 yen! ', 'Bye']);
  });

  it('emits clauses as soon as they are complete while streaming', () => {
    const segmenter = new ClauseSegmenter();
    expect(segmenter.push('Hi')).toEqual([]);
    expect(segmenter.push(' there,')).toEqual([]); // "," waits for the next char ("1,000" is no cut)
    expect(segmenter.push(' how')).toEqual(['Hi there, ']);
    expect(segmenter.push(' are you? I am')).toEqual(['how are you? ']);
    expect(segmenter.flush()).toEqual(['I am']);
  });

  it('handles mixed Chinese and English', () => {
    expect(segmentAll(['我会说中文和 English. Ask me anything！好的'])).toEqual(['我会说中文和 English. ', 'Ask me anything！', '好的']);
  });

  it('lets the first clause be short but merges later short clauses forward', () => {
    expect(segmentAll(['嗯，好，我知道了。是，对的。'])).toEqual(['嗯，', '好，我知道了。', '是，对的。']);
  });

  it('never cuts inside a markdown image, a link, an HTML tag or a URL', () => {
    const image = '![架构图，请看。](/demo/assets/a.svg)';
    const link = '[the docs, here](https://example.com/a?b=1,2)';
    const tag = '<img src="/x.svg" alt="a, b. c">';
    const clauses = segmentAll([`看图：${image}说明。See ${link} now. Map: ${tag} done. Visit https://dhkit.dev/a.b?x=1;y=2 today.`]);
    expect(clauses.some((c) => c.includes(image))).toBe(true);
    expect(clauses.some((c) => c.includes(link))).toBe(true);
    expect(clauses.some((c) => c.includes(tag))).toBe(true);
    expect(clauses.some((c) => c.includes('https://dhkit.dev/a.b?x=1;y=2'))).toBe(true);
  });

  it('waits for a markdown image split across pieces', () => {
    const segmenter = new ClauseSegmenter();
    expect(segmenter.push('Look: ![a, b')).toEqual([]);
    expect(segmenter.push('](/x.svg) nice. Next')).toEqual(['Look: ![a, b](/x.svg) nice. ']);
    expect(segmenter.flush()).toEqual(['Next']);
  });

  it('forces a cut at the maximum length, at a space when there is one', () => {
    const english = segmentAll(['word '.repeat(40)], { maxChars: 30 });
    expect(english.length).toBeGreaterThan(5);
    for (const clause of english.slice(0, -1)) {
      expect(clause.length).toBeLessThanOrEqual(30);
      expect(clause.endsWith(' ')).toBe(true);
    }
    const chinese = segmentAll(['字'.repeat(100)], { maxChars: 40 });
    expect(chinese.map((c) => c.length)).toEqual([40, 40, 20]);
  });
});
