/**
 * The built-in brain: retrieval over the robot's question/answer entries (knowledge/knowledge-index.ts,
 * docs/knowledge-base.md). A confident match answers with the entry's answer in the entry's language; an
 * unsure one gets "did you mean" suggestions; anything else gets the fallback answer in the question's
 * language. The index is built once per robot (and per key-term setting) and kept in memory.
 */
import type { KnowledgeEmbeddingsConfig, LanguageCode, Robot } from '@dhkit/protocol';
import type { Brain, BrainChunk, BrainContext } from './brain.js';
import { answerLanguage, fallbackAnswer, suggestionSentence } from './fallback.js';
import {
  ANSWER_THRESHOLD,
  MAX_SUGGESTIONS,
  SUGGEST_THRESHOLD,
  decide,
  type DecisionThresholds,
  type KnowledgeDecision,
} from './knowledge/decision.js';
import type { EmbeddingsError } from './knowledge/embeddings-client.js';
import { SemanticMatcher, modelKey, type SemanticState } from './knowledge/semantic-matcher.js';
import type { KeyTermsConfig } from './knowledge/key-terms.js';
import type { KnowledgeIndex, LookupResult } from './knowledge/knowledge-index.js';
import { buildKnowledgeIndex } from './knowledge/index-build.js';
import type { IndexableEntry } from './knowledge/lexical-index.js';

export { FALLBACK_ANSWERS } from './fallback.js';
export { detectLanguage, tokenize } from './knowledge/tokenize.js';
export type { KnowledgeDecision } from './knowledge/decision.js';
export { KnowledgeIndex, type LookupResult } from './knowledge/knowledge-index.js';
export type { IndexableEntry } from './knowledge/lexical-index.js';

export interface KnowledgeBrainOptions<E extends IndexableEntry = IndexableEntry> {
  loadEntries(robotId: string): Promise<E[]>;
  /** Matches below this get suggestions or the fallback answer (default ANSWER_THRESHOLD). */
  threshold?: number;
  /** Where entry vectors are kept (the store), so that unchanged questions are not embedded again. */
  vectors?: {
    load(robotId: string, modelKey: string): Promise<Map<string, Float32Array>>;
    save(robotId: string, modelKey: string, vectors: ReadonlyMap<string, Float32Array>): Promise<void>;
  };
  /** A robot's embeddings endpoint failed (the lexical ranking answered instead). */
  onEmbeddingsError?: (robotId: string, error: EmbeddingsError) => void;
}

/** With embeddings, this many lexical matches are merged with the model's (see hybrid-ranking.ts). */
const HYBRID_LEXICAL_CANDIDATES = 20;

/** The robot's own vocabulary and thresholds, from its brain settings (knowledge robots only). */
function knowledgeSettings(robot: Robot): { vocabulary?: KeyTermsConfig; threshold?: number } {
  const brain = robot.brain;
  if (brain.type !== 'knowledge') return {};
  const vocabulary = brain.keyTerms || brain.synonyms ? { keyTerms: brain.keyTerms, synonyms: brain.synonyms } : undefined;
  return { vocabulary, threshold: brain.threshold };
}

export class KnowledgeBrain<E extends IndexableEntry = IndexableEntry> implements Brain {
  private readonly indexes = new Map<string, { vocabularyKey: string; index: Promise<KnowledgeIndex<E>> }>();
  private readonly semantic = new Map<string, { configKey: string; index: KnowledgeIndex<E>; matcher: SemanticMatcher<E> }>();

  constructor(private readonly options: KnowledgeBrainOptions<E>) {}

  /** Drops the cached index of a robot after its knowledge changed. */
  invalidate(robotId: string): void {
    this.indexes.delete(robotId);
    this.semantic.delete(robotId);
  }

  /** After an import or an edit: drops the robot's index and, when it has embeddings, starts its entries' vectors now. */
  changed(robot: Robot): void {
    this.invalidate(robot.id);
    this.prepareEmbeddings(robot).catch(() => {}); // a store error here is met again by the next question
  }

  /** Builds the robot's index and its entries' vectors; resolves to how that went ('none' without an endpoint). */
  async prepareEmbeddings(robot: Robot): Promise<SemanticState | 'none'> {
    const embeddings = robot.brain.type === 'knowledge' ? robot.brain.embeddings : undefined;
    if (!embeddings) return 'none';
    const index = await this.index(robot.id, knowledgeSettings(robot).vocabulary);
    const matcher = this.semanticFor(robot.id, index, embeddings);
    await matcher.prepare();
    return matcher.state;
  }

  /** The robot's index (built on first use, and again when its key terms or synonyms change). */
  index(robotId: string, vocabulary?: KeyTermsConfig): Promise<KnowledgeIndex<E>> {
    const vocabularyKey = JSON.stringify(vocabulary ?? null);
    const cached = this.indexes.get(robotId);
    if (cached && cached.vocabularyKey === vocabularyKey) return cached.index;
    const thresholds = { answer: this.options.threshold ?? ANSWER_THRESHOLD, suggest: SUGGEST_THRESHOLD };
    const index = this.options.loadEntries(robotId).then((entries) => buildKnowledgeIndex(entries, thresholds, vocabulary));
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
    const thresholds = thresholdsFor(index, threshold);
    const embeddings = robot.brain.type === 'knowledge' ? robot.brain.embeddings : undefined;
    if (!embeddings) return index.lookup(question, { limit, thresholds });
    const shown = limit ?? MAX_SUGGESTIONS;
    const lexical = index.search(question, { limit: Math.max(shown, HYBRID_LEXICAL_CANDIDATES) });
    const ranked = await this.semanticFor(robot.id, index, embeddings).rank(question, lexical, Math.max(shown, MAX_SUGGESTIONS));
    return { matches: ranked.slice(0, shown), decision: decide(ranked, thresholds) };
  }

  /** The robot's embeddings side for this index and endpoint (new when either changed). */
  private semanticFor(robotId: string, index: KnowledgeIndex<E>, config: KnowledgeEmbeddingsConfig): SemanticMatcher<E> {
    const configKey = JSON.stringify(config);
    const cached = this.semantic.get(robotId);
    if (cached && cached.index === index && cached.configKey === configKey) return cached.matcher;
    const vectors = this.options.vectors;
    const key = modelKey(config);
    const stored = vectors && {
      load: () => vectors.load(robotId, key),
      save: (map: ReadonlyMap<string, Float32Array>) => vectors.save(robotId, key, map),
    };
    const onError = (error: EmbeddingsError) => this.options.onEmbeddingsError?.(robotId, error);
    const matcher = new SemanticMatcher(index.entries, config, onError, stored);
    this.semantic.set(robotId, { configKey, index, matcher });
    return matcher;
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
