/**
 * An OpenAI-compatible speech endpoint: `POST {baseUrl}/audio/speech` with `response_format: "pcm"`, which
 * OpenAI defines as raw 24 kHz mono signed 16-bit little-endian samples. The body is read as it streams in
 * and passed on in ~100 ms chunks, so a clause starts to play before the server has finished making it.
 * Self-hosted servers that speak the same wire format (openedai-speech, Kokoro-FastAPI, …) work too.
 */
import { SpeechSynthesisError, type TextToSpeech } from './tts.js';
import { fetchUpstream } from '../../security/upstream-fetch.js';

export const OPENAI_TTS_SAMPLE_RATE = 24_000;
const BYTES_PER_SAMPLE = 2;
/** ~100 ms of audio. */
const CHUNK_BYTES = (OPENAI_TTS_SAMPLE_RATE / 10) * BYTES_PER_SAMPLE;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Longest clause audio accepted: 2 minutes. A server that streams forever is cut off. */
const MAX_AUDIO_BYTES = 120 * OPENAI_TTS_SAMPLE_RATE * BYTES_PER_SAMPLE;

export interface OpenAiTtsOptions {
  /** e.g. `https://api.openai.com/v1`; `/audio/speech` is appended. */
  baseUrl: string;
  /** Default `tts-1`. */
  model?: string;
  /** Sent as `Authorization: Bearer`; never logged, never part of an error message. */
  apiKey?: string;
  /** Give up when the first audio byte (or the next one) takes longer. Default 10 000 ms. */
  timeoutMs?: number;
  /** Playback speed 0.25..4 (OpenAI's `speed`); left out when unset. */
  speed?: number;
}

export class OpenAiTts implements TextToSpeech {
  readonly sampleRate = OPENAI_TTS_SAMPLE_RATE;
  private readonly url: string;
  private readonly model: string;
  private readonly apiKey: string | undefined;
  private readonly timeoutMs: number;
  private readonly speed: number | undefined;

  constructor(options: OpenAiTtsOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/audio/speech`;
    this.model = options.model ?? 'tts-1';
    this.apiKey = options.apiKey;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.speed = options.speed;
  }

  async close(): Promise<void> {
    // fetch keeps no connection of ours open beyond a request.
  }

  async *synthesize(text: string, voice: string, signal: AbortSignal): AsyncIterable<Uint8Array> {
    if (signal.aborted) return;
    const controller = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | null = null;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.timeoutMs);
    };
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    arm();
    let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
    try {
      let response: Response;
      try {
        response = await this.request(text, voice, controller.signal);
      } catch (error) {
        if (signal.aborted) return;
        throw this.failure(timedOut ? 'timed out before answering' : 'could not be reached', error);
      }
      reader = (await pcmBody(response)).getReader();
      let pending: Uint8Array = new Uint8Array(0);
      let produced = 0;
      for (;;) {
        let result: { done: boolean; value?: Uint8Array };
        try {
          result = await reader.read();
        } catch (error) {
          if (signal.aborted) return;
          throw this.failure(timedOut ? 'stalled' : 'dropped the connection', error);
        }
        if (signal.aborted) return;
        if (result.done) break;
        arm();
        const value = result.value ?? new Uint8Array(0);
        pending = pending.length ? concat(pending, value) : value;
        // Pass on whole ~100 ms chunks; keep the rest (and an odd trailing byte) for the next read.
        while (pending.length >= CHUNK_BYTES) {
          const chunk = pending.slice(0, CHUNK_BYTES);
          pending = pending.subarray(CHUNK_BYTES);
          produced += chunk.length;
          if (produced > MAX_AUDIO_BYTES) throw new SpeechSynthesisError('Speech server sent more audio than a clause can take.');
          yield chunk;
          if (signal.aborted) return;
        }
      }
      const usable = pending.length - (pending.length % BYTES_PER_SAMPLE);
      if (usable > 0) {
        produced += usable;
        yield pending.slice(0, usable);
      }
      if (produced === 0) throw new SpeechSynthesisError('Speech server sent no audio.');
    } finally {
      if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      // Stops the download when the consumer stopped early (interrupt) or something failed.
      if (reader) reader.cancel().catch(() => undefined);
      controller.abort();
    }
  }

  private request(text: string, voice: string, signal: AbortSignal): Promise<Response> {
    return fetchUpstream(this.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'audio/pcm, application/octet-stream',
        ...(this.apiKey ? { Authorization: `Bearer ${this.apiKey}` } : {}),
      },
      body: JSON.stringify({
        model: this.model,
        input: text,
        voice,
        response_format: 'pcm',
        ...(this.speed !== undefined ? { speed: this.speed } : {}),
      }),
      signal,
    });
  }

  private failure(what: string, cause: unknown): SpeechSynthesisError {
    return new SpeechSynthesisError(`Speech server at ${safeOrigin(this.url)} ${what}.`, { cause });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

/** The first 200 characters of an error body (OpenAI's `{"error":{"message"}}` when it is one). */
export async function readErrorDetail(response: Response): Promise<string> {
  try {
    const text = (await response.text()).slice(0, 2000);
    try {
      const json = JSON.parse(text) as { error?: { message?: unknown } | string };
      const message = typeof json.error === 'string' ? json.error : json.error?.message;
      if (typeof message === 'string') return message.slice(0, 200);
    } catch {
      // not JSON
    }
    return text.replace(/\s+/g, ' ').trim().slice(0, 200);
  } catch {
    return '';
  }
}

/** Scheme, host and port only: a base URL may carry credentials or tokens in its path or query. */
export function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

/** The PCM stream of a successful answer; anything else is a SpeechSynthesisError with the server's own words. */
async function pcmBody(response: Response): Promise<ReadableStream<Uint8Array>> {
  if (!response.ok) {
    const detail = await readErrorDetail(response);
    throw new SpeechSynthesisError(`Speech server answered HTTP ${response.status}${detail ? `: ${detail}` : ''}.`);
  }
  const contentType = response.headers.get('content-type') ?? '';
  // A 200 with JSON or text is a server that did not understand the request (or a proxy's error page).
  if (/json|text\/|html/i.test(contentType)) {
    const detail = await readErrorDetail(response);
    throw new SpeechSynthesisError(`Speech server sent ${contentType.split(';')[0]} instead of PCM${detail ? `: ${detail}` : ''}.`);
  }
  if (!response.body) throw new SpeechSynthesisError('Speech server sent no body.');
  return response.body;
}
