import { isValidChatId, LIMITS } from '@dhkit/protocol';
import { describe, expect, it } from 'vitest';
import { newChatId, validateDrivenText, validateExtendParam, validateQuestion } from './chat.js';
import { DHKitError } from './errors.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof DHKitError ? error.code : 'NOT_A_DHKIT_ERROR';
  }
  return undefined;
}

describe('newChatId', () => {
  it('fits the protocol format and does not repeat', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = newChatId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
      expect(isValidChatId(id)).toBe(true);
      ids.add(id);
    }
    expect(ids.size).toBe(1000);
  });
});

describe('validateQuestion', () => {
  it('trims', () => {
    expect(validateQuestion('  What are your opening hours?\n')).toBe('What are your opening hours?');
  });

  it('rejects empty and blank questions with QUESTION_EMPTY', () => {
    expect(codeOf(() => validateQuestion(''))).toBe('QUESTION_EMPTY');
    expect(codeOf(() => validateQuestion(' \t\n '))).toBe('QUESTION_EMPTY');
    expect(codeOf(() => validateQuestion(undefined))).toBe('QUESTION_EMPTY');
  });

  it('allows exactly the limit and rejects one more with QUESTION_TOO_LONG', () => {
    expect(validateQuestion('a'.repeat(LIMITS.questionMaxChars))).toHaveLength(LIMITS.questionMaxChars);
    expect(validateQuestion(`  ${'问'.repeat(LIMITS.questionMaxChars)}  `)).toHaveLength(LIMITS.questionMaxChars);
    expect(codeOf(() => validateQuestion('a'.repeat(LIMITS.questionMaxChars + 1)))).toBe('QUESTION_TOO_LONG');
  });

  it('answers in the session language', () => {
    try {
      validateQuestion('', 'zh_CN');
    } catch (error) {
      expect((error as DHKitError).message).toBe('问题不能为空。');
    }
  });
});

describe('validateDrivenText', () => {
  it('defaults isLast to true and lets only the last piece be empty', () => {
    expect(validateDrivenText('Hello', undefined)).toEqual({ text: 'Hello', isLast: true });
    expect(validateDrivenText('', true)).toEqual({ text: '', isLast: true });
    expect(codeOf(() => validateDrivenText('  ', false))).toBe('INVALID_REQUEST');
  });

  it('rejects wrong types and too long pieces', () => {
    expect(codeOf(() => validateDrivenText(5, true))).toBe('INVALID_REQUEST');
    expect(codeOf(() => validateDrivenText('x', 'yes'))).toBe('INVALID_REQUEST');
    expect(codeOf(() => validateDrivenText('x'.repeat(LIMITS.drivenTextMaxChars + 1), true))).toBe('INVALID_REQUEST');
  });
});

describe('validateExtendParam', () => {
  it('passes a small JSON object through and leaves undefined alone', () => {
    expect(validateExtendParam({ tier: 'gold', page: '/loans' })).toEqual({ tier: 'gold', page: '/loans' });
    expect(validateExtendParam(undefined)).toBeUndefined();
  });

  it.each([
    ['an array', [1, 2]],
    ['a string', 'tier=gold'],
    ['null', null],
    ['too large', { blob: 'x'.repeat(LIMITS.extendParamMaxBytes) }],
    ['not serialisable', { big: 10n }],
  ])('refuses %s with INVALID_REQUEST', (_label, value) => {
    expect(() => validateExtendParam(value)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });
});
