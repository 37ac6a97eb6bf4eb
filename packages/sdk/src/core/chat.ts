import { ERROR_CATALOG, LIMITS, isValidExtendParam, type LanguageCode } from '@dhkit/protocol';
import { DHKitError } from './errors.js';

/**
 * A new chat id: 32 hex chars from crypto.getRandomValues (unlike crypto.randomUUID it also exists on plain
 * http pages other than localhost). Matches the protocol's 8..64 chars of [A-Za-z0-9_-].
 */
export function newChatId(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let id = '';
  for (const byte of bytes) id += byte.toString(16).padStart(2, '0');
  return id;
}

/** Trims and checks a question as the server would; returns the text to send. */
export function validateQuestion(text: unknown, language?: LanguageCode): string {
  if (typeof text !== 'string') {
    throw new DHKitError('QUESTION_EMPTY', `${ERROR_CATALOG.QUESTION_EMPTY.message[language ?? 'en_US']} (text must be a string)`);
  }
  const trimmed = text.trim();
  if (!trimmed) throw DHKitError.fromCode('QUESTION_EMPTY', language);
  if (trimmed.length > LIMITS.questionMaxChars) throw DHKitError.fromCode('QUESTION_TOO_LONG', language);
  return trimmed;
}

/** Checks a question's `extendParam` (data for a webhook brain) as the server would. */
export function validateExtendParam(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isValidExtendParam(value)) {
    throw new DHKitError(
      'INVALID_REQUEST',
      `sendTextQuestion: extendParam must be a JSON object of at most ${LIMITS.extendParamMaxBytes} bytes.`,
    );
  }
  return value;
}

/** Checks one piece of driven text. Only the closing piece (isLast) may be empty. */
export function validateDrivenText(text: unknown, isLast: unknown): { text: string; isLast: boolean } {
  if (typeof text !== 'string') throw new DHKitError('INVALID_REQUEST', 'sendDrivenText: text must be a string.');
  if (isLast !== undefined && typeof isLast !== 'boolean') {
    throw new DHKitError('INVALID_REQUEST', 'sendDrivenText: isLast must be a boolean.');
  }
  const last = isLast ?? true;
  if (!text.trim() && !last) throw new DHKitError('INVALID_REQUEST', 'sendDrivenText: text is empty.');
  if (text.length > LIMITS.drivenTextMaxChars) {
    throw new DHKitError('INVALID_REQUEST', `sendDrivenText: a piece may have at most ${LIMITS.drivenTextMaxChars} characters.`);
  }
  return { text, isLast: last };
}
