/**
 * One session's link to its renderer: the turn's spoken clauses (speech + PCM frames) go down an ordered
 * WebSocket instead of to the browser; `interrupt` follows the same path, so it can never overtake audio
 * it should cut. Closing the link frees the renderer slot (DELETE), and the socket doubles as a lease: a
 * renderer whose socket drops (the server crashed) ends the session by itself.
 */
import WebSocket from 'ws';
import type { ServerMessage } from '@dhkit/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { TurnSink } from '../turn/turn.js';
import { rendererUrl, stopRendererSession, type RendererSettings } from './renderer-client.js';
import type { RendererControlMessage } from './renderer-protocol.js';

/** Frames queued while the socket connects; beyond this a stalled renderer loses audio rather than memory. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

export class RendererLink {
  private socket: WebSocket | null = null;
  private queue: (string | Uint8Array)[] = [];
  private queuedBytes = 0;
  private closed = false;

  constructor(
    private readonly renderer: RendererSettings,
    private readonly sessionId: string,
    audioPath: string,
    private readonly log: FastifyBaseLogger,
  ) {
    const url = rendererUrl(renderer, audioPath).replace(/^http/, 'ws');
    const socket = new WebSocket(url, { headers: renderer.secret ? { authorization: `Bearer ${renderer.secret}` } : {} });
    this.socket = socket;
    socket.on('open', () => {
      for (const frame of this.queue) socket.send(frame, { binary: typeof frame !== 'string' });
      this.queue = [];
      this.queuedBytes = 0;
    });
    socket.on('error', (error) => this.log.warn({ err: error, sessionId }, 'renderer audio socket error'));
    socket.on('close', () => {
      if (!this.closed) this.log.warn({ sessionId }, 'renderer audio socket closed');
      this.socket = null;
    });
  }

  /**
   * The turn's sink as the session sees it: speech announcements and audio go to the renderer (the visitor
   * hears them from the room), turnEnd goes to both, everything else to the browser only.
   */
  wrap(browser: TurnSink): TurnSink {
    return {
      sendMessage: (message: ServerMessage) => {
        if (message.type === 'speech') return this.send(toControl(message));
        if (message.type === 'turnEnd') this.send({ type: 'turnEnd', chatId: message.chatId, reason: message.reason });
        browser.sendMessage(message);
      },
      sendBinary: (frame) => this.sendFrame(frame),
    };
  }

  /** Cuts whatever the renderer is saying. */
  interrupt(): void {
    this.send({ type: 'interrupt' });
  }

  /** Frees the renderer slot; idempotent. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.socket?.close(1000, 'session ended');
    this.socket = null;
    return stopRendererSession(this.renderer, this.sessionId).catch((error) => {
      // The socket's close already tells the renderer; this is the belt to those braces.
      this.log.warn({ err: error, sessionId: this.sessionId }, 'could not release the renderer slot');
    });
  }

  private send(message: RendererControlMessage): void {
    this.sendFrame(JSON.stringify(message));
  }

  private sendFrame(frame: string | Uint8Array): void {
    if (this.closed || !this.socket) return;
    if (this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(frame, { binary: typeof frame !== 'string' });
      return;
    }
    if (this.socket.readyState !== WebSocket.CONNECTING) return;
    const size = typeof frame === 'string' ? frame.length : frame.byteLength;
    if (this.queuedBytes + size > MAX_QUEUED_BYTES) return;
    this.queue.push(frame);
    this.queuedBytes += size;
  }
}

function toControl(message: Extract<ServerMessage, { type: 'speech' }>): RendererControlMessage {
  return {
    type: 'speech',
    chatId: message.chatId,
    clauseId: message.clauseId,
    text: message.text,
    sampleRate: message.sampleRate,
    encoding: message.encoding,
    ...(message.filler ? { filler: true as const } : {}),
  };
}
