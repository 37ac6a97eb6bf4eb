import {
  CLOSE_CODES,
  isErrorCode,
  LIMITS,
  PROTOCOL_VERSION,
  type ClientMessage,
  type ServerMessage,
  type WelcomeMessage,
} from '@dhkit/protocol';
import { DHKitError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

export interface ChannelHandlers {
  message(message: ServerMessage): void;
  binary(frame: Uint8Array): void;
  /** The socket closed after the handshake without close() having been called. */
  lost(event: { code: number; reason: string }): void;
}

/** How long to wait for `welcome` after `hello` (the server's own hello deadline plus slack). */
const WELCOME_TIMEOUT_MS = LIMITS.helloTimeoutMs + 5_000;

/**
 * The session channel: one WebSocket; JSON text frames both ways, binary audio frames down.
 * Opens, says hello with the session token, waits for welcome, then keeps the session alive with pings.
 */
export class SessionChannel {
  private socket: WebSocket | null = null;
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private closedByUs = false;
  private handlers: ChannelHandlers | null = null;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly heartbeatIntervalMs: number,
    private readonly log: Logger,
  ) {}

  /**
   * Resolves with the server's welcome; rejects with NETWORK_ERROR / UNAUTHORIZED / SESSION_ENDED.
   * `resume`: this reopens the channel of a session whose socket was lost (same token, same session).
   */
  open(handlers: ChannelHandlers, options: { resume?: boolean } = {}): Promise<WelcomeMessage> {
    this.handlers = handlers;
    return new Promise<WelcomeMessage>((resolve, reject) => {
      let settled = false;
      const fail = (error: DHKitError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.teardown();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new DHKitError('NETWORK_ERROR', 'No answer to the channel handshake in time.')),
        WELCOME_TIMEOUT_MS,
      );
      let socket: WebSocket;
      try {
        socket = new WebSocket(this.url);
      } catch (cause) {
        fail(DHKitError.fromCode('NETWORK_ERROR', undefined, cause));
        return;
      }
      this.socket = socket;
      socket.binaryType = 'arraybuffer';
      socket.onopen = () => {
        this.log.debug('channel open, sending hello');
        this.send({ type: 'hello', token: this.token, protocol: PROTOCOL_VERSION, ...(options.resume ? { resume: true } : {}) });
      };
      socket.onerror = () => {
        // A close event always follows; it carries the details.
        this.log.debug('channel socket error');
      };
      socket.onclose = (event) => {
        this.stopHeartbeat();
        if (!settled) {
          const code =
            event.code === CLOSE_CODES.unauthorized
              ? 'UNAUTHORIZED'
              : event.code === CLOSE_CODES.sessionEnded
                ? 'SESSION_ENDED'
                : 'NETWORK_ERROR';
          fail(
            new DHKitError(code, event.reason || DHKitError.fromCode(code).message, { cause: { code: event.code, reason: event.reason } }),
          );
          return;
        }
        if (this.closedByUs) return;
        this.log.info('channel closed', event.code, event.reason);
        this.handlers?.lost({ code: event.code, reason: event.reason });
      };
      socket.onmessage = (event) => {
        if (typeof event.data !== 'string') {
          if (settled && event.data instanceof ArrayBuffer) this.handlers?.binary(new Uint8Array(event.data));
          return;
        }
        const message = parseServerMessage(event.data);
        if (!message) {
          this.log.warn('ignored a malformed channel message', event.data.slice(0, 200));
          return;
        }
        if (!settled) {
          if (message.type === 'welcome') {
            settled = true;
            clearTimeout(timer);
            if (message.protocol !== PROTOCOL_VERSION) {
              this.log.warn(`server speaks protocol ${message.protocol}, this SDK ${PROTOCOL_VERSION}`);
            }
            this.startHeartbeat();
            resolve(message);
          } else if (message.type === 'error') {
            fail(new DHKitError(isErrorCode(message.code) ? message.code : 'INTERNAL_ERROR', message.message, { cause: message }));
          } else {
            this.log.warn(`'${message.type}' before welcome ignored`);
          }
          return;
        }
        this.handlers?.message(message);
      };
    });
  }

  send(message: ClientMessage): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      this.log.debug(`'${message.type}' not sent: channel not open`);
      return false;
    }
    socket.send(JSON.stringify(message));
    return true;
  }

  /** Sends a binary frame (voice input audio). */
  sendBinary(frame: Uint8Array): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(frame);
    return true;
  }

  /** Closes without bye (a replaced or abandoned channel); no `lost` callback follows. */
  abandon(): void {
    this.teardown();
  }

  /** Says bye and closes; no `lost` callback follows. Idempotent. */
  close(): void {
    if (this.closedByUs) return;
    this.send({ type: 'bye' });
    this.teardown();
  }

  private teardown(): void {
    this.closedByUs = true;
    this.stopHeartbeat();
    const socket = this.socket;
    if (socket && (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)) {
      try {
        socket.close(CLOSE_CODES.normal, 'bye');
      } catch {
        // already closing
      }
    }
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    const interval = Math.max(1000, this.heartbeatIntervalMs || 15_000);
    this.heartbeat = setInterval(() => this.send({ type: 'ping', t: Date.now() }), interval);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat !== undefined) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}

/** Parses a text frame; null when it is not JSON or not an object with a string `type`. */
function parseServerMessage(data: string): ServerMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object' || typeof (value as { type?: unknown }).type !== 'string') return null;
  return value as ServerMessage;
}
