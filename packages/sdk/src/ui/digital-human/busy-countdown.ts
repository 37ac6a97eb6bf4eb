import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { SecondsTicker } from '../internal/seconds-ticker.js';

/**
 * All assistants are busy: the seconds to the next admission try, counted down once a second for the status
 * line of `<digital-human>`. The SDK restarts it at every refusal and clears it once admitted.
 */
export class BusyCountdown implements ReactiveController {
  private readonly ticker: SecondsTicker;

  constructor(host: ReactiveControllerHost) {
    this.ticker = new SecondsTicker(() => host.requestUpdate());
    host.addController(this);
  }

  /** Seconds to the next try, or null when no try is pending. */
  get seconds(): number | null {
    return this.ticker.seconds;
  }

  /** The next try comes in `retryInMs`; null clears the countdown. */
  show(retryInMs: number | null): void {
    this.ticker.start(retryInMs === null ? null : Math.max(0, Math.ceil(retryInMs / 1000)));
  }

  hostDisconnected(): void {
    this.ticker.stop();
  }
}
