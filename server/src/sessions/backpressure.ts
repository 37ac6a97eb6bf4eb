/**
 * Backpressure on a session's socket. A client that does not read (a stalled tab, a hostile script) would
 * otherwise make `socket.send` queue audio in memory without end (43 MB in a minute). A turn waits while the
 * socket holds more than `highWaterBytes` unsent; if it stays over for `stallMs`, the session is ended.
 */
import type { WebSocket } from 'ws';

export interface BackpressureOptions {
  socket(): WebSocket | null;
  highWaterBytes: number;
  stallMs: number;
  /** The client has not read for `stallMs`: end the session. */
  onStalled(): void;
}

const POLL_MS = 20;

export class SocketBackpressure {
  /** Since when the socket has been over the mark (null: it is not). */
  private overSince: number | null = null;

  constructor(private readonly options: BackpressureOptions) {}

  /** True when the socket holds more unsent bytes than the mark. */
  get isOver(): boolean {
    return (this.options.socket()?.bufferedAmount ?? 0) > this.options.highWaterBytes;
  }

  /**
   * Resolves once the socket is under the mark (at once when it is), or when `signal` aborts. Past `stallMs`
   * over the mark it calls onStalled and resolves.
   */
  async ready(signal: AbortSignal): Promise<void> {
    while (this.isOver && !signal.aborted) {
      const now = performance.now();
      this.overSince ??= now;
      if (now - this.overSince >= this.options.stallMs) {
        this.overSince = null;
        this.options.onStalled();
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    this.overSince = null;
  }
}
