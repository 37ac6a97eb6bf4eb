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
import { matchesHash, randomSecret } from '../security.js';
import type { Store } from '../store/store.js';
import type { Brain } from '../turn/brain/brain.js';
import { detectLanguage } from '../turn/brain/knowledge-brain.js';
import { DrivenTextSource, Turn } from '../turn/turn.js';
import type { TextToSpeech } from '../turn/tts/tts.js';
import { parseClientMessage } from './channel-messages.js';

export interface SessionTimeouts {
  /** A session whose channel has not said hello by then is ended. */
  channelOpenMs: number;
  /** A connected session that sent nothing (no ping) for this long is ended. */
  heartbeatMs: number;
  helloMs: number;
}

export const DEFAULT_SESSION_TIMEOUTS: SessionTimeouts = {
  channelOpenMs: 30_000,
  heartbeatMs: 30_000,
  helloMs: LIMITS.helloTimeoutMs,
};

export interface SessionServices {
  store: Store;
  brain: Brain;
  tts: TextToSpeech;
  log: FastifyBaseLogger;
  timeouts: SessionTimeouts;
  onEnded(session: LiveSession): void;
  onFirstAudio?(sessionId: string, ms: number): void;
}

/** Why a session ended, as stored; mapped to the protocol's SessionEndReason for the client. */
export type EndCause = SessionEndReason | 'BYE' | 'HEARTBEAT_TIMEOUT' | 'CHANNEL_NOT_OPENED' | 'SERVER_SHUTDOWN';

const DEFAULT_VOICES: Record<LanguageCode, string> = { zh_CN: 'cmn', en_US: 'en-us' };
const OPEN = 1;

export class LiveSession {
  readonly createdAt = Date.now();
  lastSeen = Date.now();
  lastActivity = Date.now();
  private socket: WebSocket | null = null;
  private authenticated = false;
  private ended = false;
  private turn: Turn | null = null;
  private drivenSource: DrivenTextSource | null = null;
  /** ms from question to first audio frame of the most recent answer (for logs and benchmarks). */
  lastFirstAudioMs: number | null = null;

  constructor(
    readonly id: string,
    readonly robot: Robot,
    readonly language: LanguageCode,
    private readonly tokenHash: string,
    private readonly services: SessionServices,
  ) {}

  get isConnected(): boolean {
    return this.authenticated && this.socket !== null;
  }
  get hasSocket(): boolean {
    return this.socket !== null;
  }
  get isEnded(): boolean {
    return this.ended;
  }

  /** Takes a freshly upgraded socket; it must say hello with the session token in time. */
  attach(socket: WebSocket): void {
    this.socket = socket;
    const helloTimer = setTimeout(() => {
      if (!this.authenticated && this.socket === socket) this.rejectSocket(socket, 'hello missing');
    }, this.services.timeouts.helloMs);
    socket.on('message', (data, isBinary) => {
      try {
        this.onFrame(socket, data, isBinary);
      } catch (error) {
        this.services.log.error({ err: error, sessionId: this.id }, 'channel message handling failed');
        this.sendError('INTERNAL_ERROR');
      }
    });
    socket.on('close', () => {
      clearTimeout(helloTimer);
      if (this.socket !== socket) return;
      this.socket = null;
      // Only an authenticated channel owns the session; an unauthenticated one closing changes nothing.
      if (this.authenticated) this.end('CLOSED', { notify: false });
    });
    socket.on('error', (error) => this.services.log.debug({ err: error, sessionId: this.id }, 'channel error'));
  }

  private rejectSocket(socket: WebSocket, reason: string): void {
    if (this.socket === socket) this.socket = null;
    socket.close(CLOSE_CODES.unauthorized, reason);
  }

  private onFrame(socket: WebSocket, data: RawData, isBinary: boolean): void {
    if (this.ended || this.socket !== socket) return;
    const receivedAt = performance.now();
    this.lastSeen = Date.now();
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (!this.authenticated) {
      const parsed = !isBinary && size <= LIMITS.channelMaxFrameBytes ? parseClientMessage(data.toString()) : null;
      if (!parsed?.ok || parsed.message.type !== 'hello' || !matchesHash(parsed.message.token, this.tokenHash)) {
        this.rejectSocket(socket, 'hello with a valid token expected');
        return;
      }
      if (parsed.message.protocol !== PROTOCOL_VERSION) {
        this.send({ type: 'error', code: 'INVALID_REQUEST', message: `Protocol ${PROTOCOL_VERSION} expected.` });
        this.socket = null;
        socket.close(CLOSE_CODES.protocolError, 'protocol version');
        return;
      }
      this.authenticated = true;
      this.send({ type: 'welcome', protocol: PROTOCOL_VERSION, sessionId: this.id, language: this.language });
      return;
    }
    if (isBinary) return this.sendError('INVALID_REQUEST', 'Binary frames are not accepted on this channel.');
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
        this.ask(message.chatId, message.text, receivedAt);
        return;
      case 'drivenText':
        this.drive(message.chatId, message.text, message.isLast);
        return;
      case 'interrupt':
        return this.interrupt();
      case 'bye':
        return this.end('BYE', { notify: false, closeCode: CLOSE_CODES.normal });
    }
  }

  /** Starts an answer turn (interrupting a running one). */
  ask(chatId: string, rawText: string, receivedAt = performance.now()): void {
    const text = rawText.trim();
    if (text === '') return this.sendError('QUESTION_EMPTY', undefined, chatId);
    if ([...text].length > LIMITS.questionMaxChars) return this.sendError('QUESTION_TOO_LONG', undefined, chatId);
    this.interrupt();
    this.lastActivity = Date.now();
    const turn = this.newTurn(chatId, 'answer', this.language, receivedAt);
    const source = this.services.brain.answer(text, { language: this.language, robot: this.robot, signal: turn.signal });
    this.runTurn(turn, source);
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
    this.drivenSource?.push('', true);
    this.drivenSource = null;
    this.turn = null;
  }

  /** Ends the session: stops the turn, tells the client (unless it left), closes the socket, frees the slot. */
  end(cause: EndCause, options: { notify?: boolean; closeCode?: number } = {}): void {
    if (this.ended) return;
    this.ended = true;
    this.interrupt();
    const socket = this.socket;
    this.socket = null;
    if (socket && socket.readyState === OPEN) {
      if (options.notify !== false) {
        socket.send(JSON.stringify({ type: 'sessionEnd', reason: toSessionEndReason(cause) } satisfies ServerMessage));
      }
      socket.close(options.closeCode ?? CLOSE_CODES.sessionEnded, cause);
    }
    this.services.onEnded(this);
    this.services.store.endSession(this.id, cause, Date.now()).catch((error) => {
      this.services.log.error({ err: error, sessionId: this.id }, 'could not mark the session ended');
    });
  }

  private newTurn(chatId: string, kind: 'answer' | 'driven', language: LanguageCode, startedAt: number): Turn {
    const turn = new Turn({
      chatId,
      kind,
      language,
      startedAt,
      sink: {
        sendMessage: (message) => this.send(message),
        sendBinary: (frame) => {
          if (this.authenticated && this.socket?.readyState === OPEN) this.socket.send(frame, { binary: true });
        },
      },
      tts: this.services.tts,
      voiceFor: (lang) => this.robot.voices[lang] ?? DEFAULT_VOICES[lang],
      onFirstAudio: (ms) => {
        this.lastFirstAudioMs = ms;
        this.services.onFirstAudio?.(this.id, ms);
      },
      onError: (error) => this.services.log.warn({ err: error, sessionId: this.id, chatId }, 'turn problem'),
    });
    this.turn = turn;
    return turn;
  }

  private runTurn(turn: Turn, source: Parameters<Turn['run']>[0]): void {
    void turn.run(source).finally(() => {
      if (this.turn === turn) {
        this.turn = null;
        this.drivenSource = null;
      }
      this.lastActivity = Date.now();
    });
  }

  private send(message: ServerMessage): void {
    if (this.authenticated && this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private sendError(code: ErrorCode, message?: string, chatId?: string): void {
    this.send({ type: 'error', code, message: message ?? errorMessage(code, this.language), ...(chatId ? { chatId } : {}) });
  }
}

function toSessionEndReason(cause: EndCause): SessionEndReason {
  return cause === 'IDLE_TIMEOUT' || cause === 'MAX_DURATION' || cause === 'KICKED' ? cause : 'CLOSED';
}

/** Live sessions of this process by id, so admin routes can reach a session's channel. */
export class SessionRegistry {
  private readonly sessions = new Map<string, LiveSession>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly timeouts: SessionTimeouts, sweepIntervalMs = 1000) {
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    this.sweeper.unref();
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

  remove(session: LiveSession): void {
    if (this.sessions.get(session.id) === session) this.sessions.delete(session.id);
  }

  /** Ends sessions whose channel never opened, whose pings stopped, that idled or ran too long. */
  sweep(now = Date.now()): void {
    for (const session of [...this.sessions.values()]) {
      const { robot } = session;
      if (!session.isConnected) {
        if (now - session.createdAt > this.timeouts.channelOpenMs) session.end('CHANNEL_NOT_OPENED');
      } else if (now - session.lastSeen > this.timeouts.heartbeatMs) {
        session.end('HEARTBEAT_TIMEOUT');
      } else if (robot.maxSessionSeconds > 0 && now - session.createdAt > robot.maxSessionSeconds * 1000) {
        session.end('MAX_DURATION');
      } else if (robot.idleTimeoutSeconds > 0 && now - session.lastActivity > robot.idleTimeoutSeconds * 1000) {
        session.end('IDLE_TIMEOUT');
      }
    }
  }

  closeAll(cause: EndCause): void {
    clearInterval(this.sweeper);
    for (const session of [...this.sessions.values()]) session.end(cause);
  }

  /** A fresh id for a driven turn started by the admin API. */
  static newChatId(): string {
    return randomSecret(12);
  }
}
