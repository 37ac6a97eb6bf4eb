/**
 * An OpenAI-compatible transcription endpoint: `POST {baseUrl}/audio/transcriptions`, multipart, with the
 * utterance as a WAV file. OpenAI's own API and self-hosted whisper servers (faster-whisper-server /
 * speaches, whisper.cpp's server with its OpenAI route, LocalAI, …) speak this format.
 */
import type { LanguageCode } from '@dhkit/protocol';
import { readErrorDetail, safeOrigin } from '../tts/openai-tts.js';
import { SpeechRecognitionError, pcmToWav, type SpeechRecognizer, type Utterance } from './asr.js';
import { fetchUpstream } from '../../security/upstream-fetch.js';

const DEFAULT_TIMEOUT_MS = 15_000;
const ISO_639_1: Record<LanguageCode, string> = { zh_CN: 'zh', en_US: 'en' };

export interface OpenAiAsrOptions {
  /** e.g. `https://api.openai.com/v1`; `/audio/transcriptions` is appended. */
  baseUrl: string;
  /** Default `whisper-1`. */
  model?: string;
  /** Sent as `Authorization: Bearer`; never logged, never part of an error message. */
  apiKey?: string;
  /** ISO-639-1 code sent as `language`; default: from the session language. */
  language?: string;
  /** Default 15 000 ms for the whole request. */
  timeoutMs?: number;
}

export class OpenAiAsr implements SpeechRecognizer {
  private readonly url: string;

  constructor(private readonly options: OpenAiAsrOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}/audio/transcriptions`;
  }

  async recognize(utterance: Utterance, signal: AbortSignal): Promise<string> {
    signal.throwIfAborted();
    const form = new FormData();
    form.append('file', new Blob([pcmToWav(utterance.pcm, utterance.sampleRate)], { type: 'audio/wav' }), 'utterance.wav');
    form.append('model', this.options.model ?? 'whisper-1');
    form.append('language', this.options.language ?? ISO_639_1[utterance.language]);
    form.append('response_format', 'json');
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      let response: Response;
      let body: string;
      try {
        response = await fetchUpstream(this.url, {
          method: 'POST',
          headers: this.options.apiKey ? { Authorization: `Bearer ${this.options.apiKey}` } : {},
          body: form,
          signal: controller.signal,
        });
        if (!response.ok) {
          const detail = await readErrorDetail(response);
          throw new SpeechRecognitionError(`Transcription server answered HTTP ${response.status}${detail ? `: ${detail}` : ''}.`);
        }
        body = await response.text();
      } catch (error) {
        signal.throwIfAborted();
        if (error instanceof SpeechRecognitionError) throw error;
        const what = timedOut ? 'timed out' : 'could not be reached or dropped the connection';
        throw new SpeechRecognitionError(`Transcription server at ${safeOrigin(this.url)} ${what}.`, { cause: error });
      }
      let text: unknown;
      try {
        text = (JSON.parse(body) as { text?: unknown }).text;
      } catch {
        throw new SpeechRecognitionError('Transcription server sent a reply that is not JSON.');
      }
      if (typeof text !== 'string') throw new SpeechRecognitionError('Transcription server sent no "text".');
      return text.trim();
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }
}
