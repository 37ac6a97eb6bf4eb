/**
 * Answer, suggest or decline, from the ranked matches alone (ranking and deciding are separate steps, so
 * the operators' search route shows exactly what the brain would do). The features are scale-free: the
 * best match's confidence (already relative to the question's own best possible score, see
 * lexical-index.ts) and its lead over the runner-up entry (their ratio). A close runner-up means the question sits
 * between two entries ("花呗怎么还款" vs "借呗怎么还款" when it names neither), where answering either one is
 * a coin toss, so the visitor is asked which one was meant.
 *
 * The defaults were chosen on the TUNE half of the bench:kb data sets and the demo paraphrase set, and
 * checked on the held-out halves (docs/knowledge-base.md has the figures).
 */
import type { IndexableEntry, KnowledgeMatch } from './lexical-index.js';

/** Confidence at or above which an entry answers (robot setting `brain.threshold`). */
export const ANSWER_THRESHOLD = 0.33;
/** Confidence at or above which an entry is offered as "did you mean" when nothing is sure enough. */
export const SUGGEST_THRESHOLD = 0.25;
/** The best entry answers only when the runner-up's confidence is at most this share of its own... */
const MAX_RUNNER_UP_RATIO = 0.9;
/** ...unless it is this sure. */
const SURE_CONFIDENCE = 0.7;
/**
 * A match on question frames and function words alone (lexical-index.ts: `framesOnly`, "what does APR mean"
 * for "what does this mean") is ranked by how short the known question is more than by what was asked, so
 * it answers only with a wide lead, however confident: "how much is it" → "how much does it cost" (runner-up
 * at 0.52 of it) answers; "what does this mean" between "what does APR mean" and "what does overdraft
 * mean" (0.85) is a question about which one. The TUNE halves of bench:kb do not move with it.
 */
const FRAMES_ONLY_MAX_RUNNER_UP_RATIO = 0.6;
export const MAX_SUGGESTIONS = 3;

export interface DecisionThresholds {
  answer: number;
  suggest: number;
}

export type KnowledgeDecision<E extends IndexableEntry = IndexableEntry> =
  | { kind: 'answer'; match: KnowledgeMatch<E> }
  | { kind: 'suggest'; suggestions: KnowledgeMatch<E>[]; confidence: number }
  | { kind: 'fallback'; confidence: number };

/** `matches` best first, as the index returns them. */
export function decide<E extends IndexableEntry>(
  matches: readonly KnowledgeMatch<E>[],
  thresholds: DecisionThresholds = { answer: ANSWER_THRESHOLD, suggest: SUGGEST_THRESHOLD },
): KnowledgeDecision<E> {
  const [top, runnerUp] = matches;
  if (!top) return { kind: 'fallback', confidence: 0 };
  const runnerUpConfidence = runnerUp?.confidence ?? 0;
  const clearLead = top.framesOnly
    ? runnerUpConfidence <= FRAMES_ONLY_MAX_RUNNER_UP_RATIO * top.confidence
    : runnerUpConfidence <= MAX_RUNNER_UP_RATIO * top.confidence || top.confidence >= SURE_CONFIDENCE;
  if (top.confidence >= thresholds.answer && clearLead) {
    return { kind: 'answer', match: top };
  }
  const suggestions = matches.slice(0, MAX_SUGGESTIONS).filter((m) => m.confidence >= Math.min(thresholds.suggest, thresholds.answer));
  if (suggestions.length > 0) return { kind: 'suggest', suggestions, confidence: top.confidence };
  return { kind: 'fallback', confidence: top.confidence };
}
