import DhLanguageSwitch from './language-switch.component.js';

export { DhLanguageSwitch };
export default DhLanguageSwitch;

export const LANGUAGE_SWITCH_TAG = 'dh-language-switch';

/** Defines `<dh-language-switch>` once per page. */
export function defineLanguageSwitch(): void {
  if (typeof customElements !== 'undefined' && !customElements.get(LANGUAGE_SWITCH_TAG)) {
    customElements.define(LANGUAGE_SWITCH_TAG, DhLanguageSwitch);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-language-switch': DhLanguageSwitch;
  }
}
