/**
 * The one search path of the built-in knowledge base: rank the entries (lexical-index.ts), then decide
 * (decision.ts). The brain and the operators' search route both call `lookup`, so what the route shows is
 * what a visitor would get.
 */
import { ANSWER_THRESHOLD, MAX_SUGGESTIONS, SUGGEST_THRESHOLD, decide } from './decision.js';
import type { DecisionThresholds, KnowledgeDecision } from './decision.js';
import { KeyTerms, type KeyTermsConfig } from './key-terms.js';
import { LexicalIndex, type IndexableEntry, type KnowledgeMatch, type SearchOptions } from './lexical-index.js';
import type { TokenWeights } from './tokenize.js';

export interface LookupResult<E extends IndexableEntry = IndexableEntry> {
  /** Best first, at most the asked limit (and never fewer than the decision looked at). */
  matches: KnowledgeMatch<E>[];
  decision: KnowledgeDecision<E>;
}

export class KnowledgeIndex<E extends IndexableEntry = IndexableEntry> extends LexicalIndex<E> {
  constructor(
    entries: readonly E[],
    readonly thresholds: DecisionThresholds = { answer: ANSWER_THRESHOLD, suggest: SUGGEST_THRESHOLD },
    vocabulary?: KeyTermsConfig,
    tokenized?: ReadonlyMap<string, TokenWeights>,
  ) {
    super(entries, vocabulary ? new KeyTerms(vocabulary) : undefined, tokenized);
  }

  /** The best entry regardless of thresholds, or null when nothing shares a token. */
  best(question: string): KnowledgeMatch<E> | null {
    return this.search(question, { limit: 1 })[0] ?? null;
  }

  /** Ranked matches and the decision the brain takes on them. */
  lookup(question: string, options: SearchOptions & { thresholds?: DecisionThresholds } = {}): LookupResult<E> {
    const limit = options.limit ?? MAX_SUGGESTIONS;
    const matches = this.search(question, { tags: options.tags, work: options.work, limit: Math.max(limit, MAX_SUGGESTIONS) });
    return { matches: matches.slice(0, limit), decision: decide(matches, options.thresholds ?? this.thresholds) };
  }

  /** Answer, suggest or decline. */
  decide(question: string, thresholds = this.thresholds, options: Omit<SearchOptions, 'limit'> = {}): KnowledgeDecision<E> {
    return this.lookup(question, { ...options, thresholds }).decision;
  }
}
