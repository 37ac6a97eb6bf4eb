import { describe, expect, it } from 'vitest';
import { addToast, QUESTION_ERRORS, shouldShowError, withoutCodes } from './toasts.js';

describe('status toasts', () => {
  it('shows every error, weak ones only with enableWeakErrorInfo', () => {
    expect(shouldShowError('CONCURRENCY_LIMIT', false)).toBe(true);
    expect(shouldShowError('NETWORK_ERROR', false)).toBe(true);
    expect(shouldShowError('SPEECH_SYNTHESIS_FAILED', false)).toBe(false);
    expect(shouldShowError('SPEECH_SYNTHESIS_FAILED', true)).toBe(true);
    expect(shouldShowError('MEDIA_BLOCKED', false)).toBe(false);
    expect(shouldShowError('NETWORK_ERROR', false, true)).toBe(false);
  });

  it('replaces a repeated code and keeps the newest few', () => {
    let list = addToast([], { id: 1, code: 'A', weak: false });
    list = addToast(list, { id: 2, code: 'B', weak: false });
    list = addToast(list, { id: 3, code: 'A', weak: false });
    expect(list.map((toast) => toast.id)).toEqual([2, 3]);
    list = addToast(list, { id: 4, code: 'C', weak: false });
    list = addToast(list, { id: 5, code: 'D', weak: false });
    expect(list.map((toast) => toast.code)).toEqual(['A', 'C', 'D']);
  });

  it('drops the refusals of earlier questions and keeps the rest', () => {
    const list = [
      { id: 1, code: 'QUESTION_EMPTY', weak: false },
      { id: 2, code: 'NETWORK_ERROR', weak: false },
      { id: 3, code: 'QUESTION_TOO_LONG', weak: false },
    ];
    expect(withoutCodes(list, QUESTION_ERRORS).map((toast) => toast.code)).toEqual(['NETWORK_ERROR']);
  });
});
