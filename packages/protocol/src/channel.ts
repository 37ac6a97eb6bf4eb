/**
 * The session channel: one WebSocket per session between the SDK (or any other client) and the server.
 * Text frames carry JSON messages; binary frames carry audio. `docs/protocol.md` is the prose version of
 * this file; keep them together.
 */
import type { ErrorCode, LanguageCode } from './errors.js';
import type { IceServer, RobotProfile } from './robot.js';

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

/** `POST /v1/sessions` body. */
export interface SessionRequest {
  robotId: string;
  onceCode: string;
  /** Preferred language; defaults to the robot's default language. */
  language?: LanguageCode;
}

/** `POST /v1/sessions` → 201 answer. */
export interface SessionInfo {
  sessionId: string;
  /** The reference SDK's name for a session; equal to sessionId. */
  jobId: string;
  /** Opaque channel credential; sent in `hello`, never in a URL (so it stays out of access logs). */
  token: string;
  /** Channel path relative to the server address, e.g. `/v1/sessions/<id>/channel`. */
  channelPath: string;
  protocol: number;
  mediaMode: MediaMode;
  /** The client sends `ping` at this interval; the server ends a session whose pings stop. */
  heartbeatIntervalMs: number;
  /**
   * The session's lease TTL: a session from which nothing arrived for this long is ended. Within it, a
   * client that lost its socket without saying `bye` may open the channel again with the same token
   * (`hello {resume: true}`) and continue the same session.
   */
  leaseTtlMs: number;
  language: LanguageCode;
  robot: RobotProfile;
  /** With `mediaMode: 'livekit'` only: the room to join, subscribe-only (docs/livekit.md). */
  livekit?: LiveKitJoinInfo;
}

/** Where the visitor watches a streamed avatar. */
export interface LiveKitJoinInfo {
  /** `wss://…` of the LiveKit server. */
  url: string;
  /** Access token: canSubscribe only (no publishing, no data). */
  token: string;
  room: string;
  /** The renderer's participant identity, whose tracks are the avatar. */
  rendererIdentity: string;
  /** The video has a green screen (#00ff00) to key out. */
  chromaKey?: boolean;
  /** Extra ICE servers for the browser's peer connections. */
  iceServers?: IceServer[];
}

/** LiveKit data topic on which a renderer reports speech (docs/renderer-protocol.md#speech-events). */
export const RENDERER_SPEECH_TOPIC = 'dhkit.speech';

/** A renderer's speech report: JSON on RENDERER_SPEECH_TOPIC, reliable. */
export interface RendererSpeechEvent {
  type: 'speechStart' | 'speechEnd';
  chatId: string;
  clauseId: number;
  /** The caption (speechStart only). */
  text?: string;
  /** speechEnd: `interrupted` when the clause was cut. */
  reason?: 'completed' | 'interrupted';
  /**
   * Sent ahead: the clause's first sample (speechStart) or the sample after its last (speechEnd) leaves
   * the renderer into the room this many milliseconds after the report. Absent or 0: now.
   */
  inMs?: number;
}

/**
 * The most a renderer may announce ahead: a long answer is synthesized far faster than it is spoken, so its
 * last clause may be scheduled minutes out. Larger or malformed `inMs` values count as 0.
 */
export const RENDERER_SPEECH_MAX_LEAD_MS = 30 * 60_000;

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

// ---- binary frames (server → client) ----

export type AudioEncoding = 'pcm_s16le';

export const BINARY_KIND_AUDIO = 1;
/** Client → server: a chunk of the visitor's utterance (voice input). */
export const BINARY_KIND_CLIENT_AUDIO = 2;
/** Flag bit: this chunk is the last of its clause. */
export const AUDIO_FLAG_CLAUSE_END = 1;

export interface AudioChunkHeader {
  chatId: string;
  clauseId: number;
  /** 0, 1, 2… within the clause. */
  seq: number;
}

/**
 * Binary frame layout (all integers big-endian):
 *   byte 0      kind (1 = audio)
 *   byte 1      flags (bit 0 = last chunk of the clause)
 *   bytes 2..3  header length H
 *   bytes 4..   H bytes of UTF-8 JSON (AudioChunkHeader)
 *   rest        payload: mono PCM, signed 16-bit little-endian, at the clause's sampleRate
 */
export function encodeAudioFrame(header: AudioChunkHeader, last: boolean, pcm: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const frame = new Uint8Array(4 + json.length + pcm.length);
  frame[0] = BINARY_KIND_AUDIO;
  frame[1] = last ? AUDIO_FLAG_CLAUSE_END : 0;
  frame[2] = json.length >> 8;
  frame[3] = json.length & 0xff;
  frame.set(json, 4);
  frame.set(pcm, 4 + json.length);
  return frame;
}

export interface DecodedAudioFrame {
  header: AudioChunkHeader;
  last: boolean;
  /** A view into the frame; copy it if the frame's buffer is reused. */
  pcm: Uint8Array;
}

/** Returns null for frames that are not well-formed audio frames (they are to be ignored). */
export function decodeAudioFrame(frame: Uint8Array): DecodedAudioFrame | null {
  if (frame.length < 4 || frame[0] !== BINARY_KIND_AUDIO) return null;
  const headerLength = (frame[2] << 8) | frame[3];
  if (4 + headerLength > frame.length) return null;
  let header: AudioChunkHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(frame.subarray(4, 4 + headerLength)));
  } catch {
    return null;
  }
  if (typeof header?.chatId !== 'string' || typeof header.clauseId !== 'number') return null;
  return {
    header,
    last: (frame[1] & AUDIO_FLAG_CLAUSE_END) !== 0,
    pcm: frame.subarray(4 + headerLength),
  };
}

export interface ClientAudioChunkHeader {
  chatId: string;
  /** 0, 1, 2… within the utterance. */
  seq: number;
}

/**
 * Client audio frames (voice input) have the layout of server audio frames with kind 2 and flags 0; the
 * header is `ClientAudioChunkHeader`; the payload is mono pcm_s16le at the utterance's sampleRate.
 */
export function encodeClientAudioFrame(header: ClientAudioChunkHeader, pcm: Uint8Array): Uint8Array {
  const frame = encodeAudioFrame({ ...header, clauseId: 0 }, false, pcm);
  frame[0] = BINARY_KIND_CLIENT_AUDIO;
  return frame;
}

export interface DecodedClientAudioFrame {
  header: ClientAudioChunkHeader;
  /** A view into the frame. */
  pcm: Uint8Array;
}

/** Returns null for frames that are not well-formed client audio frames. */
export function decodeClientAudioFrame(frame: Uint8Array): DecodedClientAudioFrame | null {
  if (frame.length < 4 || frame[0] !== BINARY_KIND_CLIENT_AUDIO) return null;
  const headerLength = (frame[2] << 8) | frame[3];
  if (4 + headerLength > frame.length) return null;
  let header: ClientAudioChunkHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(frame.subarray(4, 4 + headerLength)));
  } catch {
    return null;
  }
  if (typeof header?.chatId !== 'string' || typeof header.seq !== 'number') return null;
  return { header: { chatId: header.chatId, seq: header.seq }, pcm: frame.subarray(4 + headerLength) };
}

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
