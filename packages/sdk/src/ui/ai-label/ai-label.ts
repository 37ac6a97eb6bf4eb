import DhAiLabel from './ai-label.component.js';

export { DhAiLabel };
export default DhAiLabel;

declare global {
  interface HTMLElementTagNameMap {
    'dh-ai-label': DhAiLabel;
  }
}
