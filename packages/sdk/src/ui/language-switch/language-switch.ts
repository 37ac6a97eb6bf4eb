import DhLanguageSwitch from './language-switch.component.js';

export { DhLanguageSwitch };
export default DhLanguageSwitch;

declare global {
  interface HTMLElementTagNameMap {
    'dh-language-switch': DhLanguageSwitch;
  }
}
