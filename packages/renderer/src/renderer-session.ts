/**
 * One session on the reference renderer: its browser page (publishing into the room) and its audio socket
 * from the dhkit server, whose frames are handed to the page in order. The socket is the session's lease:
 * a session whose socket does not open in time, or stays closed too long, ends by itself.
 */
import type { Page } from 'playwright-core';
import type { WebSocket } from 'ws';
import { decodeAudioFrame, RENDERER_SESSION_ENDED_CLOSE, type RendererControlMessage } from '@dhkit/protocol';
import type { PageWarmth } from './warm-pages.js';

export class RendererSession {
  private socket: WebSocket | null = null;
  private leaseTimer: ReturnType<typeof setTimeout> | null = null;
  /** Publisher calls not yet handed to the page, in the order they came (audio must reach it in order). */
  private pending: PublisherCall[] = [];
  /** A page.evaluate is under way: what comes meanwhile waits in `pending` and goes with the next one. */
  private delivering = false;
  ended = false;
  /** Resolves once the page publishes (or the session ends): calls that come before wait for it. */
  private readonly published: Promise<void>;
  private markPublished!: () => void;

  constructor(
    readonly id: string,
    readonly page: Page,
    private readonly leaseMs: number,
    private readonly onLapse: () => void,
    private readonly log: (line: string) => void,
  ) {
    this.published = new Promise((resolve) => (this.markPublished = resolve));
  }

  /**
   * The page publishes. The lease starts now (a lease counted from before a slow start, on a busy machine, ended
   * sessions being born), and what the server sent meanwhile (it may open the socket once the slot is claimed)
   * goes to the page, which can play it only now.
   */
  publishing(): void {
    this.markPublished();
    if (!this.socket && !this.ended) this.armLease();
  }

  attach(socket: WebSocket): void {
    this.socket?.close(1000, 'replaced');
    this.socket = socket;
    this.disarmLease();
    this.log(`session ${this.id}: audio socket open`);
    socket.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        const frame = decodeAudioFrame(new Uint8Array(data));
        if (!frame) return;
        const { chatId, clauseId } = frame.header;
        const base64 = Buffer.from(frame.pcm).toString('base64');
        return this.call('audioChunk', [chatId, clauseId, frame.last, base64]);
      }
      let message: RendererControlMessage | null;
      try {
        message = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (!message || typeof message !== 'object') return;
      if (message.type === 'speech') {
        const { chatId, clauseId, text, sampleRate } = message;
        const wellFormed = typeof chatId === 'string' && Number.isInteger(clauseId) && typeof text === 'string';
        if (!wellFormed || !Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 96_000) return;
        this.call('speech', [chatId, clauseId, text, sampleRate]);
      } else if (message.type === 'interrupt') {
        this.call('interrupt', []);
      }
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.ended) return; // stop() closed it: no lease left to keep
      this.armLease();
    });
  }

  /**
   * Hands a call to the page. Calls that pile up while one page.evaluate is under way (the server sends a
   * clause's audio faster than it plays) go together in the next one, so the page never falls behind by a
   * round trip per frame. An interrupt overtakes them: it cuts everything sent before it anyway, and audio
   * still waiting here would only delay the silence by as long as it takes to hand it over.
   */
  private call(operation: PublisherCall[0], args: PublisherCall[1]): void {
    if (operation === 'interrupt') this.pending = [];
    this.pending.push([operation, args]);
    if (!this.delivering) void this.deliver();
  }

  private async deliver(): Promise<void> {
    this.delivering = true;
    await this.published;
    while (this.pending.length > 0 && !this.ended) {
      const calls = this.pending;
      this.pending = [];
      await this.page
        .evaluate((list) => {
          const publisher = (globalThis as unknown as { dhkitPublisher: Record<string, (...a: unknown[]) => void> }).dhkitPublisher;
          for (const [op, args] of list) {
            try {
              publisher[op](...args);
            } catch {
              // one malformed chunk costs only itself, as it would alone
            }
          }
        }, calls)
        .catch(() => undefined);
    }
    this.delivering = false;
  }

  private armLease(): void {
    this.disarmLease();
    this.leaseTimer = setTimeout(() => this.onLapse(), this.leaseMs);
  }

  private disarmLease(): void {
    if (this.leaseTimer) clearTimeout(this.leaseTimer);
    this.leaseTimer = null;
  }

  async stop(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.markPublished();
    this.disarmLease();
    this.socket?.close(RENDERER_SESSION_ENDED_CLOSE, 'session stopped');
    const stopPublishing = () => (globalThis as unknown as { dhkitPublisher: PublisherApi }).dhkitPublisher.stop();
    await this.page.evaluate(stopPublishing).catch(() => undefined);
    await this.page.close().catch(() => undefined);
  }
}

/** One call of the page's publisher: its name and arguments. */
type PublisherCall = ['speech' | 'audioChunk' | 'interrupt', (string | number | boolean)[]];

/** What the page exposes (packages/sdk/src/avatar/livekit-publisher.ts). */
export interface PublisherApi {
  prepare(options: PageWarmth): Promise<void>;
  /** Joins the room and publishes; tells when each step ended (ms since the epoch). */
  start(options: unknown): Promise<{ drawnAt: number; joinedAt: number; publishedAt: number }>;
  speech(chatId: string, clauseId: number, text: string, sampleRate: number): void;
  audioChunk(chatId: string, clauseId: number, last: boolean, base64: string): void;
  interrupt(): void;
  stop(): Promise<void>;
  /** Resolves once someone in the room sees the stream (the media server asked for a keyframe), or after `timeoutMs`. */
  whenWatched(timeoutMs: number): Promise<void>;
}
