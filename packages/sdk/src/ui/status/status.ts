import DhStatus from './status.component.js';

export { DhStatus };
export default DhStatus;

declare global {
  interface HTMLElementTagNameMap {
    'dh-status': DhStatus;
  }
}
