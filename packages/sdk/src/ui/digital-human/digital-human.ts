import { defineComponents } from '../define-components.js';
import DigitalHumanElement from './digital-human.component.js';

export { DigitalHumanElement };
export default DigitalHumanElement;

export const DIGITAL_HUMAN_TAG = 'digital-human';

/**
 * Defines `<digital-human>` once per page, even when several copies of the SDK are loaded. Called by
 * `create()` rather than on import, so importing the SDK has no side effect (and does not fail where
 * there is no DOM, as in server-side rendering).
 */
export function defineDigitalHuman(): void {
  defineComponents();
  if (typeof customElements !== 'undefined' && !customElements.get(DIGITAL_HUMAN_TAG)) {
    customElements.define(DIGITAL_HUMAN_TAG, DigitalHumanElement);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'digital-human': DigitalHumanElement;
  }
}
