/**
 * Taking a freshly upgraded channel socket: it must say hello with the session token (and our protocol
 * version) within `helloMs`; then it is handed to the session, which may be replacing an earlier socket (a
 * client resuming after a network drop, whose old socket the server may not have seen die yet).
 */
import type { RawData, WebSocket } from 'ws';
import { CLOSE_CODES, LIMITS, PROTOCOL_VERSION, type ServerMessage } from '@dhkit/protocol';
import { matchesHash } from '../security/secrets.js';
import { frameSize, parseClientMessage } from './channel-messages.js';

/** Sockets that may wait for their hello at the same time, per session (each dies after helloMs). */
const MAX_PENDING_SOCKETS = 4;

export interface SocketAttachOptions {
  helloMs: number;
  tokenHash: string;
  isEnded(): boolean;
  /** Whether this socket is the session's channel now. */
  isCurrent(socket: WebSocket): boolean;
  /** A socket said a valid hello: it becomes the session's channel. */
  onHello(socket: WebSocket): void;
  /** A frame on the session's channel. */
  onFrame(data: RawData, isBinary: boolean): void;
  /** The session's channel closed with this code. */
  onClose(socket: WebSocket, code: number): void;
  onFailure(error: unknown): void;
  onSocketError(error: Error): void;
}

export class SocketAttach {
  private pendingSockets = 0;

  constructor(private readonly options: SocketAttachOptions) {}

  /** Takes the socket; false when too many sockets are already waiting for their hello. */
  attach(socket: WebSocket): boolean {
    if (this.pendingSockets >= MAX_PENDING_SOCKETS) return false;
    const options = this.options;
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
    }, options.helloMs);
    socket.on('message', (data, isBinary) => {
      try {
        if (options.isEnded()) return;
        if (options.isCurrent(socket)) return options.onFrame(data, isBinary);
        if (!pending) return; // a failed hello, or replaced by a newer socket
        leavePending();
        if (this.checkHello(socket, data, isBinary)) options.onHello(socket);
      } catch (error) {
        options.onFailure(error);
      }
    });
    socket.on('close', (code) => {
      leavePending();
      if (options.isCurrent(socket)) options.onClose(socket, code);
    });
    socket.on('error', (error) => options.onSocketError(error));
    return true;
  }

  /** The first frame of a socket must be hello with the token and our protocol; otherwise the socket is closed. */
  private checkHello(socket: WebSocket, data: RawData, isBinary: boolean): boolean {
    const parsed = !isBinary && frameSize(data) <= LIMITS.channelMaxFrameBytes ? parseClientMessage(data.toString()) : null;
    if (!parsed?.ok || parsed.message.type !== 'hello' || !matchesHash(parsed.message.token, this.options.tokenHash)) {
      socket.close(CLOSE_CODES.unauthorized, 'hello with a valid token expected');
      return false;
    }
    if (parsed.message.protocol !== PROTOCOL_VERSION) {
      const refusal: ServerMessage = { type: 'error', code: 'INVALID_REQUEST', message: `Protocol ${PROTOCOL_VERSION} expected.` };
      socket.send(JSON.stringify(refusal));
      socket.close(CLOSE_CODES.protocolError, 'protocol version');
      return false;
    }
    return true;
  }
}
