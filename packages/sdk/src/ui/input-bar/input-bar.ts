import DhInputBar from './input-bar.component.js';

export { DhInputBar };
export default DhInputBar;

export const INPUT_BAR_TAG = 'dh-input-bar';

/** Defines `<dh-input-bar>` once per page. */
export function defineInputBar(): void {
  if (typeof customElements !== 'undefined' && !customElements.get(INPUT_BAR_TAG)) customElements.define(INPUT_BAR_TAG, DhInputBar);
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-input-bar': DhInputBar;
  }
}
