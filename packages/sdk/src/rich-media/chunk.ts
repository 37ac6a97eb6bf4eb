/**
 * The answer renderer's lazy chunk (`/sdk/rich-media.esm.js`): marked + DOMPurify + dhkit's hooks, about
 * 27 KB min+gzip, loaded only with built-in captions (`enableCaption`, `enableMediaViewer`) or `renderAnswer()`.
 * Bundlers may also import it directly: `import { renderAnswerNow } from '@dhkit/sdk/rich-media'`.
 */
export { renderAnswerNow } from './render-answer.js';
export type { AnswerMedia, DroppedContent, RenderAnswerOptions, RenderedAnswer } from './render-answer.js';
