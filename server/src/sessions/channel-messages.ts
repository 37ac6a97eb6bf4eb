/** Validation of client → server channel messages; anything off gets INVALID_REQUEST, never a crash. */
import type { RawData } from 'ws';
import { LIMITS, isLanguageCode, isValidChatId, isValidExtendParam, type ClientMessage } from '@dhkit/protocol';

/** Bytes in a received frame (ws hands over a Buffer, an ArrayBuffer or fragments). */
export function frameSize(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}

/** A binary frame's bytes. */
export function frameBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

export type ParseResult = { ok: true; message: ClientMessage } | { ok: false; reason: string; chatId?: string };

export function parseClientMessage(raw: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'The message is not valid JSON.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'A message must be a JSON object.' };
  }
  const m = value as Record<string, unknown>;
  const chatId = isValidChatId(m.chatId) ? m.chatId : undefined;
  const fail = (reason: string): ParseResult => ({ ok: false, reason, chatId });
  switch (m.type) {
    case 'hello':
      if (typeof m.token !== 'string' || typeof m.protocol !== 'number') {
        return fail('hello needs a string token and a numeric protocol.');
      }
      return { ok: true, message: { type: 'hello', token: m.token, protocol: m.protocol, ...(m.resume === true ? { resume: true } : {}) } };
    case 'question':
      if (!isValidChatId(m.chatId)) return fail('question needs a chatId of 8..64 characters [A-Za-z0-9_-].');
      if (typeof m.text !== 'string') return fail('question needs a string text.');
      if (m.extendParam !== undefined && !isValidExtendParam(m.extendParam)) {
        return fail(`question's extendParam must be a JSON object of at most ${LIMITS.extendParamMaxBytes} bytes.`);
      }
      return {
        ok: true,
        message: {
          type: 'question',
          chatId: m.chatId,
          text: m.text,
          ...(m.extendParam !== undefined ? { extendParam: m.extendParam } : {}),
        },
      };
    case 'drivenText':
      if (!isValidChatId(m.chatId)) return fail('drivenText needs a chatId of 8..64 characters [A-Za-z0-9_-].');
      if (typeof m.text !== 'string' || typeof m.isLast !== 'boolean') {
        return fail('drivenText needs a string text and a boolean isLast.');
      }
      return { ok: true, message: { type: 'drivenText', chatId: m.chatId, text: m.text, isLast: m.isLast } };
    case 'interrupt':
      return { ok: true, message: { type: 'interrupt' } };
    case 'ping':
      if (typeof m.t !== 'number' || !Number.isFinite(m.t)) return fail('ping needs a numeric t.');
      return { ok: true, message: { type: 'ping', t: m.t } };
    case 'bye':
      return { ok: true, message: { type: 'bye' } };
    case 'stillHere':
      return { ok: true, message: { type: 'stillHere' } };
    case 'changeLanguage':
      if (!isLanguageCode(m.language)) return fail('changeLanguage needs a language like "zh_CN" or "en_US".');
      return { ok: true, message: { type: 'changeLanguage', language: m.language } };
    case 'audioStart':
      if (!isValidChatId(m.chatId)) return fail('audioStart needs a chatId of 8..64 characters [A-Za-z0-9_-].');
      if (typeof m.sampleRate !== 'number' || m.encoding !== 'pcm_s16le') {
        return fail('audioStart needs a numeric sampleRate and encoding "pcm_s16le".');
      }
      return { ok: true, message: { type: 'audioStart', chatId: m.chatId, sampleRate: m.sampleRate, encoding: 'pcm_s16le' } };
    case 'audioEnd':
    case 'audioCancel':
      if (!isValidChatId(m.chatId)) return fail(`${m.type} needs a chatId of 8..64 characters [A-Za-z0-9_-].`);
      return { ok: true, message: { type: m.type, chatId: m.chatId } };
    default:
      return fail(typeof m.type === 'string' ? `Unknown message type "${m.type.slice(0, 40)}".` : 'A message needs a type.');
  }
}
