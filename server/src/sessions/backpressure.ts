/**
 * Backpressure on a session's socket. A client that does not read (a stalled tab, a hostile script) would
 * otherwise make `socket.send` queue audio in memory without end (43 MB in a minute). A turn waits while the
 * socket holds more than `highWaterBytes` unsent. How long it has been over the mark is the session's
 * `unreadSince`, which the registry's sweep reads like its other clocks: past `slowReaderMs` the session ends
 * (`SLOW_READER`, session-timeouts.ts). The clock is the session's, not a turn's: a client that opens a new turn
 * every second (each one interrupting the last) or stops asking once the buffer is full is ended all the same.
 * The clock stops only when the queue is back under half the mark: a client that reads a trickle (or a kernel
 * that makes a little room now and then) lets the queue dip under the mark and fill again, and is not a reader.
 */
import type { WebSocket } from 'ws';

export interface BackpressureOptions {
  socket(): WebSocket | null;
  highWaterBytes: number;
  /** The socket has just gone over the mark (it was not, when last looked at). */
  onOver?(): void;
}

/** How often a paused turn looks at the socket again (ws has no drain event of its own). */
const POLL_MS = 20;

export class SocketBackpressure {
  /** Since when (Date.now) the socket has been seen over the mark; null: it was under it when last looked at. */
  private overSince: number | null = null;

  constructor(private readonly options: BackpressureOptions) {}

  /** Looks at the socket now: since when it has held more unsent bytes than the mark, or null when it does not. */
  unreadSince(now = Date.now()): number | null {
    const queued = this.queued;
    if (queued > this.options.highWaterBytes) {
      if (this.overSince === null) {
        this.overSince = now;
        this.options.onOver?.();
      }
    } else if (queued <= this.options.highWaterBytes / 2) this.overSince = null;
    return this.overSince;
  }

  /** Resolves once the socket is under the mark (at once when it is), or when `signal` aborts (the session ended). */
  async ready(signal: AbortSignal): Promise<void> {
    while (!signal.aborted && this.queued > this.options.highWaterBytes) {
      this.unreadSince();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private get queued(): number {
    return this.options.socket()?.bufferedAmount ?? 0;
  }
}
