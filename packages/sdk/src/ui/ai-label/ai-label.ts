import DhAiLabel from './ai-label.component.js';

export { DhAiLabel };
export default DhAiLabel;

export const AI_LABEL_TAG = 'dh-ai-label';

/** Defines `<dh-ai-label>` once per page (a second copy of the SDK reuses the first definition). */
export function defineAiLabel(): void {
  if (typeof customElements !== 'undefined' && !customElements.get(AI_LABEL_TAG)) customElements.define(AI_LABEL_TAG, DhAiLabel);
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-ai-label': DhAiLabel;
  }
}
