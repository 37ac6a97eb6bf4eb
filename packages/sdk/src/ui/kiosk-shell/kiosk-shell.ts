import DhKiosk from './kiosk-shell.component.js';

export { DhKiosk };
export default DhKiosk;

export const KIOSK_TAG = 'dh-kiosk';

/** Defines `<dh-kiosk>` once per page. */
export function defineKiosk(): void {
  if (typeof customElements !== 'undefined' && !customElements.get(KIOSK_TAG)) customElements.define(KIOSK_TAG, DhKiosk);
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-kiosk': DhKiosk;
  }
}
