import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type DhCaptions from '../captions/captions.component.js';

/** How long a clause caption stays after the speech stopped. */
const CAPTION_LINGER_MS = 1500;

/**
 * What `<digital-human>`'s captions show of the conversation: the answer as written, segment by segment (a new
 * chatId starts a new answer), and the clause being spoken, which lingers a moment after the speech stops.
 * The captions element is looked up on each call: it exists only while `enableCaption` is on.
 */
export class AnswerCaptions implements ReactiveController {
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;
  private answerChatId = '';

  constructor(
    host: ReactiveControllerHost,
    private readonly captions: () => DhCaptions | null,
  ) {
    host.addController(this);
  }

  /** Shows the clause being spoken (plain text; pacifying fillers too). */
  showClause(text: string): void {
    clearTimeout(this.lingerTimer);
    const captions = this.captions();
    if (captions) captions.clause = text;
  }

  /** Clears the clause after a short linger. */
  clearClauseSoon(delayMs = CAPTION_LINGER_MS): void {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = setTimeout(() => this.showClause(''), delayMs);
  }

  /**
   * Appends a segment to the answer shown; a new chatId starts a new answer. Returns whether an answer is
   * shown now, or null without captions.
   */
  addAnswer(chatId: string, text: string, isLast: boolean): boolean | null {
    const captions = this.captions();
    if (!captions) return null;
    if (chatId !== this.answerChatId) {
      this.answerChatId = chatId;
      captions.answer = '';
      captions.complete = false;
    }
    captions.answer += text;
    if (isLast) captions.complete = true;
    return captions.answer.trim() !== '';
  }

  /** The answer shown will get no more segments (interrupted). */
  endAnswer(): void {
    const captions = this.captions();
    if (captions?.answer) captions.complete = true;
    this.answerChatId = '';
  }

  /** Clears the answer and the clause at once. */
  clear(): void {
    clearTimeout(this.lingerTimer);
    const captions = this.captions();
    if (captions) {
      captions.answer = '';
      captions.clause = '';
      captions.complete = false;
    }
    this.answerChatId = '';
  }

  hostDisconnected(): void {
    clearTimeout(this.lingerTimer);
  }
}
