import { isErrorCode, isLanguageCode, type ErrorCode, type LanguageCode, type ServerMessage, type SpeechMessage } from '@dhkit/protocol';
import type { EndMentionReason } from './events.js';
import type { Logger } from './logger.js';

/** Where the messages of a turn go (the conversation), fields checked and normalized. */
export interface TurnMessageHandlers {
  handleTurnStart(chatId: string): void;
  handleSemantic(chatId: string, text: string, isLast: boolean): void;
  handleSpeech(message: SpeechMessage): void;
  handleTurnEnd(chatId: string): void;
  handleSpeechRecognized(chatId: string, text: string, isLast: boolean): void;
}

/** Where the messages about the session go (the digital human). */
export interface SessionMessageHandlers {
  handleLanguageChanged(language: LanguageCode): void;
  handleError(code: ErrorCode, message: string): void;
  handleSessionEndMention(restTime: number, reason: EndMentionReason): void;
  handleSessionEnd(reason: string): void;
}

/** Routes one channel message (after the handshake) to its handler; unknown types are logged and dropped. */
export function routeServerMessage(message: ServerMessage, turn: TurnMessageHandlers, to: SessionMessageHandlers, log: Logger): void {
  switch (message.type) {
    case 'turnStart':
      log.debug('turnStart', message.chatId, message.kind);
      return turn.handleTurnStart(message.chatId);
    case 'semantic':
      return turn.handleSemantic(message.chatId, String(message.text ?? ''), !!message.isLast);
    case 'speech':
      log.debug('speech', message.chatId, message.clauseId, message.text);
      return turn.handleSpeech(message);
    case 'turnEnd':
      log.debug('turnEnd', message.chatId, message.reason);
      return turn.handleTurnEnd(message.chatId);
    case 'languageChanged':
      if (isLanguageCode(message.language)) to.handleLanguageChanged(message.language);
      return;
    case 'error': {
      const code = isErrorCode(message.code) ? message.code : 'INTERNAL_ERROR';
      return to.handleError(code, String(message.message ?? code));
    }
    case 'speechRecognized':
      return turn.handleSpeechRecognized(message.chatId, String(message.text ?? ''), !!message.isLast);
    case 'pong':
      log.debug('pong, rtt ms', Date.now() - message.t);
      return;
    case 'sessionEndMention':
      log.info('sessionEndMention', message.reason, message.restTime);
      return to.handleSessionEndMention(Number(message.restTime) || 0, message.reason === 'MAX_DURATION' ? 'MAX_DURATION' : 'IDLE_TIMEOUT');
    case 'sessionEnd':
      log.info('sessionEnd', message.reason);
      return to.handleSessionEnd(message.reason);
    default:
      log.debug('ignored message', (message as { type: string }).type);
  }
}
