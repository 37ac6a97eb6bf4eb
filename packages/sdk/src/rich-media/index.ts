/**
 * Public face of the answer renderer. Async on purpose: marked and DOMPurify are about 27 KB min+gzip, and
 * the renderer is only needed with built-in captions or in apps that draw their own; so it lives in a lazy chunk,
 * `{serverAddress}/sdk/rich-media.esm.js`, fetched on first use.
 */
import { loadRenderer } from './load-renderer.js';
import type { RenderAnswerOptions, RenderedAnswer } from './render-answer.js';

export { answerPlainText } from './plain-text.js';
export type { AnswerMedia, DroppedContent, RenderAnswerOptions, RenderedAnswer } from './render-answer.js';
export type { DropReason, MediaKind } from './media-policy.js';

/**
 * Renders an answer (markdown with inline HTML, as `semanticRecognized` delivers it; concatenate the
 * segments first) into a sanitized DOM fragment, for apps that draw their own UI (`enableCaption: false`).
 * Pictures and videos survive only from the server's origin or, over https, from `mediaAllowlist` hosts;
 * what was left out is listed in `dropped`. Rejects where there is no DOM (server-side rendering).
 *
 * @example
 * const { fragment, dropped } = await renderAnswer(text, { serverAddress, mediaAllowlist: ['cdn.example.com'] });
 * answerBox.replaceChildren(fragment);
 */
export async function renderAnswer(answer: string, options: RenderAnswerOptions): Promise<RenderedAnswer> {
  const renderer = await loadRenderer(options?.serverAddress);
  return renderer.renderAnswerNow(answer, options);
}
