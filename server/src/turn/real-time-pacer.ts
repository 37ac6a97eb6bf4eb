/**
 * Paces a turn's audio to the time it takes to play, plus a lead. A listener never needs speech much faster
 * than it plays; sent faster, it only costs the server synthesis (the next clause is synthesized once this one
 * is sent) and the socket memory, and a client that never reads would get a whole answer synthesized before
 * backpressure (the socket's high-water mark) held it. With the pacer a turn stays at most `leadMs` of audio
 * ahead of playback, counted from its first frame: a short answer goes out at once, a long one in step with it.
 */
export interface RealTimePacerOptions {
  /** How far ahead of playback the turn may send, in ms of audio. */
  leadMs: number;
  /** Samples per second of the PCM (mono, 16-bit). */
  sampleRate: number;
  /** The clock (performance.now); tests pass their own. */
  now?(): number;
  /** Waits `ms` unless the signal aborts first; tests pass their own. */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

const BYTES_PER_SAMPLE = 2;

export class RealTimePacer {
  private sentMs = 0;
  /** When the turn's first frame went out (playback starts about then). */
  private startedAt: number | null = null;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly options: RealTimePacerOptions) {
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? sleepUnlessAborted;
  }

  /** Audio that went out: `bytes` of PCM. */
  sent(bytes: number): void {
    this.startedAt ??= this.now();
    this.sentMs += (bytes / BYTES_PER_SAMPLE / this.options.sampleRate) * 1000;
  }

  /** Milliseconds to wait before more may be sent (0: now). */
  get aheadByMs(): number {
    if (this.startedAt === null) return 0;
    const played = this.now() - this.startedAt;
    return Math.max(0, this.sentMs - played - this.options.leadMs);
  }

  /** Resolves when more may be sent (at once while within the lead), or when `signal` aborts. */
  async ready(signal: AbortSignal): Promise<void> {
    for (let wait = this.aheadByMs; wait > 0 && !signal.aborted; wait = this.aheadByMs) await this.sleep(wait, signal);
  }
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
