/**
 * The built-in brain: retrieval over the robot's question/answer entries (knowledge/knowledge-index.ts,
 * docs/knowledge-base.md). A confident match answers with the entry's answer in the entry's language; an
 * unsure one gets "did you mean" suggestions; anything else gets the fallback answer in the question's
 * language. The index is built once per robot (and per key-term setting) and kept in memory.
 */
import type { LanguageCode, Robot } from '@dhkit/protocol';
import type { Brain, BrainChunk, BrainContext } from './brain.js';
import { answerLanguage, fallbackAnswer, suggestionSentence } from './fallback.js';
import { ANSWER_THRESHOLD, SUGGEST_THRESHOLD, type DecisionThresholds, type KnowledgeDecision } from './knowledge/decision.js';
import type { KeyTermsConfig } from './knowledge/key-terms.js';
import { KnowledgeIndex, type LookupResult } from './knowledge/knowledge-index.js';
import type { IndexableEntry } from './knowledge/lexical-index.js';

export { FALLBACK_ANSWERS } from './fallback.js';
export { detectLanguage, tokenize } from './knowledge/tokenize.js';
export { ANSWER_THRESHOLD, SUGGEST_THRESHOLD, type KnowledgeDecision } from './knowledge/decision.js';
export { KnowledgeIndex, type LookupResult } from './knowledge/knowledge-index.js';
export type { IndexableEntry, KnowledgeMatch } from './knowledge/lexical-index.js';

export interface KnowledgeBrainOptions<E extends IndexableEntry = IndexableEntry> {
  loadEntries(robotId: string): Promise<E[]>;
  /** Matches below this get suggestions or the fallback answer (default ANSWER_THRESHOLD). */
  threshold?: number;
}

/** The robot's own vocabulary and thresholds, from its brain settings (knowledge robots only). */
export function knowledgeSettings(robot: Robot): { vocabulary?: KeyTermsConfig; threshold?: number } {
  const brain = robot.brain;
  if (brain.type !== 'knowledge') return {};
  const vocabulary = brain.keyTerms || brain.synonyms ? { keyTerms: brain.keyTerms, synonyms: brain.synonyms } : undefined;
  return { vocabulary, threshold: brain.threshold };
}

export class KnowledgeBrain<E extends IndexableEntry = IndexableEntry> implements Brain {
  private readonly indexes = new Map<string, { vocabularyKey: string; index: Promise<KnowledgeIndex<E>> }>();

  constructor(private readonly options: KnowledgeBrainOptions<E>) {}

  /** Drops the cached index of a robot after its knowledge changed. */
  invalidate(robotId: string): void {
    this.indexes.delete(robotId);
  }

  /** The robot's index (built on first use, and again when its key terms or synonyms change). */
  index(robotId: string, vocabulary?: KeyTermsConfig): Promise<KnowledgeIndex<E>> {
    const vocabularyKey = JSON.stringify(vocabulary ?? null);
    const cached = this.indexes.get(robotId);
    if (cached && cached.vocabularyKey === vocabularyKey) return cached.index;
    const thresholds = { answer: this.options.threshold ?? ANSWER_THRESHOLD, suggest: SUGGEST_THRESHOLD };
    const index = this.options.loadEntries(robotId).then((entries) => new KnowledgeIndex(entries, thresholds, vocabulary));
    index.catch(() => {
      if (this.indexes.get(robotId)?.index === index) this.indexes.delete(robotId);
    });
    this.indexes.set(robotId, { vocabularyKey, index });
    return index;
  }

  /** What the brain would do with a question to this robot: ranked matches and the decision (search route). */
  async lookup(robot: Robot, question: string, limit?: number): Promise<LookupResult<E>> {
    const { vocabulary, threshold } = knowledgeSettings(robot);
    const index = await this.index(robot.id, vocabulary);
    return index.lookup(question, { limit, thresholds: thresholdsFor(index, threshold) });
  }

  async *answer(question: string, context: BrainContext): AsyncIterable<BrainChunk> {
    const { decision } = await this.lookup(context.robot, question);
    if (context.signal.aborted) return;
    yield plainReply(decision, question, context);
  }
}

/** The knowledge base's own reply to a decision: the entry's answer, "did you mean", or the fallback answer. */
export function plainReply(decision: KnowledgeDecision<IndexableEntry>, question: string, context: BrainContext): BrainChunk {
  if (decision.kind === 'answer') {
    const { entry, confidence } = decision.match;
    return { text: entry.answer, language: entry.language, confidence, answered: true, entryId: entry.id };
  }
  const language: LanguageCode = answerLanguage(question, context.robot, context.language);
  if (decision.kind === 'suggest') {
    const questions = decision.suggestions.map((m) => m.entry.question);
    return {
      text: suggestionSentence(language, questions),
      language,
      confidence: decision.confidence,
      answered: false,
      suggestions: questions,
      // Logged with the question, so the analytics can offer the suggested entry to attach it to.
      entryId: decision.suggestions[0]?.entry.id,
    };
  }
  return { text: fallbackAnswer(context.robot, language), language, confidence: decision.confidence, answered: false };
}

/** The robot's own answer threshold, when it set one; suggestions never need more than an answer. */
function thresholdsFor(index: KnowledgeIndex, answerAt: number | undefined): DecisionThresholds {
  if (answerAt === undefined) return index.thresholds;
  return { answer: answerAt, suggest: Math.min(index.thresholds.suggest, answerAt) };
}
