import type { ServerMessage } from '@dhkit/protocol';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { routeServerMessage, type SessionMessageHandlers, type TurnMessageHandlers } from './server-messages.js';

function recorder(): { calls: unknown[][]; handlers: TurnMessageHandlers & SessionMessageHandlers } {
  const calls: unknown[][] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) =>
      void calls.push([name, ...args]);
  const handlers = {
    handleTurnStart: record('turnStart'),
    handleSemantic: record('semantic'),
    handleSpeech: record('speech'),
    handleTurnEnd: record('turnEnd'),
    handleLanguageChanged: record('languageChanged'),
    handleError: record('error'),
    handleSpeechRecognized: record('speechRecognized'),
    handleSessionEndMention: record('sessionEndMention'),
    handleSessionEnd: record('sessionEnd'),
  };
  return { calls, handlers };
}

const route = (message: unknown, handlers: TurnMessageHandlers & SessionMessageHandlers) =>
  routeServerMessage(message as ServerMessage, handlers, handlers, createLogger('silent'));

describe('routeServerMessage', () => {
  it('routes each message to its handler with normalized fields', () => {
    const { calls, handlers } = recorder();
    route({ type: 'turnStart', chatId: 'c1', kind: 'question' }, handlers);
    route({ type: 'semantic', chatId: 'c1', text: 'Hi', isLast: 1 }, handlers);
    route({ type: 'semantic', chatId: 'c1' }, handlers);
    route({ type: 'turnEnd', chatId: 'c1', reason: 'done' }, handlers);
    route({ type: 'speechRecognized', chatId: 'v1', text: 'hello', isLast: true }, handlers);
    route({ type: 'sessionEndMention', reason: 'MAX_DURATION', restTime: 'x' }, handlers);
    route({ type: 'sessionEnd', reason: 'KICKED' }, handlers);
    expect(calls).toEqual([
      ['turnStart', 'c1'],
      ['semantic', 'c1', 'Hi', true],
      ['semantic', 'c1', '', false],
      ['turnEnd', 'c1'],
      ['speechRecognized', 'v1', 'hello', true],
      ['sessionEndMention', 0, 'MAX_DURATION'],
      ['sessionEnd', 'KICKED'],
    ]);
  });

  it('maps unknown error codes to INTERNAL_ERROR and drops unknown languages and types', () => {
    const { calls, handlers } = recorder();
    route({ type: 'error', code: 'NO_SUCH_CODE' }, handlers);
    route({ type: 'error', code: 'BRAIN_TIMEOUT', message: 'slow' }, handlers);
    route({ type: 'languageChanged', language: 'fr_FR' }, handlers);
    route({ type: 'languageChanged', language: 'zh_CN' }, handlers);
    route({ type: 'pong', t: Date.now() }, handlers);
    route({ type: 'somethingNew' }, handlers);
    expect(calls).toEqual([
      ['error', 'INTERNAL_ERROR', 'INTERNAL_ERROR'],
      ['error', 'BRAIN_TIMEOUT', 'slow'],
      ['languageChanged', 'zh_CN'],
    ]);
  });
});
