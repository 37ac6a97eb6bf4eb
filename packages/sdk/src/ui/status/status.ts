import DhStatus from './status.component.js';

export { DhStatus };
export default DhStatus;

export const STATUS_TAG = 'dh-status';

/** Defines `<dh-status>` once per page. */
export function defineStatus(): void {
  if (typeof customElements !== 'undefined' && !customElements.get(STATUS_TAG)) customElements.define(STATUS_TAG, DhStatus);
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-status': DhStatus;
  }
}
