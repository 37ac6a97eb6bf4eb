import DhKiosk from './kiosk-shell.component.js';

export { DhKiosk };
export default DhKiosk;

/** `dh-kiosk-ask`: the visitor tapped a suggested question on the attract screen. */
export interface KioskAskEventDetail {
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
