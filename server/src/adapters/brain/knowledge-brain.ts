/**
 * The built-in brain: retrieval over the robot's question/answer entries (BM25 over ICU words and Han
 * bigrams, see knowledge/bm25-index.ts and docs/brains.md). A confident match answers with the entry's
 * answer in the entry's language; an unsure one (between the suggestion and the answer threshold) gets
 * "did you mean" suggestions; anything else gets the fallback answer in the question's language. The index
 * is built once per robot and kept in memory, so a lookup over a few hundred entries takes microseconds.
 */
import type { LanguageCode } from '@dhkit/protocol';
import type { Brain, BrainChunk, BrainContext } from './brain.js';
import { answerLanguage, fallbackAnswer, suggestionSentence } from './fallback.js';
import { Bm25Index, type IndexableEntry, type KnowledgeMatch, type SearchOptions } from './knowledge/bm25-index.js';

export { FALLBACK_ANSWERS } from './fallback.js';
export { detectLanguage, tokenize } from './knowledge/tokenize.js';
export type { IndexableEntry, KnowledgeMatch } from './knowledge/bm25-index.js';

/** Confidence at or above which an entry answers. */
const ANSWER_THRESHOLD = 0.3;
/** Confidence at or above which an entry is offered as "did you mean" when nothing is sure enough. */
const SUGGEST_THRESHOLD = 0.2;
const MAX_SUGGESTIONS = 3;

export type KnowledgeDecision<E extends IndexableEntry = IndexableEntry> =
  | { kind: 'answer'; match: KnowledgeMatch<E> }
  | { kind: 'suggest'; suggestions: KnowledgeMatch<E>[]; confidence: number }
  | { kind: 'fallback'; confidence: number };

export class KnowledgeIndex<E extends IndexableEntry = IndexableEntry> extends Bm25Index<E> {
  constructor(
    entries: readonly E[],
    readonly thresholds: { answer: number; suggest: number } = { answer: ANSWER_THRESHOLD, suggest: SUGGEST_THRESHOLD },
  ) {
    super(entries);
  }

  /** The best entry regardless of thresholds, or null when nothing shares a token. */
  best(question: string): KnowledgeMatch<E> | null {
    return this.search(question, { limit: 1 })[0] ?? null;
  }

  /** Answer, suggest or decline. */
  decide(question: string, thresholds = this.thresholds, options: Omit<SearchOptions, 'limit'> = {}): KnowledgeDecision<E> {
    const matches = this.search(question, { ...options, limit: MAX_SUGGESTIONS });
    const top = matches[0];
    if (!top) return { kind: 'fallback', confidence: 0 };
    if (top.confidence >= thresholds.answer) return { kind: 'answer', match: top };
    const suggestions = matches.filter((m) => m.confidence >= thresholds.suggest);
    if (suggestions.length > 0) return { kind: 'suggest', suggestions, confidence: top.confidence };
    return { kind: 'fallback', confidence: top.confidence };
  }
}

export interface KnowledgeBrainOptions<E extends IndexableEntry = IndexableEntry> {
  loadEntries(robotId: string): Promise<E[]>;
  /** Matches below this get suggestions or the fallback answer (default ANSWER_THRESHOLD). */
  threshold?: number;
}

export class KnowledgeBrain<E extends IndexableEntry = IndexableEntry> implements Brain {
  private readonly indexes = new Map<string, Promise<KnowledgeIndex<E>>>();

  constructor(private readonly options: KnowledgeBrainOptions<E>) {}

  /** Drops the cached index of a robot after its knowledge changed. */
  invalidate(robotId: string): void {
    this.indexes.delete(robotId);
  }

  /** The robot's index (built on first use). */
  index(robotId: string): Promise<KnowledgeIndex<E>> {
    let index = this.indexes.get(robotId);
    if (!index) {
      const thresholds = { answer: this.options.threshold ?? ANSWER_THRESHOLD, suggest: SUGGEST_THRESHOLD };
      index = this.options.loadEntries(robotId).then((entries) => new KnowledgeIndex(entries, thresholds));
      index.catch(() => this.indexes.delete(robotId));
      this.indexes.set(robotId, index);
    }
    return index;
  }

  async *answer(question: string, context: BrainContext): AsyncIterable<BrainChunk> {
    const index = await this.index(context.robot.id);
    if (context.signal.aborted) return;
    const brain = context.robot.brain;
    const answerAt = brain.type === 'knowledge' && brain.threshold !== undefined ? brain.threshold : index.thresholds.answer;
    const decision = index.decide(question, { answer: answerAt, suggest: Math.min(index.thresholds.suggest, answerAt) });
    if (decision.kind === 'answer') {
      const { entry, confidence } = decision.match;
      yield { text: entry.answer, language: entry.language, confidence, answered: true, entryId: entry.id };
      return;
    }
    const language: LanguageCode = answerLanguage(question, context.robot, context.language);
    if (decision.kind === 'suggest') {
      const questions = decision.suggestions.map((m) => m.entry.question);
      yield {
        text: suggestionSentence(language, questions),
        language,
        confidence: decision.confidence,
        answered: false,
        suggestions: questions,
      };
      return;
    }
    yield { text: fallbackAnswer(context.robot, language), language, confidence: decision.confidence, answered: false };
  }
}

