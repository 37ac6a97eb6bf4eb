import DhKiosk from './kiosk-shell.component.js';

export { DhKiosk };
export default DhKiosk;

declare global {
  interface HTMLElementTagNameMap {
    'dh-kiosk': DhKiosk;
  }
}
