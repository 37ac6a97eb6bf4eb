import type { LanguageCode } from '@dhkit/protocol';
import { html, nothing, type TemplateResult } from 'lit';
import { t } from '../../i18n/i18n.js';
import { DhElement } from '../internal/dh-element.js';
import { baseStyles, themeStyles } from '../internal/theme.styles.js';
import styles from './kiosk-shell.styles.js';

/** What the kiosk is doing; reflected as the `state` attribute. */
export type KioskState = 'starting' | 'attract' | 'active' | 'resetting' | 'offline' | 'busy';

/**
 * The frame of a kiosk (`createKiosk()`): the `<digital-human>` of the current session in its slot, and the
 * screens around it — the attract screen while no one is there, "still there?" with a countdown, offline
 * and busy screens that count down to the next try. State changes are announced to screen readers; the
 * countdowns themselves are not read out every second. Sets the standing-distance type scale
 * (`--dh-scale`) by viewport for every component inside.
 *
 * @tagname dh-kiosk
 * @slot - The current session's `<digital-human>`.
 * @event dh-kiosk-start - The visitor tapped the attract screen's start button.
 * @event dh-kiosk-ask - The visitor tapped a suggested question on the attract screen (`detail.text`).
 * @event dh-kiosk-continue - The visitor pressed continue on the "still there?" countdown.
 * @csspart attract - The attract screen.
 * @csspart countdown - The "still there?" card.
 * @csspart outage - The offline or busy screen.
 * @csspart announcer - The visually hidden live region.
 * @cssproperty --dh-scale - Type and control scale (set by viewport; override to taste).
 */
export default class DhKiosk extends DhElement {
  static override readonly tag = 'dh-kiosk';
  static override styles = [themeStyles, baseStyles, styles];

  static override properties = {
    state: { reflect: true },
    retryInSeconds: { attribute: false },
    retrying: { attribute: false },
    countdownSeconds: { attribute: false },
    suggestion: { attribute: false },
  };

  state: KioskState;
  /** Seconds to the next try (offline, busy). */
  retryInSeconds: number;
  /** A try is under way (offline, busy): the card says so in place of the seconds, and the live region tells. */
  retrying: boolean;
  /** Seconds left on the "still there?" countdown; null hides it. */
  countdownSeconds: number | null;
  /** The hot question the attract screen shows now. */
  suggestion: string;
  /** The countdown's first value, for the one announcement. */
  private countdownFrom: number | null = null;

  constructor() {
    super();
    this.state = 'starting';
    this.retryInSeconds = 0;
    this.retrying = false;
    this.countdownSeconds = null;
    this.suggestion = '';
  }

  protected override willUpdate(): void {
    if (this.countdownSeconds === null) this.countdownFrom = null;
    else this.countdownFrom ??= this.countdownSeconds;
  }

  protected override updated(): void {
    // Behind the outage card (offline, busy) the digital human cannot be used: make it inert, so neither a tap,
    // the keyboard nor a screen reader reaches its stale, disabled controls. (Not while starting or between
    // visitors: the element is being set up then, and a fresh clone's CI run lost its first session that way.)
    const veiled = this.state === 'offline' || this.state === 'busy';
    for (const child of Array.from(this.children)) child.toggleAttribute('inert', veiled);
  }

  /** What the live region says: changes with the state only, never with a ticking counter. */
  private announcement(): string {
    const lang = this.language;
    if (this.state === 'offline') return `${t(lang, 'kioskOffline')} ${t(lang, 'kioskOfflineDetail')}`;
    if (this.state === 'busy') return `${t(lang, 'allBusy')}. ${t(lang, 'allBusyDetail')}`;
    if (this.countdownFrom !== null && this.state === 'active') return t(lang, 'endsAnnouncement', { seconds: this.countdownFrom });
    return '';
  }

  /**
   * A try under way during an outage, said in a node of its own: it is read out as it appears, and the state's
   * words beside it are not read again with every try (a removed text is not announced).
   */
  private retryAnnouncement(): string {
    return this.retrying && (this.state === 'offline' || this.state === 'busy') ? t(this.language, 'retryingNow') : '';
  }

  protected override render(): TemplateResult {
    const lang = this.language;
    const outage = this.state === 'offline' || this.state === 'busy';
    return html`
      <slot></slot>
      <div part="announcer" class="visually-hidden" role="status" aria-live="polite">
        <span>${this.announcement()}</span> <span>${this.retryAnnouncement()}</span>
      </div>
      ${this.state === 'attract' ? this.renderAttract(lang) : nothing}
      ${this.state === 'active' && this.countdownSeconds !== null ? this.renderCountdown(lang, this.countdownSeconds) : nothing}
      ${outage ? this.renderOutage(lang) : nothing}
      ${
        this.state === 'starting' || this.state === 'resetting'
          ? html`<div class="veil"><p class="card">${t(lang, 'kioskWelcome')}</p></div>`
          : nothing
      }
    `;
  }

  private renderAttract(lang: LanguageCode) {
    return html`
      <div part="attract" class="attract">
        <p class="invite">${t(lang, 'kioskInvite')}</p>
        ${
          this.suggestion
            ? html`<p class="try">${t(lang, 'kioskTryAsking')}</p>
              <button class="chip" type="button"
                @click=${() => this.emit('dh-kiosk-ask', { text: this.suggestion })}>${this.suggestion}</button>`
            : nothing
        }
        <button class="primary" type="button" @click=${() => this.emit('dh-kiosk-start', {})}>${t(lang, 'kioskStart')}</button>
      </div>
    `;
  }

  private renderCountdown(lang: LanguageCode, seconds: number) {
    return html`
      <div part="countdown" class="countdown" role="group" aria-labelledby="still-there">
        <p id="still-there" class="title">${t(lang, 'stillThere')}</p>
        <p aria-hidden="true">${t(lang, 'endsIn', { seconds })}</p>
        <button class="primary" type="button" @click=${() => this.emit('dh-kiosk-continue', {})}>${t(lang, 'continueSession')}</button>
      </div>
    `;
  }

  private renderOutage(lang: LanguageCode) {
    const offline = this.state === 'offline';
    return html`
      <div part="outage" class="veil outage">
        <div class="card">
          <p class="title">${t(lang, offline ? 'kioskOffline' : 'allBusy')}</p>
          <p>${t(lang, offline ? 'kioskOfflineDetail' : 'allBusyDetail')}</p>
          ${this.renderRetry(lang)}
        </div>
      </div>
    `;
  }

  /** When the next try comes, or that it is under way (the live region says the latter; the seconds are only shown). */
  private renderRetry(lang: LanguageCode) {
    if (this.retrying) return html`<p class="muted" aria-hidden="true">${t(lang, 'retryingNow')}</p>`;
    if (this.retryInSeconds > 0)
      return html`<p class="muted" aria-hidden="true">${t(lang, 'retryIn', { seconds: this.retryInSeconds })}</p>`;
    return nothing;
  }
}

/** `dh-kiosk-ask`: the visitor tapped a suggested question on the attract screen. */
interface KioskAskEventDetail {
  text: string;
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-kiosk': DhKiosk;
  }
  interface HTMLElementEventMap {
    'dh-kiosk-start': CustomEvent<Record<string, never>>;
    'dh-kiosk-ask': CustomEvent<KioskAskEventDetail>;
    'dh-kiosk-continue': CustomEvent<Record<string, never>>;
  }
}
