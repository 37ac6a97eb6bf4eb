import DhHotQuestions from './hot-questions.component.js';

export { DhHotQuestions };
export { hotQuestionsFor, MAX_HOT_QUESTIONS } from './hot-questions-select.js';
export default DhHotQuestions;

export const HOT_QUESTIONS_TAG = 'dh-hot-questions';

/** Defines `<dh-hot-questions>` once per page. */
export function defineHotQuestions(): void {
  if (typeof customElements !== 'undefined' && !customElements.get(HOT_QUESTIONS_TAG)) {
    customElements.define(HOT_QUESTIONS_TAG, DhHotQuestions);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-hot-questions': DhHotQuestions;
  }
}
