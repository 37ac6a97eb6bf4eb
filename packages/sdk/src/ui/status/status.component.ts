import { html } from 'lit';
import { DhElement } from '../internal/dh-element.js';
import { repeat } from 'lit/directives/repeat.js';
import { isWeakError, languageTag, t, visitorErrorText } from '../../i18n/i18n.js';
import { baseStyles, themeStyles } from '../internal/theme.styles.js';
import styles from './status.styles.js';
import { addToast, shouldShowError, TOAST_MS, withoutCodes, type Toast } from './toasts.js';

/**
 * The status line (connecting, ended) and error toasts that tell the visitor, in their language, what
 * happened and what to do. Weak errors (the conversation goes on) show only with `weakErrors`
 * (`enableWeakErrorInfo`). Toasts close by themselves or with their button; the texts follow a language
 * switch.
 *
 * @tagname dh-status
 * @csspart base - The column of status line and toasts.
 * @csspart info - The status line.
 * @csspart toast - Each toast; errors also have `toast-error`, weak ones `toast-weak`.
 * @csspart toast-error - A toast of a (not weak) error.
 * @csspart toast-weak - A toast of a weak error.
 * @csspart dismiss - A toast's close button.
 *
 * @cssproperty --dh-status-background - Status line and weak toast background; --dh-status-color their text.
 * @cssproperty --dh-error-background - Error toast background; --dh-error-color its text.
 */
export default class DhStatus extends DhElement {
  static override readonly tag = 'dh-status';

  static override styles = [themeStyles, baseStyles, styles];

  static override properties = {
    weakErrors: { type: Boolean, attribute: 'weak-errors', reflect: true },
    info: {},
    toasts: { state: true },
  };

  /** Show weak errors too (`enableWeakErrorInfo`). */
  weakErrors: boolean;
  /** The status line's text (empty: hidden). */
  info: string;
  protected toasts: Toast[];

  private nextId = 1;
  private timers = new Map<number, ReturnType<typeof setTimeout>>();

  constructor() {
    super();
    this.weakErrors = false;
    this.info = '';
    this.toasts = [];
  }

  /**
   * Shows an error by its catalog code; returns whether it is shown. `weak` defaults to the code's kind
   * (SPEECH_SYNTHESIS_FAILED, MEDIA_BLOCKED, … are weak).
   */
  showError(code: string, options: { weak?: boolean } = {}): boolean {
    const weak = options.weak ?? isWeakError(code);
    if (!shouldShowError(code, this.weakErrors, weak)) return false;
    const toast: Toast = { id: this.nextId++, code, weak };
    const before = this.toasts;
    this.toasts = addToast(before, toast);
    for (const old of before) if (!this.toasts.includes(old)) this.clearTimer(old.id);
    this.timers.set(
      toast.id,
      setTimeout(() => this.dismiss(toast.id), weak ? TOAST_MS.weak : TOAST_MS.error),
    );
    return true;
  }

  /** Closes one toast. */
  dismiss(id: number): void {
    this.clearTimer(id);
    this.toasts = this.toasts.filter((toast) => toast.id !== id);
  }

  /** Closes the toasts of these codes (a question accepted makes the refusals of earlier ones stale). */
  dismissCodes(codes: readonly string[]): void {
    const kept = withoutCodes(this.toasts, codes);
    for (const toast of this.toasts) if (!kept.includes(toast)) this.clearTimer(toast.id);
    this.toasts = kept;
  }

  /** Closes every toast. */
  clear(): void {
    for (const id of this.timers.keys()) this.clearTimer(id);
    this.toasts = [];
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.clear();
  }

  private clearTimer(id: number): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  protected override render() {
    const lang = this.language;
    return html`<div part="base" lang=${languageTag(lang)}>
      <div part="info" role="status">${this.info}</div>
      <div class="toasts" role="alert" aria-label=${t(lang, 'notifications')}>
        ${repeat(
          this.toasts,
          (toast) => toast.id,
          (toast) => html`<div part=${toast.weak ? 'toast toast-weak' : 'toast toast-error'} data-code=${toast.code}>
            <span class="text">${visitorErrorText(toast.code, lang)}</span>
            <button type="button" part="dismiss" aria-label=${t(lang, 'dismiss')} @click=${() => this.dismiss(toast.id)}>×</button>
          </div>`,
        )}
      </div>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-status': DhStatus;
  }
}
