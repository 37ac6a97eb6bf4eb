import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * All assistants are busy: the seconds to the next admission try, counted down once a second for the status
 * line of `<digital-human>`. The SDK restarts it at every refusal and clears it once admitted.
 */
export class BusyCountdown implements ReactiveController {
  /** Seconds to the next try, or null when no try is pending. */
  seconds: number | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** The next try comes in `retryInMs`; null clears the countdown. */
  show(retryInMs: number | null): void {
    clearInterval(this.timer);
    this.seconds = retryInMs === null ? null : Math.max(0, Math.ceil(retryInMs / 1000));
    this.host.requestUpdate();
    if (this.seconds === null) return;
    this.timer = setInterval(() => {
      if (this.seconds === null || this.seconds <= 0) return clearInterval(this.timer);
      this.seconds -= 1;
      this.host.requestUpdate();
    }, 1000);
  }

  hostDisconnected(): void {
    clearInterval(this.timer);
  }
}
