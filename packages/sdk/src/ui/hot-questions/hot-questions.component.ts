import { html, nothing } from 'lit';
import { DhElement } from '../internal/dh-element.js';
import { languageTag, t } from '../../i18n/i18n.js';
import { baseStyles, themeStyles } from '../internal/theme.styles.js';
import { chipFocusTarget } from './hot-questions-select.js';
import styles from './hot-questions.styles.js';

/**
 * The robot's hot questions as chips; choosing one asks it. Tab reaches the chips, arrow keys move between
 * them, Enter or Space asks. Shows nothing without questions.
 *
 * @tagname dh-hot-questions
 * @event dh-question - A chip was chosen (`detail.text`).
 *
 * @csspart base - The list of chips.
 * @csspart chip - Each question button.
 *
 * @cssproperty --dh-chip-background - Chip background.
 * @cssproperty --dh-chip-color - Chip text.
 * @cssproperty --dh-hot-questions-justify - Alignment of the chips (default center).
 */
export default class DhHotQuestions extends DhElement {
  static override readonly tag = 'dh-hot-questions';

  static override styles = [themeStyles, baseStyles, styles];

  static override properties = {
    questions: { attribute: false },
    disabled: { type: Boolean, reflect: true },
  };

  /** Questions to offer, already in the UI language (see `hotQuestionsFor`). */
  questions: readonly string[];
  disabled: boolean;

  constructor() {
    super();
    this.questions = [];
    this.disabled = false;
  }

  protected override render() {
    if (!this.questions.length) return nothing;
    return html`<ul part="base" aria-label=${t(this.language, 'hotQuestions')} lang=${languageTag(this.language)}
        @keydown=${this.onKeydown}>
      ${this.questions.map(
        (text) =>
          html`<li><button type="button" part="chip" ?disabled=${this.disabled} @click=${() => this.ask(text)}>${text}</button></li>`,
      )}
    </ul>`;
  }

  private ask(text: string): void {
    if (!this.disabled) this.emit('dh-question', { text }, { cancelable: true });
  }

  private onKeydown(event: KeyboardEvent): void {
    const chips = Array.from(this.renderRoot.querySelectorAll<HTMLButtonElement>('[part="chip"]'));
    const index = chips.indexOf(event.target as HTMLButtonElement);
    if (index < 0) return;
    const target = chipFocusTarget(event.key, index, chips.length);
    if (target === null) return;
    event.preventDefault();
    chips[target]?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-hot-questions': DhHotQuestions;
  }
}
