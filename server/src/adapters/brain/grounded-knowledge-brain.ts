/**
 * A knowledge robot with an LLM (`brain.llm`): retrieval finds the best entries, and the LLM answers in its
 * own words from them only, streamed (docs/knowledge-base.md#grounded-llm-answers). The knowledge base keeps
 * the last word:
 * - retrieval declines (decision "fallback") → the fallback answer, and the LLM is not called: with no entry
 *   near the question it has nothing to ground on and could only make an answer up (or spend a round trip
 *   to say it does not know);
 * - the LLM says no entry answers (it replies NO_ANSWER) → "did you mean" with the grounding entries;
 * - the LLM fails, or sends no first token within `firstTokenTimeoutMs` → the plain knowledge reply
 *   (the entry's answer, or "did you mean"), so a slow or broken LLM never leaves the visitor waiting.
 * Once the LLM has started answering, a later failure ends the turn as any brain failure does.
 */
import type { KnowledgeLlmConfig } from '@dhkit/protocol';
import type { Brain, BrainChunk, BrainContext } from './brain.js';
import { SUGGEST_THRESHOLD, type KnowledgeDecision } from './knowledge/decision.js';
import type { IndexableEntry, KnowledgeMatch } from './knowledge/lexical-index.js';
import { plainReply, type KnowledgeBrain } from './knowledge-brain.js';
import { OpenAiBrain } from './openai-brain.js';

const DEFAULT_GROUNDING_ENTRIES = 3;
const DEFAULT_FIRST_TOKEN_TIMEOUT_MS = 2500;
/** The LLM's whole reply when no entry answers the question. */
export const NO_ANSWER_MARK = 'NO_ANSWER';

const DEFAULT_PERSONA = 'You are a friendly digital human on a website.';

/** Why the plain knowledge reply was given instead of the LLM's (for the log). */
export type GroundingFallback = { reason: 'timeout'; timeoutMs: number } | { reason: 'error'; error: unknown };

/** The system prompt: the persona, the grounding rules, the entries. */
function groundingPrompt(config: Pick<KnowledgeLlmConfig, 'systemPrompt'>, matches: readonly KnowledgeMatch[]): string {
  const entries = matches.map((m, i) => `[${i + 1}] Q: ${m.entry.question}\nA: ${m.entry.answer}`).join('\n\n');
  return [
    config.systemPrompt ?? DEFAULT_PERSONA,
    '',
    "Answer the visitor's question using only the knowledge-base entries below. Your answer is spoken aloud: keep it " +
      'short, start with a short sentence, and answer in the language of the question.',
    '- Use only what the entries say; never add facts, numbers, names or links of your own.',
    '- Keep every Markdown image, link and other markup of the entry you answer from exactly as written: they are shown on screen.',
    `- If no entry answers the question, reply with exactly ${NO_ANSWER_MARK} and nothing else.`,
    '',
    'Entries:',
    entries,
  ].join('\n');
}

/** The entries the LLM is given: the best one, and the others close enough to be offered as "did you mean". */
function groundingEntries(matches: readonly KnowledgeMatch[]): KnowledgeMatch[] {
  return matches.filter((m, i) => i === 0 || m.confidence >= SUGGEST_THRESHOLD);
}

export class GroundedKnowledgeBrain implements Brain {
  constructor(
    private readonly config: KnowledgeLlmConfig,
    private readonly knowledge: KnowledgeBrain,
    private readonly onFallback: (fallback: GroundingFallback) => void = () => {},
  ) {}

  async *answer(question: string, context: BrainContext): AsyncIterable<BrainChunk> {
    const { matches, decision } = await this.knowledge.lookup(context.robot, question, this.config.entries ?? DEFAULT_GROUNDING_ENTRIES);
    if (context.signal.aborted) return;
    if (decision.kind === 'fallback') {
      yield plainReply(decision, question, context);
      return;
    }
    yield* this.grounded(question, context, groundingEntries(matches), decision);
  }

  private async *grounded(
    question: string,
    context: BrainContext,
    matches: KnowledgeMatch[],
    decision: Exclude<KnowledgeDecision<IndexableEntry>, { kind: 'fallback' }>,
  ): AsyncIterable<BrainChunk> {
    // Our own signal for the LLM: the visitor's interruption aborts it, and so does giving up on the first token.
    const controller = new AbortController();
    const onInterrupt = () => controller.abort();
    context.signal.addEventListener('abort', onInterrupt, { once: true });
    const { entries: _entries, firstTokenTimeoutMs: _firstToken, systemPrompt: _persona, ...llm } = this.config;
    const brain = new OpenAiBrain({ type: 'openai', ...llm, systemPrompt: groundingPrompt(this.config, matches) });
    const stream = brain.answer(question, { ...context, signal: controller.signal })[Symbol.asyncIterator]();
    try {
      const opening = await this.opening(stream, controller);
      if (context.signal.aborted) return;
      if (opening.kind === 'fallback') {
        this.onFallback(opening.fallback);
        yield plainReply(decision, question, context);
        return;
      }
      if (opening.kind === 'declined') {
        yield plainReply({ kind: 'suggest', suggestions: matches, confidence: confidenceOf(decision) }, question, context);
        return;
      }
      const top = matches[0]!;
      yield { text: opening.text, language: opening.language, confidence: confidenceOf(decision), answered: true, entryId: top.entry.id };
      for (let next = await stream.next(); !next.done; next = await stream.next()) {
        if (next.value.text !== '') yield { text: next.value.text };
      }
    } finally {
      context.signal.removeEventListener('abort', onInterrupt);
      controller.abort();
      await stream.return?.();
    }
  }

  /**
   * Reads the LLM's reply until it is clear whether it answers or declines (the first characters could be
   * the start of NO_ANSWER), within the first-token time limit.
   */
  private async opening(
    stream: AsyncIterator<BrainChunk>,
    controller: AbortController,
  ): Promise<
    | { kind: 'answer'; text: string; language: BrainChunk['language'] }
    | { kind: 'declined' }
    | { kind: 'fallback'; fallback: GroundingFallback }
  > {
    const timeoutMs = this.config.firstTokenTimeoutMs ?? DEFAULT_FIRST_TOKEN_TIMEOUT_MS;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    let text = '';
    let language: BrainChunk['language'];
    try {
      for (let next = await stream.next(); !next.done; next = await stream.next()) {
        language ??= next.value.language;
        text += next.value.text;
        const start = text.trimStart();
        if (start.startsWith(NO_ANSWER_MARK)) return { kind: 'declined' };
        if (start !== '' && !NO_ANSWER_MARK.startsWith(start)) return { kind: 'answer', text, language };
      }
      if (timedOut) return { kind: 'fallback', fallback: { reason: 'timeout', timeoutMs } };
      // The whole reply fit in the mark's first letters ("NO"): short, but an answer.
      if (text.trim() !== '') return { kind: 'answer', text, language };
      return { kind: 'fallback', fallback: { reason: 'error', error: new Error('The LLM sent an empty answer.') } };
    } catch (error) {
      return { kind: 'fallback', fallback: timedOut ? { reason: 'timeout', timeoutMs } : { reason: 'error', error } };
    } finally {
      clearTimeout(timer);
    }
  }
}

function confidenceOf(decision: Exclude<KnowledgeDecision<IndexableEntry>, { kind: 'fallback' }>): number {
  return decision.kind === 'answer' ? decision.match.confidence : decision.confidence;
}
