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
import { RENDERER_SESSION_ENDED_CLOSE, type RendererControlMessage } from '@dhkit/protocol';

/** Frames queued while the socket connects; beyond this a stalled renderer loses audio rather than memory. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

/** Reconnection attempts after the audio socket drops (250 ms, 0.5 s, 1 s, 2 s apart) before the renderer counts as lost. */
const RECONNECTS = 4;
const FIRST_RECONNECT_MS = 250;

export class RendererLink {
  private socket: WebSocket | null = null;
  private queue: (string | Uint8Array)[] = [];
  private queuedBytes = 0;
  private closed = false;
  private failures = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private readonly url: string;
  /**
   * Called once when the renderer is gone for good (its socket dropped and would not come back): the
   * session ends then, since nothing can show or say its answers any more.
   */
  onLost: (() => void) | null = null;

  constructor(
    private readonly renderer: RendererSettings,
    private readonly sessionId: string,
    audioPath: string,
    private readonly log: FastifyBaseLogger,
    /** The rest of the session's media to release at the end (the visitor's place in the LiveKit room). */
    private readonly releaseRoom: () => Promise<void> = async () => undefined,
  ) {
    this.url = rendererUrl(renderer, audioPath).replace(/^http/, 'ws');
    this.connect();
  }

  private connect(): void {
    this.retry = null;
    const socket = new WebSocket(this.url, { headers: this.renderer.secret ? { authorization: `Bearer ${this.renderer.secret}` } : {} });
    this.socket = socket;
    socket.on('open', () => {
      this.failures = 0;
      for (const frame of this.queue) socket.send(frame, { binary: typeof frame !== 'string' });
      this.queue = [];
      this.queuedBytes = 0;
    });
    socket.on('error', (error) => this.log.warn({ err: error, sessionId: this.sessionId }, 'renderer audio socket error'));
    socket.on('close', (code) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.closed) return;
      // A blip (the renderer restarting its listener, a proxy) comes back; a renderer that ended the session
      // says so, and one that crashed refuses the socket: after a few tries the session ends.
      if (code === RENDERER_SESSION_ENDED_CLOSE || ++this.failures > RECONNECTS) {
        this.log.warn({ sessionId: this.sessionId, code }, 'renderer lost the session');
        const lost = this.onLost;
        this.onLost = null;
        lost?.();
        return;
      }
      this.log.warn({ sessionId: this.sessionId, attempt: this.failures }, 'renderer audio socket closed; reconnecting');
      this.retry = setTimeout(() => this.connect(), FIRST_RECONNECT_MS * 2 ** (this.failures - 1));
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

  /** Frees the renderer slot and removes the visitor from the room; idempotent. */
  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.socket?.close(1000, 'session ended');
    this.socket = null;
    const slot = stopRendererSession(this.renderer, this.sessionId).catch((error) => {
      // The socket's close already tells the renderer; this is the belt to those braces.
      this.log.warn({ err: error, sessionId: this.sessionId }, 'could not release the renderer slot');
    });
    return Promise.all([slot, this.releaseRoom()]).then(() => undefined);
  }

  private send(message: RendererControlMessage): void {
    this.sendFrame(JSON.stringify(message));
  }

  private sendFrame(frame: string | Uint8Array): void {
    if (this.closed) return;
    if (!this.socket) return; // reconnecting: what the renderer misses now is lost, not queued without bound
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
