/**
 * Whether a visitor is there: every tap, key, question or word they say counts as activity; the time the
 * avatar spends speaking does not count as idle. Ticks once a second while someone is there and reports the
 * "still there?" countdown, then that the visitor has left.
 */
export interface PresenceOptions {
  resetAfterSeconds: () => number;
  warnBeforeResetSeconds: () => number;
  /** Seconds left on the countdown, or null when none shows. */
  countdown: (seconds: number | null) => void;
  left: () => void;
  now?: () => number;
}

export class Presence {
  private lastActivity = 0;
  private speaking = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: PresenceOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The visitor did something: the idle clock starts over and the countdown goes away. */
  activity(): void {
    this.lastActivity = this.now();
    this.options.countdown(null);
    this.timer ??= setInterval(() => this.tick(), 1000);
  }

  speakingStarted(): void {
    this.speaking++;
  }

  speakingStopped(): void {
    this.speaking = Math.max(0, this.speaking - 1);
    if (this.timer !== undefined) this.lastActivity = this.now();
  }

  /** No one is there (attract, outage): nothing ticks. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.speaking = 0;
    this.options.countdown(null);
  }

  /** One second passed; exported for tests. */
  tick(): void {
    if (this.speaking > 0) this.lastActivity = this.now();
    const left = this.options.resetAfterSeconds() - (this.now() - this.lastActivity) / 1000;
    if (left <= 0) {
      this.stop();
      this.options.left();
      return;
    }
    const warn = this.options.warnBeforeResetSeconds();
    this.options.countdown(warn > 0 && left <= warn ? Math.ceil(left) : null);
  }
}
