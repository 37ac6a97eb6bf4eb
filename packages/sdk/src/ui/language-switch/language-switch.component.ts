import { SUPPORTED_LANGUAGES, type LanguageCode } from '@dhkit/protocol';
import { html, nothing } from 'lit';
import { DhElement } from '../internal/dh-element.js';
import { LANGUAGE_NAMES, languageTag, t } from '../../i18n/i18n.js';
import { baseStyles, themeStyles } from '../internal/theme.styles.js';
import styles from './language-switch.styles.js';

/**
 * Switches between the robot's languages. It does not change `language` itself: the SDK calls
 * `changeLanguage({langCode})` on `dh-language-change` and sets `language` when the server agreed.
 * Shows nothing when fewer than two languages are offered.
 *
 * @tagname dh-language-switch
 * @event dh-language-change - The visitor chose another language (`detail.langCode`).
 *
 * @csspart base - The group of buttons.
 * @csspart option - Each language button; the current one also has `option-current`.
 * @csspart option-current - The button of the language in use.
 *
 * @cssproperty --dh-input-background - Background of the group.
 * @cssproperty --dh-input-color - Text of the buttons.
 * @cssproperty --dh-accent - Background of the current language; --dh-accent-contrast its text.
 */
export default class DhLanguageSwitch extends DhElement {
  static override readonly tag = 'dh-language-switch';

  static override styles = [themeStyles, baseStyles, styles];

  static override properties = {
    languages: { attribute: false },
    disabled: { type: Boolean, reflect: true },
  };

  /** The languages offered (the robot's `languages`). */
  languages: readonly LanguageCode[];
  /** While a switch is in progress. */
  disabled: boolean;

  constructor() {
    super();
    this.languages = SUPPORTED_LANGUAGES;
    this.disabled = false;
  }

  protected override render() {
    const offered = this.languages.filter((code) => code in LANGUAGE_NAMES);
    if (offered.length < 2) return nothing;
    return html`<div part="base" role="group" aria-label=${t(this.language, 'language')} lang=${languageTag(this.language)}>
      ${offered.map((code) => {
        const current = code === this.language;
        return html`<button
          type="button"
          part=${current ? 'option option-current' : 'option'}
          lang=${languageTag(code)}
          aria-pressed=${current ? 'true' : 'false'}
          ?disabled=${this.disabled}
          @click=${() => this.choose(code)}
        >
          ${LANGUAGE_NAMES[code]}
        </button>`;
      })}
    </div>`;
  }

  private choose(code: LanguageCode): void {
    if (this.disabled || code === this.language) return;
    this.emit('dh-language-change', { langCode: code });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-language-switch': DhLanguageSwitch;
  }
}
