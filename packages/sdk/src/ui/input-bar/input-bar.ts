import DhInputBar from './input-bar.component.js';

export { DhInputBar };
export default DhInputBar;

declare global {
  interface HTMLElementTagNameMap {
    'dh-input-bar': DhInputBar;
  }
}
