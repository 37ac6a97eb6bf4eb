/**
 * Backpressure on a session's socket. A client that does not read (a stalled tab, a hostile script) would
 * otherwise make `socket.send` queue audio in memory without end (43 MB in a minute). A turn waits while the
 * socket holds more than `highWaterBytes` unsent. How long it has been over the mark is the session's
 * `unreadSince`, which the registry's sweep reads like its other clocks: past `slowReaderMs` the session ends
 * (`SLOW_READER`, session-timeouts.ts). The clock is the session's, not a turn's: a client that opens a new turn
 * every second (each one interrupting the last) or stops asking once the buffer is full is ended all the same.
 */
import type { WebSocket } from 'ws';

export interface BackpressureOptions {
  socket(): WebSocket | null;
  highWaterBytes: number;
}

/** How often a paused turn looks at the socket again (ws has no drain event of its own). */
const POLL_MS = 20;

export class SocketBackpressure {
  /** Since when (Date.now) the socket has been seen over the mark; null: it was under it when last looked at. */
  private overSince: number | null = null;

  constructor(private readonly options: BackpressureOptions) {}

  /** Looks at the socket now: since when it has held more unsent bytes than the mark, or null when it does not. */
  unreadSince(now = Date.now()): number | null {
    const over = (this.options.socket()?.bufferedAmount ?? 0) > this.options.highWaterBytes;
    this.overSince = over ? (this.overSince ?? now) : null;
    return this.overSince;
  }

  /** Resolves once the socket is under the mark (at once when it is), or when `signal` aborts (the session ended). */
  async ready(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && this.unreadSince() !== null) {
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
