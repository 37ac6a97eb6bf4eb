import type { QuestionMessage } from '@dhkit/protocol';
import type { AvatarState } from '../avatar/avatar-surface.js';

/**
 * The bookkeeping of one digital human's chats: which are waiting for the server, which are audible, which
 * question waits for its first audio, which driven utterance is still being sent. Pure state, no I/O: the
 * owner decides what to stop when `reset()` hands back the chats that were going on.
 */
export class ChatState {
  /** Chats asked or driven whose turnEnd has not come yet. */
  readonly pending = new Set<string>();
  /** Chats whose audio is playing. */
  readonly speaking = new Set<string>();
  /** The question waiting for its first audio (the avatar looks thoughtful meanwhile). */
  thinkingChatId: string | null = null;
  /** The driven utterance being sent piece by piece, until isLast. */
  drivenChatId: string | null = null;
  /**
   * The last question until the server starts its turn: a question sent in the instant a network blip
   * kills the socket is lost with it, so a resumed channel asks it again (same chatId).
   */
  unansweredQuestion: QuestionMessage | null = null;

  /** A question went up: the avatar thinks until its first audio. */
  asked(question: QuestionMessage): void {
    this.unansweredQuestion = question;
    this.pending.add(question.chatId);
    this.thinkingChatId = question.chatId;
  }

  /** The first piece of a driven utterance: a new chat that stays open until its isLast piece. */
  startDriven(chatId: string): void {
    this.drivenChatId = chatId;
    this.pending.add(chatId);
  }

  handleTurnStart(chatId: string, interrupted: boolean): void {
    if (this.unansweredQuestion?.chatId === chatId) this.unansweredQuestion = null;
    if (!interrupted) this.pending.add(chatId);
  }

  handleTurnEnd(chatId: string): void {
    this.pending.delete(chatId);
    if (this.thinkingChatId === chatId) this.thinkingChatId = null;
  }

  handleSpeakingStart(chatId: string): void {
    this.speaking.add(chatId);
    if (this.thinkingChatId === chatId) this.thinkingChatId = null;
  }

  /** Returns whether nothing is audible any more. */
  handleSpeakingStop(chatId: string): boolean {
    this.speaking.delete(chatId);
    return this.speaking.size === 0;
  }

  /** A final, empty recognition: there is no question to wait for. Returns whether that changed anything. */
  handleNothingHeard(chatId: string): boolean {
    if (this.thinkingChatId !== chatId) return false;
    this.thinkingChatId = null;
    return true;
  }

  /**
   * Forgets every chat going on and returns their ids (to be cut off locally). `keepUnanswered`: the question
   * still waiting for its turn stays, to be asked again on a resumed channel, and is not among those cut off.
   */
  reset(options: { keepUnanswered?: boolean } = {}): Set<string> {
    const stopped = new Set(this.pending);
    if (this.drivenChatId) stopped.add(this.drivenChatId);
    const kept = options.keepUnanswered ? this.unansweredQuestion : null;
    if (kept) stopped.delete(kept.chatId);
    this.pending.clear();
    this.speaking.clear();
    this.thinkingChatId = null;
    this.drivenChatId = null;
    this.unansweredQuestion = kept;
    return stopped;
  }

  /** What the avatar shows: asleep is the idle pose; speaking wins over thinking, thinking over listening. */
  avatarState(asleep: boolean, listening: boolean): AvatarState {
    if (asleep) return 'idle';
    if (this.speaking.size > 0) return 'speaking';
    if (this.thinkingChatId) return 'thinking';
    return listening ? 'listening' : 'idle';
  }
}
