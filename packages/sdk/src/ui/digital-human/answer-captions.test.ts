import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type DhCaptions from '../captions/captions.component.js';
import { AnswerCaptions } from './answer-captions.js';

const host = { addController: () => {}, removeController: () => {}, requestUpdate: () => {}, updateComplete: Promise.resolve(true) };

/** The three fields of `<dh-captions>` the controller writes. */
function captions() {
  return { answer: '', clause: '', complete: false } as Pick<DhCaptions, 'answer' | 'clause' | 'complete'> as DhCaptions;
}

describe('AnswerCaptions', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('appends the segments of one answer; a new chatId starts a new answer', () => {
    const shown = captions();
    const answer = new AnswerCaptions(host, () => shown);
    expect(answer.addAnswer('chat-1', 'We open ', false)).toBe(true);
    expect(answer.addAnswer('chat-1', 'at nine.', true)).toBe(true);
    expect(shown.answer).toBe('We open at nine.');
    expect(shown.complete).toBe(true);
    answer.addAnswer('chat-2', 'Yes', false);
    expect(shown.answer).toBe('Yes');
    expect(shown.complete).toBe(false);
    // Interrupted: complete as it is; the next segment of the same chat starts over.
    answer.endAnswer();
    expect(shown.complete).toBe(true);
    answer.addAnswer('chat-2', 'Again', false);
    expect(shown.answer).toBe('Again');
  });

  it('keeps a clause until a moment after the speech stopped, unless the next clause comes first', () => {
    const shown = captions();
    const answer = new AnswerCaptions(host, () => shown);
    answer.showClause('We open at nine.');
    answer.clearClauseSoon();
    vi.advanceTimersByTime(1000);
    expect(shown.clause).toBe('We open at nine.');
    answer.showClause('And close at six.');
    vi.advanceTimersByTime(5000);
    expect(shown.clause).toBe('And close at six.');
    answer.clearClauseSoon();
    vi.advanceTimersByTime(1500);
    expect(shown.clause).toBe('');
  });

  it('clears everything at once, and does nothing without captions (enableCaption off)', () => {
    const shown = captions();
    const answer = new AnswerCaptions(host, () => shown);
    answer.addAnswer('chat-1', 'Hello', true);
    answer.showClause('Hello');
    answer.clear();
    expect(shown).toMatchObject({ answer: '', clause: '', complete: false });
    const none = new AnswerCaptions(host, () => null);
    expect(none.addAnswer('chat-1', 'Hello', true)).toBeNull();
    expect(() => none.showClause('Hello')).not.toThrow();
  });
});
