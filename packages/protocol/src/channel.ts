/**
 * The session channel: one WebSocket per session between the SDK (or any other client) and the server.
 * Text frames carry the JSON messages below; binary frames carry audio (audio-frames.ts). The session that
 * the channel belongs to is created over HTTP (sessions.ts). `docs/protocol.md` is the prose version of
 * these files; keep them together.
 */
import type { ErrorCode, LanguageCode } from './errors.js';

/** Bumped on any incompatible change of the messages below. Sent in `hello` and `welcome`. */
export const PROTOCOL_VERSION = 1;

export type MediaMode = 'local' | 'livekit';
export type InteractionMode = 'TEXT' | 'AUDIO';

/** Limits both sides enforce. */
export const LIMITS = {
  /** Longest question in characters (after trimming); longer ones get QUESTION_TOO_LONG. */
  questionMaxChars: 500,
  /** Longest driven-text piece in characters. */
  drivenTextMaxChars: 2000,
  /** Largest `extendParam` of a question, as JSON, in bytes. */
  extendParamMaxBytes: 4096,
  /** Largest text frame the server accepts on the channel, in bytes. */
  channelMaxFrameBytes: 64 * 1024,
  /** The client must send `hello` within this time after the socket opens. */
  helloTimeoutMs: 5000,
  /** Voice input: the only sample rate accepted in `audioStart` (mono, pcm_s16le). */
  utteranceSampleRate: 16_000,
  /** Voice input: the longest utterance; audio beyond it is refused and the utterance dropped. */
  utteranceMaxMs: 30_000,
} as const;

// ---- client → server (text frames) ----

export interface HelloMessage {
  type: 'hello';
  token: string;
  protocol: number;
  /** Set when reconnecting after a lost socket; informational (the token alone decides). */
  resume?: boolean;
}
export interface QuestionMessage {
  type: 'question';
  /** Chosen by the client (8..64 chars of [A-Za-z0-9_-]); names the turn in every later message. */
  chatId: string;
  text: string;
  /**
   * The page's own data for this question (a JSON object, at most LIMITS.extendParamMaxBytes as JSON),
   * passed untouched to a webhook brain as `extendParam` — e.g. the visitor's account tier or the page
   * they are on. Other brains ignore it.
   */
  extendParam?: Record<string, unknown>;
}
export interface DrivenTextMessage {
  type: 'drivenText';
  /** Same chatId for every piece of one driven utterance, until `isLast`. */
  chatId: string;
  text: string;
  isLast: boolean;
}
export interface InterruptMessage {
  type: 'interrupt';
}
export interface PingMessage {
  type: 'ping';
  /** Client clock, echoed back in `pong`. */
  t: number;
}
/** Switches the session's language (brain, voice, error texts); answered with `languageChanged` or LANGUAGE_NOT_SUPPORTED. */
export interface ChangeLanguageMessage {
  type: 'changeLanguage';
  /** One of the robot's `languages`. */
  language: LanguageCode;
}
export interface ByeMessage {
  type: 'bye';
}
/**
 * The visitor is still there (they pressed "continue" on the end countdown that `sessionEndMention` brought
 * up): the idle timeout starts over. Nothing else happens.
 */
export interface StillHereMessage {
  type: 'stillHere';
}
/**
 * Voice input: an utterance begins. Its audio follows in binary frames of kind 2 (client audio) with the same
 * chatId, then `audioEnd`. One utterance at a time; a new `audioStart` drops an unfinished one.
 */
export interface AudioStartMessage {
  type: 'audioStart';
  /** Names the utterance and, once recognized, the answer turn. */
  chatId: string;
  /** Must be LIMITS.utteranceSampleRate (16 000). */
  sampleRate: number;
  encoding: AudioEncoding;
}
/** The utterance is complete: the server recognizes it and answers the recognized text as a question. */
export interface AudioEndMessage {
  type: 'audioEnd';
  chatId: string;
}
/** Drop the utterance (a false start, the visitor cancelled): nothing is recognized or answered. */
export interface AudioCancelMessage {
  type: 'audioCancel';
  chatId: string;
}
export type ClientMessage =
  | HelloMessage
  | QuestionMessage
  | DrivenTextMessage
  | InterruptMessage
  | PingMessage
  | ByeMessage
  | StillHereMessage
  | ChangeLanguageMessage
  | AudioStartMessage
  | AudioEndMessage
  | AudioCancelMessage;

// ---- server → client (text frames) ----

export interface WelcomeMessage {
  type: 'welcome';
  protocol: number;
  sessionId: string;
  language: LanguageCode;
  /** True when this hello continued a session whose earlier socket was lost. */
  resumed?: boolean;
}
export interface TurnStartMessage {
  type: 'turnStart';
  chatId: string;
  /** `answer`: the brain answers a question; `driven`: text from sendDrivenText or the admin API. */
  kind: 'answer' | 'driven';
}
/** A segment of the answer as written (markup kept). The SDK's `semanticRecognized`. */
export interface SemanticMessage {
  type: 'semantic';
  chatId: string;
  text: string;
  isLast: boolean;
}
/**
 * Announces one spoken clause; its audio follows in binary frames with the same chatId and clauseId.
 * `text` is what is spoken (markup removed): the caption shown while this clause plays.
 */
export interface SpeechMessage {
  type: 'speech';
  chatId: string;
  clauseId: number;
  text: string;
  sampleRate: number;
  encoding: AudioEncoding;
  /**
   * A pacify phrase ("稍等，我查一下。") spoken while a slow brain has not answered yet: not part of the answer,
   * so it has no `semantic` message; the answer's clauses follow it.
   */
  filler?: true;
  /**
   * Viseme timings of this clause, when the speech engine provides them: the avatar then follows them
   * instead of analysing the audio. Sorted by `t`.
   */
  visemes?: VisemeTiming[];
}
/** One mouth shape at `t` ms after the clause's first audio sample. */
export interface VisemeTiming {
  t: number;
  /** Oculus viseme set: sil, PP, FF, TH, DD, kk, CH, SS, nn, RR, aa, E, I, O, U. */
  v: string;
}
export interface TurnEndMessage {
  type: 'turnEnd';
  chatId: string;
  reason: 'completed' | 'interrupted' | 'failed';
}
export interface ErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
  chatId?: string;
}
/**
 * What the visitor said (voice input). Each message replaces the previous text of the same chatId; the one
 * with `isLast: true` is final and, when not empty, becomes the question of an answer turn with this chatId.
 */
export interface SpeechRecognizedMessage {
  type: 'speechRecognized';
  chatId: string;
  text: string;
  isLast: boolean;
}
export interface PongMessage {
  type: 'pong';
  t: number;
}
/** The session's language changed (after `changeLanguage`). */
export interface LanguageChangedMessage {
  type: 'languageChanged';
  language: LanguageCode;
}
/** The server ends the session; the socket closes right after. */
export interface SessionEndMessage {
  type: 'sessionEnd';
  reason: SessionEndReason;
}
export type SessionEndReason = 'IDLE_TIMEOUT' | 'MAX_DURATION' | 'KICKED' | 'CLOSED';
/**
 * The session will end soon unless something happens: `restTime` seconds before an idle timeout (a new
 * question or driven text postpones it) or the maximum duration. The SDK's `jobEndMention`.
 */
export interface SessionEndMentionMessage {
  type: 'sessionEndMention';
  reason: 'IDLE_TIMEOUT' | 'MAX_DURATION';
  /** Seconds left. */
  restTime: number;
}

/** The only encoding of channel audio: mono PCM, signed 16-bit little-endian. */
export type AudioEncoding = 'pcm_s16le';

export type ServerMessage =
  | WelcomeMessage
  | TurnStartMessage
  | SemanticMessage
  | SpeechMessage
  | TurnEndMessage
  | ErrorMessage
  | SpeechRecognizedMessage
  | PongMessage
  | SessionEndMentionMessage
  | SessionEndMessage
  | LanguageChangedMessage;

/** An `extendParam` the server accepts: a plain JSON object within LIMITS.extendParamMaxBytes. */
export function isValidExtendParam(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  try {
    return new TextEncoder().encode(JSON.stringify(value)).length <= LIMITS.extendParamMaxBytes;
  } catch {
    return false;
  }
}

const CHAT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
export function isValidChatId(value: unknown): value is string {
  return typeof value === 'string' && CHAT_ID_PATTERN.test(value);
}

/** WebSocket close codes the server uses (4000–4999 are free for applications). */
export const CLOSE_CODES = {
  normal: 1000,
  /** hello missing, late or with a wrong token. */
  unauthorized: 4001,
  /** The session ended (see the preceding sessionEnd message for the reason). */
  sessionEnded: 4010,
  /** A message the server could not parse or does not accept. */
  protocolError: 4002,
} as const;
