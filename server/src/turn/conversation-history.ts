/** A session's conversation so far, for brains that answer in context (an LLM, a customer's webhook). */
import type { HistoryMessage } from '../adapters/brain/brain.js';

export interface ConversationHistoryOptions {
  /** Question/answer pairs kept (older ones are dropped). Default 20. */
  maxTurns?: number;
  /** Characters kept per message. Default 2000. */
  maxChars?: number;
}

/** In memory, per session: dropped with the session. */
export class ConversationHistory {
  private readonly turns: Array<{ question: string; answer: string }> = [];
  private readonly maxTurns: number;
  private readonly maxChars: number;

  constructor(options: ConversationHistoryOptions = {}) {
    this.maxTurns = options.maxTurns ?? 20;
    this.maxChars = options.maxChars ?? 2000;
  }

  get size(): number {
    return this.turns.length;
  }

  /** Records an answered question; an empty answer (nothing was said) is not recorded. */
  add(question: string, answer: string): void {
    if (answer.trim() === '') return;
    this.turns.push({ question: question.slice(0, this.maxChars), answer: answer.slice(0, this.maxChars) });
    if (this.turns.length > this.maxTurns) this.turns.splice(0, this.turns.length - this.maxTurns);
  }

  /** The last `turns` question/answer pairs as chat messages, oldest first. */
  recent(turns = this.maxTurns): HistoryMessage[] {
    if (turns <= 0) return [];
    return this.turns.slice(-turns).flatMap(({ question, answer }) => [
      { role: 'user' as const, content: question },
      { role: 'assistant' as const, content: answer },
    ]);
  }

  clear(): void {
    this.turns.length = 0;
  }
}
