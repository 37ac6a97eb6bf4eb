import DhCaptions from './captions.component.js';

export { DhCaptions };
export default DhCaptions;

export const CAPTIONS_TAG = 'dh-captions';

/** Defines `<dh-captions>` once per page. */
export function defineCaptions(): void {
  if (typeof customElements !== 'undefined' && !customElements.get(CAPTIONS_TAG)) customElements.define(CAPTIONS_TAG, DhCaptions);
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-captions': DhCaptions;
  }
}
