import DhHotQuestions from './hot-questions.component.js';

export { DhHotQuestions };
export { hotQuestionsFor, MAX_HOT_QUESTIONS } from './hot-questions-select.js';
export default DhHotQuestions;

declare global {
  interface HTMLElementTagNameMap {
    'dh-hot-questions': DhHotQuestions;
  }
}
