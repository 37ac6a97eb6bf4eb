import type { LanguageCode } from '@dhkit/protocol';
import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import type { EndMentionReason } from '../../core/events.js';
import { t } from '../../i18n/i18n.js';
import { SecondsTicker } from '../internal/seconds-ticker.js';

/**
 * The card of `jobEndMention` on `<digital-human>`: what is left of the session, counting down.
 * - An idle timeout ("still there?"): Continue tells the server the visitor is there (`dh-continue`), which
 *   moves the idle deadline, and the card goes.
 * - The maximum duration: no visitor can extend it, so the card says the time is almost up, and Continue
 *   lets the visitor go on talking until then: the card shrinks to one line that keeps counting (no button),
 *   and at the end the element offers "start again" where a new session can follow.
 * The first value is announced to screen readers once; the ticking seconds are shown, not read out.
 */
export class EndCountdown implements ReactiveController {
  private readonly ticker: SecondsTicker;
  private reason: EndMentionReason = 'IDLE_TIMEOUT';
  /** The maximum duration's card was acknowledged: only the counting line stays. */
  acknowledged = false;
  private announced = 0;

  constructor(
    private readonly host: ReactiveControllerHost & EventTarget,
    private readonly onContinue: () => void,
  ) {
    this.ticker = new SecondsTicker(() => host.requestUpdate());
    host.addController(this);
  }

  /** Seconds left, or null when no end is near. */
  get seconds(): number | null {
    return this.ticker.seconds;
  }

  show(seconds: number | null, reason: EndMentionReason = 'IDLE_TIMEOUT'): void {
    const whole = seconds === null ? null : Math.max(0, Math.round(seconds));
    this.reason = reason;
    this.acknowledged = false;
    this.announced = whole ?? 0;
    this.ticker.start(whole);
  }

  hostDisconnected(): void {
    this.ticker.stop();
  }

  /** The card's Continue: never a dead button (see the class comment). */
  readonly continue = (): void => {
    if (this.reason === 'MAX_DURATION') {
      this.acknowledged = true;
      this.host.requestUpdate();
      return;
    }
    this.show(null);
    this.onContinue();
  };

  render(lang: LanguageCode) {
    const seconds = this.seconds;
    const limit = this.reason === 'MAX_DURATION';
    const announcement = seconds === null ? '' : t(lang, limit ? 'timeLimitAnnouncement' : 'endsAnnouncement', { seconds: this.announced });
    return html`
      <div class="visually-hidden" role="status" aria-live="polite">${announcement}</div>
      ${
        seconds === null
          ? nothing
          : this.acknowledged
            ? html`<div part="end-countdown" class="end-countdown compact"><p>${t(lang, 'endsIn', { seconds })}</p></div>`
            : html`<div part="end-countdown" class="end-countdown" role="group" aria-labelledby="end-title">
              <p id="end-title" class="end-title">${t(lang, limit ? 'timeAlmostUp' : 'stillThere')}</p>
              <p aria-hidden="true">${t(lang, 'endsIn', { seconds })}</p>
              <button type="button" part="continue" @click=${this.continue}>${t(lang, 'continueSession')}</button>
            </div>`
      }
    `;
  }
}
