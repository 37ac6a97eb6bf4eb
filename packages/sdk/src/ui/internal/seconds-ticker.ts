/**
 * Whole seconds counted down to zero, once a second, for the countdowns a component shows (the end of a session,
 * the next admission try); `changed` asks the component to draw the new value.
 */
export class SecondsTicker {
  /** Seconds left, or null when nothing is counting. */
  seconds: number | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly changed: () => void) {}

  /** Counts down from `seconds` (whole, not below 0); null stops and clears the count. */
  start(seconds: number | null): void {
    clearInterval(this.timer);
    this.seconds = seconds;
    this.changed();
    if (seconds === null) return;
    this.timer = setInterval(() => {
      if (this.seconds === null || this.seconds <= 0) return clearInterval(this.timer);
      this.seconds -= 1;
      this.changed();
    }, 1000);
  }

  /** Stops counting and keeps the value (the component went away). */
  stop(): void {
    clearInterval(this.timer);
  }
}
