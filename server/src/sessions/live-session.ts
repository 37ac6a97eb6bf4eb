/**
 * A session between admission and its end: it owns the channel socket (taken over by SocketAttach), the
 * running turn, and voice input; the registry's timers end it. The store records that it exists (for
 * concurrency); this object does the talking.
 */
import type { RawData, WebSocket } from 'ws';
import {
  CLOSE_CODES,
  LIMITS,
  PROTOCOL_VERSION,
  errorMessage,
  type ErrorCode,
  type LanguageCode,
  type Robot,
  type ServerMessage,
} from '@dhkit/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { SpeechRecognizer } from '../adapters/asr/asr.js';
import type { Brain } from '../adapters/brain/brain.js';
import { answerLanguage, fallbackAnswer } from '../adapters/brain/fallback.js';
import type { TextToSpeech } from '../adapters/tts/tts.js';
import type { RendererLink } from '../media/renderer-link.js';
import { DEFAULT_VOICES } from '../robots/robot.js';
import { detectLanguage } from '../knowledge/language.js';
import type { QuestionRecordInput, Store } from '../store/store.js';
import { ConversationHistory } from '../turn/conversation-history.js';
import { DrivenTextSource } from '../turn/driven-text-source.js';
import { Turn, type TurnSink } from '../turn/turn.js';
import { frameBytes, frameSize, parseClientMessage } from './channel-messages.js';
import { toSessionEndReason, type EndCause } from './end-cause.js';
import { QuestionObserver } from './question-observer.js';
import { SocketBackpressure } from './backpressure.js';
import { FRAME_LIMIT, SessionRateLimits, TokenBucket } from './rate-limit.js';
import { EndMentions, type SessionTimeouts } from './session-timeouts.js';
import { SocketAttach } from './socket-attach.js';
import { VoiceInput } from './voice-input.js';

/** What a session needs from the process; the composition root (app.ts) builds every adapter in it. */
export interface SessionServices {
  store: Store;
  log: FastifyBaseLogger;
  timeouts: SessionTimeouts;
  onEnded(session: LiveSession): void;
  onFirstAudio?(sessionId: string, ms: number): void;
  /** Called once per visitor question when its turn has ended (the analytics log). */
  onQuestion?(record: QuestionRecordInput): void;
  /** A question that was not logged (the session is over its analytics cap): counted, never silently lost. */
  onQuestionDropped?(record: QuestionRecordInput): void;
  /** The brain for a robot's `brain` setting. */
  brainFor(robot: Robot): Brain;
  /** The speech engine for a robot (its `tts` and lexicon). */
  ttsFor(robot: Robot): TextToSpeech;
  /** The speech recognizer for a robot (its `asr`); null: voice input is refused. */
  asrFor(robot: Robot): SpeechRecognizer | null;
}

const OPEN = 1;
/** Analytics rows one session may write (questions are rate limited too; this bounds a long flood's rows). */
export const MAX_QUESTION_RECORDS_PER_SESSION = 200;
/** Close codes that mean the peer closed on purpose (a close frame); 1006 (no close frame) means the link was lost. */
const ABNORMAL_CLOSE = 1006;

export class LiveSession {
  readonly createdAt = Date.now();
  lastSeen = Date.now();
  lastActivity = Date.now();
  /** The authenticated socket; null before the first hello and while the client is away (resume window). */
  private socket: WebSocket | null = null;
  private everConnected = false;
  private ended = false;
  /** SPEECH_SYNTHESIS_FAILED went to the page already (once per session). */
  private speechFailureReported = false;
  private readonly sockets: SocketAttach;
  private readonly mentions: EndMentions;
  private turn: Turn | null = null;
  /** Answer turns being watched for the analytics log. */
  private readonly questions = new WeakMap<Turn, QuestionObserver>();
  private drivenSource: DrivenTextSource | null = null;
  /** Questions and answers so far, for LLM and webhook brains (in memory, gone with the session). */
  private readonly history = new ConversationHistory();
  private ttsEngine: TextToSpeech | null = null;
  private voiceInput: VoiceInput | null = null;
  /** Livekit media mode: the renderer that speaks this session's turns (docs/renderer-protocol.md). */
  rendererLink: RendererLink | null = null;
  private readonly rateLimits: SessionRateLimits;
  private readonly frames = new TokenBucket(FRAME_LIMIT);
  private questionRecords = 0;
  private readonly backpressure: SocketBackpressure;

  constructor(
    readonly id: string,
    readonly robot: Robot,
    /** The visitor's language (welcome, brain, voice, error texts); `changeLanguage` switches it. */
    public language: LanguageCode,
    private readonly tokenHash: string,
    private readonly services: SessionServices,
  ) {
    this.mentions = new EndMentions(services.timeouts.endMentionMs);
    this.rateLimits = new SessionRateLimits(robot.rateLimits);
    this.backpressure = new SocketBackpressure({
      socket: () => this.socket,
      highWaterBytes: services.timeouts.sendHighWaterBytes,
      stallMs: services.timeouts.slowReaderMs,
      onStalled: () => {
        this.services.log.warn({ sessionId: this.id }, 'the client stopped reading; ending the session');
        this.end('SLOW_READER');
      },
    });
    this.sockets = new SocketAttach({
      helloMs: services.timeouts.helloMs,
      tokenHash,
      isEnded: () => this.ended,
      isCurrent: (socket) => this.socket === socket,
      onHello: (socket) => this.handleHello(socket),
      onFrame: (data, isBinary) => this.handleFrame(data, isBinary),
      onClose: (_socket, code) => this.handleClose(code),
      onFailure: (error) => {
        this.services.log.error({ err: error, sessionId: this.id }, 'channel message handling failed');
        this.sendError('INTERNAL_ERROR');
      },
      onSocketError: (error) => this.services.log.debug({ err: error, sessionId: this.id }, 'channel error'),
    });
  }

  /** This robot's speech engine, chosen once per session (sessions keep the settings they were admitted with). */
  private get tts(): TextToSpeech {
    this.ttsEngine ??= this.services.ttsFor(this.robot);
    return this.ttsEngine;
  }

  /** Voice input (docs/voice.md), made on the first audio message. */
  private get voice(): VoiceInput {
    const session = this;
    this.voiceInput ??= new VoiceInput({
      get language() {
        return session.language;
      },
      recognizer: this.services.asrFor(this.robot),
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
   * Takes a freshly upgraded socket; once it has said hello with the session token it owns the session.
   * Returns false when too many sockets are already waiting.
   */
  attach(socket: WebSocket): boolean {
    return this.sockets.attach(socket);
  }

  /** A socket said a valid hello: it replaces the session's socket, if any, and is welcomed. */
  private handleHello(socket: WebSocket): void {
    const previous = this.socket;
    const resumed = this.everConnected;
    this.socket = socket;
    this.everConnected = true;
    this.lastSeen = Date.now();
    if (previous) {
      this.interrupt();
      previous.close(CLOSE_CODES.unauthorized, 'replaced by a newer channel');
    }
    this.send({
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      sessionId: this.id,
      language: this.language,
      ...(resumed ? { resumed: true } : {}),
    });
    if (resumed) this.services.log.debug({ sessionId: this.id }, 'channel resumed');
  }

  private handleClose(code: number): void {
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
  }

  private handleFrame(data: RawData, isBinary: boolean): void {
    const receivedAt = performance.now();
    this.lastSeen = Date.now();
    if (isBinary) return this.voice.audio(frameBytes(data));
    if (!this.frames.take()) {
      this.services.log.warn({ sessionId: this.id }, 'channel flooded; ending the session');
      this.sendError('RATE_LIMITED');
      return this.end('FLOODING');
    }
    if (frameSize(data) > LIMITS.channelMaxFrameBytes) {
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
        if (!this.rateLimits.allow('questions')) return this.sendError('RATE_LIMITED', undefined, message.chatId);
        return this.ask(message.chatId, message.text, receivedAt, message.extendParam);
      case 'drivenText':
        if (!this.rateLimits.allow('drivenText')) return this.sendError('RATE_LIMITED', undefined, message.chatId);
        this.drive(message.chatId, message.text, message.isLast);
        return;
      case 'interrupt':
        return this.interrupt();
      case 'audioStart':
        if (!this.rateLimits.allow('utterances')) return this.sendError('RATE_LIMITED', undefined, message.chatId);
        return this.voice.start(message);
      case 'audioEnd':
        return this.voice.end(message.chatId);
      case 'audioCancel':
        return this.voice.cancel(message.chatId);
      case 'changeLanguage':
        return this.changeLanguage(message.language);
      case 'stillHere':
        // "Continue" on the end countdown: the idle deadline moves (and will be announced again).
        this.lastActivity = Date.now();
        return;
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
    const source = this.services.brainFor(this.robot).answer(text, {
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
    if (this.openDrivenChatId === chatId) {
      this.drivenSource!.push(text, isLast);
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

  /** Sends `sessionEndMention` once per deadline when the idle timeout or the maximum duration is near. */
  mentionEnd(now: number): void {
    if (!this.socket) return;
    for (const mention of this.mentions.due(this, now)) this.send({ type: 'sessionEndMention', ...mention });
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
      sendMessage: (message) => {
        // A speech engine that fails once (missing, a voice it lacks) fails every turn: the visitor's page is told
        // once per session, the log hears about every turn.
        if (message.type === 'error' && message.code === 'SPEECH_SYNTHESIS_FAILED') {
          if (this.speechFailureReported) return;
          this.speechFailureReported = true;
        }
        this.send(message);
      },
      sendBinary: (frame) => {
        if (this.socket?.readyState === OPEN) this.socket.send(frame, { binary: true });
      },
      ready: (signal) => this.backpressure.ready(signal),
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
    const observer = new QuestionObserver({
      robotId: this.robot.id,
      sessionId: this.id,
      chatId,
      question,
      language,
      brain: this.robot.brain.type,
    });
    this.questions.set(turn, observer);
    return observer.observe(source);
  }

  private runTurn(turn: Turn, source: Parameters<Turn['run']>[0]): void {
    void turn.run(source).finally(() => {
      const observer = this.questions.get(turn);
      if (observer) this.recordQuestion(observer.record());
      if (this.turn === turn) {
        this.turn = null;
        this.drivenSource = null;
      }
      this.lastActivity = Date.now();
    });
  }

  /** Hands a question to the analytics log, at most MAX_QUESTION_RECORDS_PER_SESSION per session. */
  private recordQuestion(record: QuestionRecordInput): void {
    if (++this.questionRecords > MAX_QUESTION_RECORDS_PER_SESSION) {
      this.services.onQuestionDropped?.(record);
      return;
    }
    this.services.onQuestion?.(record);
  }

  private send(message: ServerMessage): void {
    if (this.socket?.readyState === OPEN) this.socket.send(JSON.stringify(message));
  }

  private sendError(code: ErrorCode, message?: string, chatId?: string): void {
    this.send({ type: 'error', code, message: message ?? errorMessage(code, this.language), ...(chatId ? { chatId } : {}) });
  }
}
