/** Robot shapes: the full record the admin API manages, and the public profile the SDK receives. */
import type { LanguageCode } from './errors.js';

export const SUPPORTED_LANGUAGES: readonly LanguageCode[] = ['zh_CN', 'en_US'];

export function isLanguageCode(value: unknown): value is LanguageCode {
  return typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

/** Settings every brain has. */
export interface BrainConfigBase {
  /** What the robot says when it cannot answer (no match, brain down), per language; built-in defaults otherwise. */
  fallbackAnswers?: Partial<Record<LanguageCode, string>>;
}
/** The built-in knowledge base (docs/brains.md). */
export interface KnowledgeBrainConfig extends BrainConfigBase {
  type: 'knowledge';
  /** Confidence (0..1) at or above which an entry answers (default 0.33). */
  threshold?: number;
  /** Words that decide between entries (product names…): a match or mismatch on them counts more. */
  keyTerms?: string[];
  /** Groups of words that mean the same in this knowledge base (["ASR", "语音识别"]); folded into the first. */
  synonyms?: string[][];
  /** An LLM that answers in its own words from the best entries (docs/knowledge-base.md#grounded-llm-answers). */
  llm?: KnowledgeLlmConfig;
  /** Optional semantic matching through an OpenAI-compatible embeddings endpoint (docs/knowledge-base.md). */
  embeddings?: KnowledgeEmbeddingsConfig;
}
/** The OpenAI-compatible LLM of a knowledge robot: it answers only from the entries retrieval found. */
export interface KnowledgeLlmConfig {
  /** e.g. `https://api.openai.com/v1`; `/chat/completions` is appended. */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer`; never sent to the browser, masked in admin answers, never logged. */
  apiKey?: string;
  /** Added before the grounding rules and entries (the robot's persona, tone). */
  systemPrompt?: string;
  /** Entries given to the LLM, best first (default 3; 1..10). */
  entries?: number;
  /** Without a first token by then, the plain knowledge answer is spoken instead (default 2 500 ms). */
  firstTokenTimeoutMs?: number;
  /** Give up when the next token takes longer (default 10 000 ms). */
  timeoutMs?: number;
  /** Earlier question/answer pairs sent along (default 6; 0 = none). */
  historyTurns?: number;
  temperature?: number;
  maxTokens?: number;
}
/** An OpenAI-compatible `/embeddings` endpoint whose vectors are ranked beside the lexical matches. */
export interface KnowledgeEmbeddingsConfig {
  /** e.g. `https://api.openai.com/v1`; `/embeddings` is appended. */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer`; never sent to the browser, masked in admin answers, never logged. */
  apiKey?: string;
  /** How long a question waits for its vector before the lexical ranking answers alone (default 800 ms). */
  timeoutMs?: number;
  /** The cosine similarity that counts as no match at all for this model (default 0.5); 1 is a full match. */
  minSimilarity?: number;
}
/** An OpenAI-compatible chat completions endpoint, streamed. */
export interface OpenAiBrainConfig extends BrainConfigBase {
  type: 'openai';
  /** e.g. `https://api.openai.com/v1`; `/chat/completions` is appended. */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer`; never sent to the browser, masked in admin answers, never logged. */
  apiKey?: string;
  systemPrompt?: string;
  /** Earlier question/answer pairs sent along (default 6; 0 = none). */
  historyTurns?: number;
  /** Add the best knowledge-base entries to the system prompt (default false). */
  useKnowledge?: boolean;
  /** Give up when the first token (or the next one) takes longer (default 10 000 ms). */
  timeoutMs?: number;
  temperature?: number;
  maxTokens?: number;
}
/** The customer's own HTTP endpoint, signed with HMAC-SHA256 (docs/brains.md#webhook). */
export interface WebhookBrainConfig extends BrainConfigBase {
  type: 'webhook';
  url: string;
  /** HMAC key; never sent to the browser, masked in admin answers, never logged. */
  secret: string;
  /** Earlier question/answer pairs sent along (default 6; 0 = none). */
  historyTurns?: number;
  /** Give up when the reply (or the next streamed piece) takes longer (default 10 000 ms). */
  timeoutMs?: number;
}
/** Where answers come from. Secrets (`apiKey`, `secret`) never leave the server: RobotProfile has no brain. */
export type BrainConfig = KnowledgeBrainConfig | OpenAiBrainConfig | WebhookBrainConfig;

/** Speech output engine (docs/voice.md). Absent: espeak-ng. Secrets stay on the server (not in RobotProfile). */
export type TtsConfig =
  | { type: 'espeak' }
  | {
      /** An OpenAI-compatible `POST {baseUrl}/audio/speech`, streamed as 24 kHz PCM. */
      type: 'openai';
      /** e.g. `https://api.openai.com/v1`. */
      baseUrl: string;
      /** Default `tts-1`. */
      model?: string;
      /** Sent as `Authorization: Bearer`; never sent to the browser, never logged. */
      apiKey?: string;
      /** Give up when the first (or next) audio byte takes longer (default 10 000 ms). */
      timeoutMs?: number;
    };

/** Speech recognition for voice input (docs/voice.md). Absent: voice input is refused. */
export interface AsrConfig {
  /** An OpenAI-compatible `POST {baseUrl}/audio/transcriptions` (OpenAI, whisper servers). */
  type: 'openai';
  baseUrl: string;
  /** Default `whisper-1`. */
  model?: string;
  /** Sent as `Authorization: Bearer`; never sent to the browser, never logged. */
  apiKey?: string;
  /** ISO-639-1 language sent to the server; default: from the session language (`zh`, `en`). */
  language?: string;
  /** Give up after this long (default 15 000 ms). */
  timeoutMs?: number;
}

/**
 * One pronunciation fix: `word` in the spoken text is replaced by `say`, which may use the SSML subset
 * `<sub alias>`, `<break time>`, `<say-as interpret-as="characters">`. Captions are never changed.
 */
export interface LexiconEntry {
  word: string;
  say: string;
}

/** Short filler phrases spoken while a slow brain has not said anything yet. */
export interface PacifyConfig {
  enabled: boolean;
  /** Speak a phrase when nothing speakable has come from the brain this long after the question (0..3000). */
  triggerMs: number;
  /** Phrases per language; one is picked at random. */
  phrases: Partial<Record<LanguageCode, string[]>>;
}

export interface HotQuestion {
  language: LanguageCode;
  text: string;
}

/**
 * How the avatar reaches the visitor (docs/livekit.md). `local` (default): the browser draws it. `livekit`: a
 * renderer (docs/renderer-protocol.md) publishes its video and audio into a LiveKit room the visitor joins.
 * Secrets (`apiSecret`, the renderer's `secret`) never leave the server and are masked in admin answers.
 */
export interface MediaConfig {
  mode: 'local' | 'livekit';
  /** The LiveKit server: `wss://…` URL the browser and the renderer connect to; key and secret mint tokens. */
  livekit?: { url: string; apiKey: string; apiSecret: string };
  /** The renderer's HTTP base URL; `secret` is sent as `Authorization: Bearer` on every call. */
  renderer?: { url: string; secret?: string };
  /** When no renderer slot is free: admit in local mode instead of refusing with SERVER_BUSY. */
  fallbackToLocal?: boolean;
  /** The renderer draws a green screen, which the SDK keys out: the avatar floats over the page. */
  chromaKey?: boolean;
  /** ICE servers (e.g. your own TURN) for the visitor's browser, besides those the LiveKit server offers. */
  iceServers?: IceServer[];
}

/** A token bucket: `burst` at once, then `perMinute` spread over each minute. */
export interface RateLimit {
  burst: number;
  perMinute: number;
}

/** What one session may send; over a limit the message is refused with RATE_LIMITED. */
export interface RateLimits {
  /** Text questions (each may cost a paid LLM call), and driven texts that open a new turn (each starts speech). */
  questions?: RateLimit;
  /** Driven-text pieces sent on the channel. */
  drivenText?: RateLimit;
  /** Voice utterances (each costs a speech recognition). */
  utterances?: RateLimit;
}

/** As RTCIceServer. */
export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

/** The robot as the admin API returns it. */
export interface Robot {
  id: string;
  name: string;
  /** Concurrent sessions allowed (0..1024). */
  concurrency: number;
  languages: LanguageCode[];
  defaultLanguage: LanguageCode;
  /** espeak-ng voice per language, e.g. {"zh_CN": "cmn", "en_US": "en-us"}. */
  voices: Partial<Record<LanguageCode, string>>;
  brain: BrainConfig;
  /** Filler phrases for slow brains (off when absent). */
  pacify?: PacifyConfig;
  /** Speech output engine; espeak-ng when absent. `voices` then name that engine's voices. */
  tts?: TtsConfig;
  /** Speech recognition for voice input; voice questions are refused when absent. */
  asr?: AsrConfig;
  /** Pronunciation fixes applied to the spoken text (not to captions). */
  lexicon?: LexiconEntry[];
  /** Per-session rate limits (docs/quotas-and-timeouts.md); the defaults apply to what is absent. */
  rateLimits?: RateLimits;
  /** Origins allowed to embed this robot (exact `scheme://host[:port]`, or "*"). */
  allowedOrigins: string[];
  /** Hosts media in answers may come from (besides the server itself). */
  mediaAllowlist: string[];
  /** Show the "AI-generated" label. */
  aiLabel: boolean;
  idleTimeoutSeconds: number;
  maxSessionSeconds: number;
  hotQuestions: HotQuestion[];
  /** Avatar pack id, served at `/avatars/<id>/` (default "default"). */
  avatar: string;
  /** Media mode; local when absent. */
  media?: MediaConfig;
  createdAt: string;
  updatedAt: string;
}

/** What the browser learns about a robot: nothing secret. */
export interface RobotProfile {
  id: string;
  name: string;
  languages: LanguageCode[];
  defaultLanguage: LanguageCode;
  aiLabel: boolean;
  hotQuestions: HotQuestion[];
  mediaAllowlist: string[];
  /** Avatar pack id; the SDK loads `/avatars/<id>/manifest.json`. */
  avatar: string;
  /** The server can recognize speech for this robot (it has `asr`): voice input may be offered. */
  voiceInput?: boolean;
}

export function toRobotProfile(robot: Robot): RobotProfile {
  return {
    id: robot.id,
    name: robot.name,
    languages: [...robot.languages],
    defaultLanguage: robot.defaultLanguage,
    aiLabel: robot.aiLabel,
    hotQuestions: robot.hotQuestions.map((q) => ({ ...q })),
    mediaAllowlist: [...robot.mediaAllowlist],
    // Robots stored before avatar packs existed have no field.
    avatar: robot.avatar ?? 'default',
    voiceInput: robot.asr !== undefined,
  };
}
