/**
 * A session between admission and its end: it owns the channel socket (taken over by SocketAttach), routes
 * the client's messages to its turns (SessionTurns) and voice input; the registry's timers end it. The store records that it exists (for
 * concurrency); this object does the talking. Admission makes only what the lease and the timers need; the
 * channel's parts (socket handling, turns, rate limits, backpressure, end mentions) are made when a channel
 * attaches, so an admission that never opens its channel costs no more than its registry entry.
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
import type { RendererLink } from '../media/renderer-link.js';
import { frameBytes, frameSize, parseClientMessage } from './channel-messages.js';
import { toSessionEndReason, type EndCause } from './end-cause.js';
import { SocketBackpressure } from './backpressure.js';
import { FRAME_LIMIT, SessionRateLimits, TokenBucket } from './rate-limit.js';
import type { SessionServices } from './session-services.js';
import { EndMentions, expiryCheckAt } from './session-timeouts.js';
import { SessionTurns } from './session-turns.js';
import { SocketAttach } from './socket-attach.js';
import { VoiceInput } from './voice-input.js';

const OPEN = 1;
/** Close codes that mean the peer closed on purpose (a close frame); 1006 (no close frame) means the link was lost. */
const ABNORMAL_CLOSE = 1006;

export class LiveSession {
  readonly createdAt = Date.now();
  lastSeen = this.createdAt;
  lastActivity = this.createdAt;
  /** The authenticated socket; null before the first hello and while the client is away (resume window). */
  private socket: WebSocket | null = null;
  private everConnected = false;
  private ended = false;
  // Made when first needed (a channel attaches, says hello, sends a frame): see the file's comment.
  private sockets: SocketAttach | null = null;
  private mentions: EndMentions | null = null;
  private turnsMade: SessionTurns | null = null;
  private voiceInput: VoiceInput | null = null;
  /** Livekit media mode: the renderer that speaks this session's turns (docs/renderer-protocol.md). */
  rendererLink: RendererLink | null = null;
  private rateLimitsMade: SessionRateLimits | null = null;
  private frames: TokenBucket | null = null;
  private backpressureMade: SocketBackpressure | null = null;

  constructor(
    readonly id: string,
    readonly robot: Robot,
    /** The visitor's language (welcome, brain, voice, error texts); `changeLanguage` switches it. */
    public language: LanguageCode,
    private readonly tokenHash: string,
    private readonly services: SessionServices,
  ) {}

  /** Per-visitor token buckets; a bucket starts full, so making it at the first frame allows what admission's would. */
  private get rateLimits(): SessionRateLimits {
    this.rateLimitsMade ??= new SessionRateLimits(this.robot.rateLimits);
    return this.rateLimitsMade;
  }

  private get backpressure(): SocketBackpressure {
    const { timeouts } = this.services;
    this.backpressureMade ??= new SocketBackpressure({
      socket: () => this.socket,
      highWaterBytes: timeouts.sendHighWaterBytes,
      // The client just stopped reading: its SLOW_READER deadline is now earlier than any the registry holds.
      onOver: () => this.services.onDeadlineEarlier?.(this),
    });
    return this.backpressureMade;
  }

  private get turns(): SessionTurns {
    this.turnsMade ??= this.speakingTurns();
    return this.turnsMade;
  }

  /** The hello handshake and frame routing of the channel sockets. */
  private socketAttach(): SocketAttach {
    return new SocketAttach({
      helloMs: this.services.timeouts.helloMs,
      tokenHash: this.tokenHash,
      isEnded: () => this.ended,
      isCurrent: (socket) => this.socket === socket,
      onHello: (socket) => this.handleHello(socket),
      onFrame: (data, isBinary) => {
        if (!isBinary) this.services.onChannelMessage?.('in');
        return this.handleFrame(data, isBinary);
      },
      onClose: (_socket, code) => this.handleClose(code),
      onFailure: (error) => {
        this.services.log.error({ err: error, sessionId: this.id }, 'channel message handling failed');
        this.sendError('INTERNAL_ERROR');
      },
      onSocketError: (error) => this.services.log.debug({ err: error, sessionId: this.id }, 'channel error'),
    });
  }

  /** The session's turns, speaking through this session's socket (or its renderer, in livekit mode). */
  private speakingTurns(): SessionTurns {
    const session = this;
    return new SessionTurns({
      id: this.id,
      robot: this.robot,
      services: this.services,
      get language() {
        return session.language;
      },
      get rendererLink() {
        return session.rendererLink;
      },
      send: (message) => this.send(message),
      sendError: (code, message, chatId) => this.sendError(code, message, chatId),
      sendBinary: (frame) => {
        if (this.socket?.readyState === OPEN) this.socket.send(frame, { binary: true });
      },
      ready: (signal) => this.backpressure.ready(signal),
      touch: () => (this.lastActivity = Date.now()),
    });
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
  /** Since when the socket has held more than the high-water mark unsent (null: it does not); the sweep reads it. */
  get unreadSince(): number | null {
    return this.backpressure.unreadSince();
  }

  /**
   * Takes a freshly upgraded socket; once it has said hello with the session token it owns the session.
   * Returns false when too many sockets are already waiting.
   */
  attach(socket: WebSocket): boolean {
    this.sockets ??= this.socketAttach();
    return this.sockets.attach(socket);
  }

  /**
   * When the registry's sweep must look at this session next: its first possible expiry, and with a channel open
   * its next end mention. Activity only moves it later; a hello may bring it earlier (the registry is told).
   */
  get nextCheckAt(): number {
    const expiry = expiryCheckAt(this, this.services.timeouts);
    return this.socket && this.mentions ? Math.min(expiry, this.mentions.nextAt(this)) : expiry;
  }

  /** A socket said a valid hello: it replaces the session's socket, if any, and is welcomed. */
  private handleHello(socket: WebSocket): void {
    const previous = this.socket;
    const resumed = this.everConnected;
    this.socket = socket;
    this.everConnected = true;
    this.lastSeen = Date.now();
    this.mentions ??= new EndMentions(this.services.timeouts.endMentionMs);
    this.services.onDeadlineEarlier?.(this);
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
    this.frames ??= new TokenBucket(FRAME_LIMIT);
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
        // A piece that opens a new turn starts speech as a question does (it interrupts the running turn, whose
        // synthesis is thrown away): it takes a question token too, so new turns come no faster than questions.
        if (message.chatId !== this.openDrivenChatId && !this.rateLimits.allow('questions')) {
          return this.sendError('RATE_LIMITED', undefined, message.chatId);
        }
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
  ask(chatId: string, text: string, receivedAt = performance.now(), extendParam?: Record<string, unknown>): void {
    this.turns.ask(chatId, text, receivedAt, extendParam);
  }

  /**
   * Speaks text verbatim. Pieces with the chatId of the open driven turn continue it; `isLast` ends it.
   * Returns false (after sending an error) when the piece is refused.
   */
  drive(chatId: string, text: string, isLast: boolean): boolean {
    return this.turns.drive(chatId, text, isLast);
  }

  /** The chatId of the driven turn still waiting for more pieces, if any. */
  get openDrivenChatId(): string | null {
    return this.turnsMade?.openDrivenChatId ?? null;
  }

  /** Ends the running turn at once with `turnEnd {interrupted}`. */
  interrupt(): void {
    this.turnsMade?.interrupt();
  }

  /** Sends `sessionEndMention` once per deadline when the idle timeout or the maximum duration is near. */
  mentionEnd(now: number): void {
    if (!this.socket || !this.mentions) return;
    for (const mention of this.mentions.due(this, now)) this.send({ type: 'sessionEndMention', ...mention });
  }

  /** Ends the session: stops the turn, tells the client (unless it left), closes the socket, frees the slot. */
  end(cause: EndCause, options: { notify?: boolean; closeCode?: number; storeAlreadyEnded?: boolean } = {}): void {
    if (this.ended) return;
    this.ended = true;
    if (cause === 'SLOW_READER') this.services.log.warn({ sessionId: this.id }, 'the client stopped reading; ending the session');
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

  private send(message: ServerMessage): void {
    if (this.socket?.readyState !== OPEN) return;
    this.socket.send(JSON.stringify(message));
    this.services.onChannelMessage?.('out');
  }

  private sendError(code: ErrorCode, message?: string, chatId?: string): void {
    this.send({ type: 'error', code, message: message ?? errorMessage(code, this.language), ...(chatId ? { chatId } : {}) });
  }
}
