/**
 * Public face of the answer renderer. Async on purpose: marked and DOMPurify are about 27 KB min+gzip, and
 * the renderer is only needed with built-in captions or in apps that draw their own; so it lives in a lazy chunk
 * (`rich-media.esm.js`: the app's own chunk when bundled, the server's `/sdk/` with the script tag), loaded on
 * first use.
 */
import { normalizeServerAddress } from '../channel/server-address.js';
import { loadRichMediaChunk, type ChunkModules } from '../chunks/lazy-chunks.js';
import type { RenderAnswerOptions, RenderedAnswer } from './render-answer.js';

export { answerPlainText } from './plain-text.js';
export type { AnswerMedia, DroppedContent, RenderAnswerOptions, RenderedAnswer } from './render-answer.js';
export type { DropReason, MediaKind } from './media-policy.js';

/**
 * Renders an answer (markdown with inline HTML, as `semanticRecognized` delivers it; concatenate the
 * segments first) into a sanitized DOM fragment, for apps that draw their own UI (`enableCaption: false`).
 * Pictures and videos survive only from the server's origin or, over https, from `mediaAllowlist` hosts;
 * what was left out is listed in `dropped`. Rejects where there is no DOM (server-side rendering), and with
 * `CHUNK_LOAD_FAILED` when the renderer chunk does not load.
 *
 * @example
 * const { fragment, dropped } = await renderAnswer(text, { serverAddress, mediaAllowlist: ['cdn.example.com'] });
 * answerBox.replaceChildren(fragment);
 */
type RendererChunk = ChunkModules['rich-media'];
let loadedRenderer: RendererChunk | null = null;

/** The renderer if it is loaded already (the captions render synchronously), else null. */
export function rendererIfLoaded(): RendererChunk | null {
  return loadedRenderer;
}

/** Loads the renderer chunk for a server address as the page gave it (rejects on a malformed address too). */
export async function loadRendererChunk(serverAddress: string): Promise<RendererChunk> {
  return (loadedRenderer = await loadRichMediaChunk(`${normalizeServerAddress(serverAddress).httpBase}/sdk`));
}

export async function renderAnswer(answer: string, options: RenderAnswerOptions): Promise<RenderedAnswer> {
  const renderer = await loadRendererChunk(options?.serverAddress);
  return renderer.renderAnswerNow(answer, options);
}
