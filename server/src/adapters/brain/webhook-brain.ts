/**
 * The customer's own brain behind an HTTPS endpoint (the integration contract is docs/brains.md#webhook).
 * Each question is POSTed as JSON, signed with HMAC-SHA256 over "<t>.<body>" so the endpoint can tell the
 * request comes from this server and is fresh. The reply is JSON {answer} or an SSE stream of
 * data: {"text": "…"} frames ending with data: [DONE].
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookBrainConfig } from '@dhkit/protocol';
import { BrainError, type Brain, type BrainChunk, type BrainContext, type HistoryMessage } from './brain.js';
import { answerLanguage } from './fallback.js';
import { BrainRequest, DEFAULT_MAX_DURATION_MS, DEFAULT_TIMEOUT_MS, bodyOf, describeUrl, replyFormat, readJson } from './http-brain.js';
import { DEFAULT_HISTORY_TURNS } from './openai-brain.js';
import { readSseData } from './sse.js';
import { fetchUpstream } from '../../security/upstream-fetch.js';

export const SIGNATURE_HEADER = 'X-DHKit-Signature';

/** The body the endpoint receives. */
interface WebhookRequestBody {
  sessionId: string | null;
  chatId: string | null;
  robotId: string;
  language: string;
  question: string;
  history: HistoryMessage[];
  extendParam: unknown;
}

/** `t=<unix ms>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` */
export function signWebhookBody(secret: string, body: string, timestampMs = Date.now()): string {
  const mac = createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex');
  return `t=${timestampMs},v1=${mac}`;
}

/**
 * What a receiving endpoint does (exported for tests and for customers on Node): the signature matches the
 * raw body and is at most `toleranceMs` old.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  toleranceMs = 5 * 60_000,
  now = Date.now(),
): boolean {
  if (!header) return false;
  const fields = new Map(header.split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const t = Number(fields.get('t'));
  const v1 = fields.get('v1') ?? '';
  if (!Number.isFinite(t) || Math.abs(now - t) > toleranceMs || !/^[0-9a-f]{64}$/.test(v1)) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(v1, 'hex'));
}

export interface WebhookBrainOptions {
  maxDurationMs?: number;
}

export class WebhookBrain implements Brain {
  constructor(
    private readonly config: WebhookBrainConfig,
    private readonly options: WebhookBrainOptions = {},
  ) {}

  async *answer(question: string, context: BrainContext): AsyncIterable<BrainChunk> {
    const { config } = this;
    const what = `Webhook ${describeUrl(config.url)}`;
    const language = answerLanguage(question, context.robot, context.language);
    const turns = config.historyTurns ?? DEFAULT_HISTORY_TURNS;
    const payload: WebhookRequestBody = {
      sessionId: context.sessionId ?? null,
      chatId: context.chatId ?? null,
      robotId: context.robot.id,
      language,
      question,
      history: turns > 0 ? [...(context.history ?? [])].slice(-2 * turns) : [],
      extendParam: context.extendParam ?? null,
    };
    const body = JSON.stringify(payload);
    if (context.signal.aborted) return;
    const request = new BrainRequest(
      context.signal,
      config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      this.options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS,
      what,
    );
    try {
      const response = await fetchUpstream(config.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          [SIGNATURE_HEADER]: signWebhookBody(config.secret, body),
        },
        body,
        signal: request.signal,
      });
      if ((await replyFormat(response, what)) === 'json') {
        const reply = await readJson(response, request, what);
        const answer = isObject(reply) ? reply.answer : undefined;
        if (typeof answer !== 'string') throw new BrainError('BRAIN_UNAVAILABLE', `${what} replied without a string "answer".`);
        yield { text: answer, language };
        return;
      }
      let first = true;
      for await (const data of readSseData(bodyOf(response))) {
        if (data.trim() === '[DONE]') return;
        let frame: unknown;
        try {
          frame = JSON.parse(data);
        } catch {
          throw new BrainError('BRAIN_UNAVAILABLE', `${what} sent a malformed stream frame.`);
        }
        const text = isObject(frame) ? frame.text : undefined;
        if (typeof text !== 'string') throw new BrainError('BRAIN_UNAVAILABLE', `${what} sent a frame without a string "text".`);
        if (text === '') continue;
        request.touch();
        yield first ? { text, language } : { text };
        first = false;
      }
      throw new BrainError('BRAIN_UNAVAILABLE', `${what} ended the stream without [DONE].`);
    } catch (error) {
      if (request.interrupted) return;
      throw request.toBrainError(error);
    } finally {
      request.dispose();
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
