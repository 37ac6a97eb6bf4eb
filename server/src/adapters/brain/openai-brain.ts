/**
 * An OpenAI-compatible chat completions endpoint (OpenAI, Azure-style gateways, vLLM, Ollama, llama.cpp…)
 * streamed over SSE: tokens are yielded as they arrive, so the turn can speak the first clause before the
 * model has finished. The key goes only into the Authorization header; it is never logged or put in an error.
 */
import type { OpenAiBrainConfig } from '@dhkit/protocol';
import { BrainError, type Brain, type BrainChunk, type BrainContext } from './brain.js';
import { answerLanguage } from './fallback.js';
import { BrainRequest, DEFAULT_MAX_DURATION_MS, DEFAULT_TIMEOUT_MS, bodyOf, describeUrl, replyFormat, readJson } from './http-brain.js';
import type { KnowledgeBrain } from './knowledge-brain.js';
import { readSseData } from './sse.js';
import { fetchUpstream } from '../../security/upstream-fetch.js';

export const DEFAULT_HISTORY_TURNS = 6;
/** Knowledge entries added to the system prompt with useKnowledge. */
const KNOWLEDGE_CONTEXT_ENTRIES = 3;
const KNOWLEDGE_CONTEXT_MIN_CONFIDENCE = 0.2;

const DEFAULT_SYSTEM_PROMPT =
  'You are a friendly digital human on a website. Your answers are spoken aloud: keep them short, ' +
  'start with a short sentence, and answer in the language of the question.';

export interface OpenAiBrainOptions {
  /** For useKnowledge: retrieval over the robot's knowledge base. */
  knowledge?: KnowledgeBrain;
  maxDurationMs?: number;
}

interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export class OpenAiBrain implements Brain {
  constructor(
    private readonly config: OpenAiBrainConfig,
    private readonly options: OpenAiBrainOptions = {},
  ) {}

  async *answer(question: string, context: BrainContext): AsyncIterable<BrainChunk> {
    const { config } = this;
    const url = `${config.baseUrl.replace(/\/+$/, '')}/chat/completions`;
    const what = `LLM ${describeUrl(url)}`;
    const messages = await this.messages(question, context);
    if (context.signal.aborted) return;
    const request = new BrainRequest(
      context.signal,
      config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      this.options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS,
      what,
    );
    const language = answerLanguage(question, context.robot, context.language);
    let first = true;
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
      if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
      const response = await fetchUpstream(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          model: config.model,
          messages,
          stream: true,
          ...(config.temperature !== undefined ? { temperature: config.temperature } : {}),
          ...(config.maxTokens !== undefined ? { max_tokens: config.maxTokens } : {}),
        }),
        signal: request.signal,
      });
      if ((await replyFormat(response, what)) === 'json') {
        // A server that ignores stream:true answers with one completion.
        const text = completionText(await readJson(response, request, what), what);
        yield { text, language };
        return;
      }
      let finished = false;
      for await (const data of readSseData(bodyOf(response))) {
        if (data.trim() === '[DONE]') return;
        const { text, finishReason } = delta(data, what);
        if (finishReason) finished = true;
        if (text === '') continue;
        request.touch();
        yield first ? { text, language } : { text };
        first = false;
      }
      // Without [DONE] the stream is complete only if the model said why it stopped.
      if (!finished) throw new BrainError('BRAIN_UNAVAILABLE', `${what} ended the stream without [DONE].`);
    } catch (error) {
      if (request.interrupted) return;
      throw request.toBrainError(error);
    } finally {
      request.dispose();
    }
  }

  private async messages(question: string, context: BrainContext): Promise<ChatMessage[]> {
    let system = this.config.systemPrompt ?? DEFAULT_SYSTEM_PROMPT;
    if (this.config.useKnowledge && this.options.knowledge) {
      const index = await this.options.knowledge.index(context.robot.id);
      const matches = index
        .search(question, { limit: KNOWLEDGE_CONTEXT_ENTRIES })
        .filter((m) => m.confidence >= KNOWLEDGE_CONTEXT_MIN_CONFIDENCE);
      if (matches.length > 0) {
        system +=
          '\n\nAnswer from these knowledge-base entries when they fit; keep any markdown images or links they contain.\n' +
          matches.map((m, i) => `[${i + 1}] Q: ${m.entry.question}\nA: ${m.entry.answer}`).join('\n');
      }
    }
    const turns = this.config.historyTurns ?? DEFAULT_HISTORY_TURNS;
    const history = turns > 0 ? (context.history ?? []).slice(-2 * turns) : [];
    return [{ role: 'system', content: system }, ...history, { role: 'user', content: question }];
  }
}

/** The text of one streamed chunk ('' for chunks without text) and whether it says why the model stopped. */
function delta(data: string, what: string): { text: string; finishReason: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new BrainError('BRAIN_UNAVAILABLE', `${what} sent a malformed stream event.`);
  }
  if (!isObject(parsed)) throw new BrainError('BRAIN_UNAVAILABLE', `${what} sent a malformed stream event.`);
  if (parsed.error !== undefined) throw new BrainError('BRAIN_UNAVAILABLE', `${what} reported an error in the stream.`);
  const choices = parsed.choices;
  if (!Array.isArray(choices)) throw new BrainError('BRAIN_UNAVAILABLE', `${what} sent an event without choices.`);
  const choice = choices[0];
  if (!isObject(choice)) return { text: '', finishReason: false };
  const content = isObject(choice.delta) ? choice.delta.content : undefined;
  return { text: typeof content === 'string' ? content : '', finishReason: typeof choice.finish_reason === 'string' };
}

function completionText(parsed: unknown, what: string): string {
  const choice = isObject(parsed) && Array.isArray(parsed.choices) ? parsed.choices[0] : undefined;
  const content = isObject(choice) && isObject(choice.message) ? choice.message.content : undefined;
  if (typeof content !== 'string') throw new BrainError('BRAIN_UNAVAILABLE', `${what} sent a completion without text.`);
  return content;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
