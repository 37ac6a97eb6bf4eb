/**
 * A session between admission and its end: the channel socket, the running turn, and the timers that end
 * it. The store records that it exists (for concurrency); this object does the talking.
 */
import type { WebSocket, RawData } from 'ws';
import {
  CLOSE_CODES,
  LIMITS,
  PROTOCOL_VERSION,
  errorMessage,
  type ErrorCode,
  type LanguageCode,
  type Robot,
  type ServerMessage,
  type SessionEndReason,
} from '@dhkit/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { DEFAULT_VOICES } from '../robots/robot.js';
import { matchesHash, randomSecret } from '../security/secrets.js';
import type { QuestionRecordInput, Store } from '../store/store.js';
import type { Brain } from '../adapters/brain/brain.js';
import { createBrain } from '../adapters/brain/brain-factory.js';
import { answerLanguage, fallbackAnswer } from '../adapters/brain/fallback.js';
import { detectLanguage } from '../adapters/brain/knowledge-brain.js';
import { ConversationHistory } from '../turn/conversation-history.js';
import { DrivenTextSource } from '../turn/driven-text-source.js';
import { Turn, type TurnSink } from '../turn/turn.js';
import type { TextToSpeech } from '../adapters/tts/tts.js';
import { parseClientMessage } from './channel-messages.js';
import { QuestionObserver } from './question-observer.js';
import type { SpeechRecognizer } from '../adapters/asr/asr.js';
import { VoiceInput } from './voice-input.js';
import type { RendererLink } from '../media/renderer-link.js';

export interface SessionTimeouts {
  /** Grace for an admitted session to open its channel and say hello; then it is ended and its slot freed. */
  channelOpenMs: number;
  /**
   * Lease TTL: a session from which nothing (no ping) arrived for this long is ended, whether its socket is
   * still open (a silent network) or gone (a crash or network loss; within this time the client may resume).
   * The heartbeat interval told to clients is a third of it (at most 10 s, at least 1 s).
   */
  leaseTtlMs: number;
  /** The first frame on a new socket must be hello within this time. */
  helloMs: number;
  /** `sessionEndMention` goes out this long before an idle timeout or the maximum duration ends a session. */
  endMentionMs: number;
}

export const DEFAULT_SESSION_TIMEOUTS: SessionTimeouts = {
  channelOpenMs: 30_000,
  leaseTtlMs: 30_000,
  helloMs: LIMITS.helloTimeoutMs,
  endMentionMs: 30_000,
};

/** How often clients ping: a third of the lease TTL, so two lost pings do not yet end a session. */
export function heartbeatIntervalFor(timeouts: SessionTimeouts): number {
  return Math.max(1000, Math.min(10_000, Math.floor(timeouts.leaseTtlMs / 3)));
}

export interface SessionServices {
  store: Store;
  brain: Brain;
  tts: TextToSpeech;
  log: FastifyBaseLogger;
  timeouts: SessionTimeouts;
  onEnded(session: LiveSession): void;
  onFirstAudio?(sessionId: string, ms: number): void;
  /** Called once per visitor question when its turn has ended (the analytics log). */
  onQuestion?(record: QuestionRecordInput): void;
  /** The speech engine for a robot (its `tts` and lexicon); `tts` when absent. */
  ttsFor?(robot: Robot): TextToSpeech;
  /** The speech recognizer for a robot (its `asr`); null or absent: voice input is refused. */
  asrFor?(robot: Robot): SpeechRecognizer | null;
}

/** Why a session ended, as stored; mapped to the protocol's SessionEndReason for the client. */
export type EndCause =
  | SessionEndReason
  | 'BYE'
  | 'HEARTBEAT_TIMEOUT'
  | 'CHANNEL_NOT_OPENED'
  | 'SERVER_SHUTDOWN'
  | 'ROBOT_DELETED'
  | 'LEASE_LOST'
  /** Media mode livekit: the renderer went away (crashed, or dropped the session). */
  | 'RENDERER_LOST';

const OPEN = 1;
/** Close codes that mean the peer closed on purpose (a close frame); 1006 (no close frame) means the link was lost. */
const ABNORMAL_CLOSE = 1006;
/** Sockets that may wait for their hello at the same time, per session (each dies after helloMs). */
const MAX_PENDING_SOCKETS = 4;

export class LiveSession {
  readonly createdAt = Date.now();
  lastSeen = Date.now();
  lastActivity = Date.now();
  /** The authenticated socket; null before the first hello and while the client is away (resume window). */
  private socket: WebSocket | null = null;
  private pendingSockets = 0;
  private everConnected = false;
  private ended = false;
  /** Which deadlines were already announced with sessionEndMention (idle: per lastActivity value). */
  private mentionedMaxDuration = false;
  private mentionedIdleFor = -1;
  private turn: Turn | null = null;
  /** Answer turns being watched for the analytics log. */
  private readonly questions = new WeakMap<Turn, QuestionObserver>();
  private drivenSource: DrivenTextSource | null = null;
  /** Questions and answers so far, for LLM and webhook brains (in memory, gone with the session). */
  private readonly history = new ConversationHistory();
  /** ms from question to first audio frame of the most recent answer (for logs and benchmarks). */
  lastFirstAudioMs: number | null = null;
  private ttsEngine: TextToSpeech | null = null;
  private voiceInput: VoiceInput | null = null;
  /** Livekit media mode: the renderer that speaks this session's turns (docs/renderer-protocol.md). */
  rendererLink: RendererLink | null = null;

  constructor(
    readonly id: string,
    readonly robot: Robot,
    /** The visitor's language (welcome, brain, voice, error texts); `changeLanguage` switches it. */
    public language: LanguageCode,
    private readonly tokenHash: string,
    private readonly services: SessionServices,
  ) {}

  /** This robot's speech engine, chosen once per session (sessions keep the settings they were admitted with). */
  private get tts(): TextToSpeech {
    this.ttsEngine ??= this.services.ttsFor?.(this.robot) ?? this.services.tts;
    return this.ttsEngine;
  }

  /** Voice input (docs/voice.md), made on the first audio message. */
  private get voice(): VoiceInput {
    const session = this;
    this.voiceInput ??= new VoiceInput({
      get language() {
        return session.language;
      },
      recognizer: this.services.asrFor?.(this.robot) ?? null,
      send: (message) => this.send(message),
      sendError: (code, message, chatId) => this.sendError(code, message, chatId),
      ask: (chatId, text) => this.ask(chatId, text),
      touch: () => (this.lastActivity = Date.now()),
      warn: (error, chatId) => this.services.log.warn({ err: error, sessionId: this.id, chatId }, 'speech recognition failed'),
    });
    return this.voiceInput;
  }

  /** For the end-of-session beacon, which proves itself with the same token as hello. */
  get tokenHashForCheck(): string {
    return this.tokenHash;
  }

  /** A channel has said hello and is open now. */
  get isConnected(): boolean {
    return this.socket !== null;
  }
  /** A channel said hello at least once (so a missing socket now means the client is away, not late). */
  get wasConnected(): boolean {
    return this.everConnected;
  }
  get isEnded(): boolean {
    return this.ended;
  }

  /**
   * Takes a freshly upgraded socket. It must say hello with the session token in time; then it owns the
   * session, replacing an earlier socket (a client resuming after a network drop, whose old socket the
   * server may not have seen die yet). Returns false when too many sockets are already waiting.
   */
  attach(socket: WebSocket): boolean {
    if (this.pendingSockets >= MAX_PENDING_SOCKETS) return false;
    this.pendingSockets++;
    let pending = true;
    const leavePending = () => {
      if (!pending) return;
      pending = false;
      this.pendingSockets--;
      clearTimeout(helloTimer);
    };
    const helloTimer = setTimeout(() => {
      if (!pending) return;
      leavePending();
      socket.close(CLOSE_CODES.unauthorized, 'hello missing');
    }, this.services.timeouts.helloMs);
    socket.on('message', (data, isBinary) => {
      try {
        if (this.ended) return;
        if (this.socket === socket) return this.onFrame(data, isBinary);
        if (!pending) return; // a failed hello, or replaced by a newer socket
        leavePending();
        this.onHello(socket, data, isBinary);
      } catch (error) {
        this.services.log.error({ err: error, sessionId: this.id }, 'channel message handling failed');
        this.sendError('INTERNAL_ERROR');
      }
    });
    socket.on('close', (code) => {
      leavePending();
      if (this.socket !== socket) return;
      this.socket = null;
      this.interrupt();
      if (code === ABNORMAL_CLOSE) {
        // The link died without a close frame (network loss, a killed browser): keep the session for the
        // lease TTL so the client can resume; the sweep ends it if it does not come back.
        this.services.log.debug({ sessionId: this.id }, 'channel lost; waiting for a resume');
      } else {
        // A close frame: the client left on purpose (page unload sends 1001).
        this.end('CLOSED', { notify: false });
      }
    });
    socket.on('error', (error) => this.services.log.debug({ err: error, sessionId: this.id }, 'channel error'));
    return true;
  }

  /** The first frame of a socket: hello with the token makes it the session's socket. */
  private onHello(socket: WebSocket, data: RawData, isBinary: boolean): boolean {
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    const parsed = !isBinary && size <= LIMITS.channelMaxFrameBytes ? parseClientMessage(data.toString()) : null;
    if (!parsed?.ok || parsed.message.type !== 'hello' || !matchesHash(parsed.message.token, this.tokenHash)) {
      socket.close(CLOSE_CODES.unauthorized, 'hello with a valid token expected');
      return false;
    }
    if (parsed.message.protocol !== PROTOCOL_VERSION) {
      socket.send(JSON.stringify({ type: 'error', code: 'INVALID_REQUEST', message: `Protocol ${PROTOCOL_VERSION} expected.` } satisfies ServerMessage));
      socket.close(CLOSE_CODES.protocolError, 'protocol version');
      return false;
    }
    const previous = this.socket;
    const resumed = this.everConnected;
    this.socket = socket;
    this.everConnected = true;
    this.lastSeen = Date.now();
    if (previous) {
      this.interrupt();
      previous.close(CLOSE_CODES.unauthorized, 'replaced by a newer channel');
    }
    this.send({ type: 'welcome', protocol: PROTOCOL_VERSION, sessionId: this.id, language: this.language, ...(resumed ? { resumed: true } : {}) });
    if (resumed) this.services.log.debug({ sessionId: this.id }, 'channel resumed');
    return true;
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    const receivedAt = performance.now();
    this.lastSeen = Date.now();
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (isBinary) return this.voice.audio(toBytes(data));
    if (size > LIMITS.channelMaxFrameBytes) {
      return this.sendError('INVALID_REQUEST', `Frames are limited to ${LIMITS.channelMaxFrameBytes} bytes.`);
    }
    const parsed = parseClientMessage(data.toString());
    if (!parsed.ok) return this.sendError('INVALID_REQUEST', parsed.reason, parsed.chatId);
    const message = parsed.message;
    switch (message.type) {
      case 'hello':
        return this.sendError('INVALID_REQUEST', 'Already said hello.');
      case 'ping':
        return this.send({ type: 'pong', t: message.t });
      case 'question':
        this.ask(message.chatId, message.text, receivedAt, message.extendParam);
        return;
      case 'drivenText':
        this.drive(message.chatId, message.text, message.isLast);
        return;
      case 'interrupt':
        return this.interrupt();
      case 'audioStart':
        return this.voice.start(message);
      case 'audioEnd':
        return this.voice.end(message.chatId);
      case 'audioCancel':
        return this.voice.cancel(message.chatId);
      case 'changeLanguage':
        return this.changeLanguage(message.language);
      case 'bye':
        return this.end('BYE', { notify: false, closeCode: CLOSE_CODES.normal });
    }
  }

  /** Switches the session's language; later answers, voices and errors use it. Refuses one the robot lacks. */
  changeLanguage(language: LanguageCode): void {
    if (!this.robot.languages.includes(language)) return this.sendError('LANGUAGE_NOT_SUPPORTED');
    this.language = language;
    this.lastActivity = Date.now();
    this.send({ type: 'languageChanged', language });
  }

  /** Starts an answer turn (interrupting a running one). */
  ask(chatId: string, rawText: string, receivedAt = performance.now(), extendParam?: Record<string, unknown>): void {
    const text = rawText.trim();
    if (text === '') return this.sendError('QUESTION_EMPTY', undefined, chatId);
    if ([...text].length > LIMITS.questionMaxChars) return this.sendError('QUESTION_TOO_LONG', undefined, chatId);
    this.interrupt();
    this.lastActivity = Date.now();
    const turn = this.newTurn(chatId, 'answer', answerLanguage(text, this.robot, this.language), receivedAt, text);
    const brain = createBrain(this.robot.brain, { knowledge: this.services.brain });
    const source = brain.answer(text, {
      language: this.language,
      robot: this.robot,
      signal: turn.signal,
      sessionId: this.id,
      chatId,
      history: this.history.recent(),
      extendParam,
    });
    this.runTurn(turn, this.observeQuestion(turn, chatId, text, source));
  }

  /**
   * Speaks text verbatim. Pieces with the chatId of the open driven turn continue it; `isLast` ends it.
   * Returns false (after sending an error) when the piece is refused.
   */
  drive(chatId: string, text: string, isLast: boolean): boolean {
    if ([...text].length > LIMITS.drivenTextMaxChars) {
      this.sendError('INVALID_REQUEST', `Driven text is limited to ${LIMITS.drivenTextMaxChars} characters.`, chatId);
      return false;
    }
    this.lastActivity = Date.now();
    const open = this.turn && !this.turn.isEnded && this.turn.kind === 'driven' && this.turn.chatId === chatId;
    if (open && this.drivenSource && !this.drivenSource.isClosed) {
      this.drivenSource.push(text, isLast);
      return true;
    }
    this.interrupt();
    const detected = detectLanguage(text);
    const language = text.trim() && this.robot.languages.includes(detected) ? detected : this.language;
    const turn = this.newTurn(chatId, 'driven', language, performance.now());
    const source = new DrivenTextSource();
    source.push(text, isLast);
    this.drivenSource = source;
    this.runTurn(turn, source);
    return true;
  }

  /** The chatId of the driven turn still waiting for more pieces, if any. */
  get openDrivenChatId(): string | null {
    if (this.turn && !this.turn.isEnded && this.turn.kind === 'driven' && this.drivenSource && !this.drivenSource.isClosed) {
      return this.turn.chatId;
    }
    return null;
  }

  /** Ends the running turn at once with `turnEnd {interrupted}`. */
  interrupt(): void {
    if (this.turn && !this.turn.isEnded) this.turn.interrupt();
    this.rendererLink?.interrupt();
    this.drivenSource?.push('', true);
    this.drivenSource = null;
    this.turn = null;
  }

  /**
   * Sends `sessionEndMention` once per deadline when the idle timeout or the maximum duration is near.
   * The mention comes `endMentionMs` before (or half-way, for timeouts shorter than twice that).
   */
  mentionEnd(now: number): void {
    if (!this.socket) return;
    const { idleTimeoutSeconds, maxSessionSeconds } = this.robot;
    const mentionMs = this.services.timeouts.endMentionMs;
    if (maxSessionSeconds > 0 && !this.mentionedMaxDuration) {
      const total = maxSessionSeconds * 1000;
      const rest = this.createdAt + total - now;
      if (rest <= Math.min(mentionMs, total / 2)) {
        this.mentionedMaxDuration = true;
        this.send({ type: 'sessionEndMention', reason: 'MAX_DURATION', restTime: Math.max(0, Math.ceil(rest / 1000)) });
      }
    }
    if (idleTimeoutSeconds > 0 && this.mentionedIdleFor !== this.lastActivity) {
      const total = idleTimeoutSeconds * 1000;
      const rest = this.lastActivity + total - now;
      if (rest <= Math.min(mentionMs, total / 2)) {
        this.mentionedIdleFor = this.lastActivity;
        this.send({ type: 'sessionEndMention', reason: 'IDLE_TIMEOUT', restTime: Math.max(0, Math.ceil(rest / 1000)) });
      }
    }
  }

  /** Ends the session: stops the turn, tells the client (unless it left), closes the socket, frees the slot. */
  end(cause: EndCause, options: { notify?: boolean; closeCode?: number; storeAlreadyEnded?: boolean } = {}): void {
    if (this.ended) return;
    this.ended = true;
    this.voiceInput?.close();
    this.interrupt();
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState === OPEN) {
      if (options.notify !== false) {
        socket.send(JSON.stringify({ type: 'sessionEnd', reason: toSessionEndReason(cause) } satisfies ServerMessage));
      }
      socket.close(options.closeCode ?? CLOSE_CODES.sessionEnded, cause);
    }
    void this.rendererLink?.close();
    this.services.onEnded(this);
    if (options.storeAlreadyEnded) return;
    this.services.store.endSession(this.id, cause, Date.now()).catch((error) => {
      this.services.log.error({ err: error, sessionId: this.id }, 'could not mark the session ended');
    });
  }

  private newTurn(chatId: string, kind: 'answer' | 'driven', language: LanguageCode, startedAt: number, question?: string): Turn {
    const browserSink: TurnSink = {
      sendMessage: (message) => this.send(message),
      sendBinary: (frame) => {
        if (this.socket?.readyState === OPEN) this.socket.send(frame, { binary: true });
      },
    };
    const turn = new Turn({
      chatId,
      kind,
      language,
      startedAt,
      sink: this.rendererLink ? this.rendererLink.wrap(browserSink) : browserSink,
      tts: this.tts,
      voiceFor: (lang) => this.robot.voices[lang] ?? DEFAULT_VOICES[lang],
      onFirstAudio: (ms) => {
        this.lastFirstAudioMs = ms;
        this.services.onFirstAudio?.(this.id, ms);
        this.questions.get(turn)?.firstAudio(ms);
      },
      onError: (error) => this.services.log.warn({ err: error, sessionId: this.id, chatId }, 'turn problem'),
      ...(question !== undefined && {
        fallbackAnswer: (lang: LanguageCode) => fallbackAnswer(this.robot, lang),
        pacify: this.robot.pacify,
        onFinished: (result: { text: string }) => this.history.add(question, result.text),
      }),
    });
    this.turn = turn;
    return turn;
  }

  /** Wraps an answer so its question lands in the analytics log when the turn ends. */
  private observeQuestion(turn: Turn, chatId: string, question: string, source: Parameters<Turn['run']>[0]): Parameters<Turn['run']>[0] {
    if (!this.services.onQuestion) return source;
    const language = answerLanguage(question, this.robot, this.language);
    const observer = new QuestionObserver({ robotId: this.robot.id, sessionId: this.id, chatId, question, language, brain: this.robot.brain.type });
    this.questions.set(turn, observer);
    return observer.observe(source);
  }

  private runTurn(turn: Turn, source: Parameters<Turn['run']>[0]): void {
    void turn.run(source).finally(() => {
      const observer = this.questions.get(turn);
      if (observer) this.services.onQuestion?.(observer.record());
      if (this.turn === turn) {
        this.turn = null;
        this.drivenSource = null;
      }
      this.lastActivity = Date.now();
    });
  }

  private send(message: ServerMessage): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private sendError(code: ErrorCode, message?: string, chatId?: string): void {
    this.send({ type: 'error', code, message: message ?? errorMessage(code, this.language), ...(chatId ? { chatId } : {}) });
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

function toSessionEndReason(cause: EndCause): SessionEndReason {
  if (cause === 'ROBOT_DELETED' || cause === 'LEASE_LOST') return 'KICKED';
  return cause === 'IDLE_TIMEOUT' || cause === 'MAX_DURATION' || cause === 'KICKED' ? cause : 'CLOSED';
}

/**
 * Live sessions of this process by id, so admin routes can reach a session's channel. It runs the timers
 * (a sweep every second) and keeps the store's leases of its sessions fresh (one batched write per
 * renewal interval, not one per ping).
 */
export class SessionRegistry {
  private readonly sessions = new Map<string, LiveSession>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly renewer: NodeJS.Timeout;
  private renewing: Promise<void> | null = null;

  constructor(
    private readonly timeouts: SessionTimeouts,
    private readonly store: Store,
    private readonly log: FastifyBaseLogger,
    sweepIntervalMs = Math.min(1000, Math.max(100, Math.floor(timeouts.leaseTtlMs / 10))),
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    this.sweeper.unref();
    this.renewer = setInterval(() => void this.renewLeases(), this.renewIntervalMs);
    this.renewer.unref();
  }

  /** A third of the lease TTL: a lease is renewed at least twice before it could run out. */
  get renewIntervalMs(): number {
    return Math.max(100, Math.floor(this.timeouts.leaseTtlMs / 3));
  }

  get size(): number {
    return this.sessions.size;
  }

  add(session: LiveSession): void {
    this.sessions.set(session.id, session);
  }

  get(id: string): LiveSession | undefined {
    return this.sessions.get(id);
  }

  /** This process's live sessions of one robot. */
  ofRobot(robotId: string): LiveSession[] {
    return [...this.sessions.values()].filter((session) => session.robot.id === robotId);
  }

  remove(session: LiveSession): void {
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
  }

  /** Ends sessions whose channel never opened, whose pings stopped, that idled or ran too long; announces near ends. */
  sweep(now = Date.now()): void {
    for (const session of [...this.sessions.values()]) {
      const { robot } = session;
      if (!session.wasConnected) {
        if (now - session.createdAt > this.timeouts.channelOpenMs) session.end('CHANNEL_NOT_OPENED');
      } else if (now - session.lastSeen > this.timeouts.leaseTtlMs) {
        session.end('HEARTBEAT_TIMEOUT');
      } else if (robot.maxSessionSeconds > 0 && now - session.createdAt >= robot.maxSessionSeconds * 1000) {
        session.end('MAX_DURATION');
      } else if (robot.idleTimeoutSeconds > 0 && now - session.lastActivity >= robot.idleTimeoutSeconds * 1000) {
        session.end('IDLE_TIMEOUT');
      } else {
        session.mentionEnd(now);
      }
    }
  }

  /**
   * Extends the store leases of every session still alive here, in one statement. Sessions the store did not
   * renew were ended elsewhere (kicked through another process, robot deleted) or lost their lease while
   * this process stalled; they end here too.
   */
  renewLeases(now = Date.now()): Promise<void> {
    this.renewing ??= this.renewOnce(now).finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private async renewOnce(now: number): Promise<void> {
    const alive = [...this.sessions.values()].filter((s) => !s.isEnded);
    try {
      const renewed = new Set<string>();
      for (let start = 0; start < alive.length; start += 1000) {
        const ids = alive.slice(start, start + 1000).map((s) => s.id);
        for (const id of await this.store.renewLeases(ids, now + this.timeouts.leaseTtlMs, now)) renewed.add(id);
      }
      for (const session of alive) {
        if (renewed.has(session.id) || session.isEnded) continue;
        const record = await this.store.getSession(session.id);
        const cause: EndCause = !record ? 'ROBOT_DELETED' : record.endReason === 'KICKED' ? 'KICKED' : 'LEASE_LOST';
        session.end(cause, { storeAlreadyEnded: record?.endedAt != null || !record });
      }
      await this.store.expireLeases(now);
    } catch (error) {
      this.log.error({ err: error }, 'could not renew session leases');
    }
  }

  closeAll(cause: EndCause): void {
    clearInterval(this.sweeper);
    clearInterval(this.renewer);
    for (const session of [...this.sessions.values()]) session.end(cause);
  }

  /** A fresh id for a driven turn started by the admin API. */
  static newChatId(): string {
    return randomSecret(12);
  }
}
