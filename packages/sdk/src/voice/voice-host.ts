import type { ClientMessage, LanguageCode } from '@dhkit/protocol';
import type { Logger } from '../core/logger.js';

/** What voice input needs from the digital human, as callbacks. */
export interface VoiceHost {
  /** The server's `/sdk` URL (no trailing slash). */
  sdkBase: string;
  sendMessage(message: ClientMessage): boolean;
  sendBinary(frame: Uint8Array): boolean;
  newChatId(): string;
  /** The avatar is speaking now (barge-in applies). */
  isAvatarSpeaking(): boolean;
  /** Voice interrupts the avatar (barge-in), when `enableVadInterrupt` is on. */
  bargeInEnabled(): boolean;
  /** Stops the avatar at once (local playback and the server turn). */
  interrupt(): void;
  /** An utterance was sent; the answer will carry its chatId. */
  utteranceSent(chatId: string): void;
  language(): LanguageCode | undefined;
  log: Logger;
}
