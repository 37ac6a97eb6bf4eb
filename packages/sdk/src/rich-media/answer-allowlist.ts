/**
 * What an answer may contain (docs/security.md "Answers are untrusted"): the elements and attributes the
 * sanitizer keeps; every URL and value is vetted further by render-answer.ts's hooks.
 */

/** Text, headings, lists, tables, disclosure widgets, figures, links and media: what FAQ answers use. */
export const ALLOWED_TAGS = [
  'p', 'br', 'hr', 'strong', 'b', 'em', 'i', 's', 'del', 'sub', 'sup', 'small', 'mark', 'span',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'blockquote', 'code', 'pre',
  'details', 'summary', 'figure', 'figcaption',
  'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'caption',
  'a', 'img', 'video', 'source',
];
/** `align` only on table cells and `open` only on `details`, checked by the hooks. */
export const ALLOWED_ATTR = [
  'href', 'src', 'alt', 'title', 'width', 'height', 'poster', 'controls', 'type', 'colspan', 'rowspan', 'start', 'align', 'open',
];
/** Not in the allowlist anyway; listed so that a change of DOMPurify's defaults cannot let them in. */
export const FORBID_TAGS = [
  'script', 'style', 'link', 'base', 'meta', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'frame', 'frameset', 'object',
  'embed', 'applet', 'svg', 'math', 'template', 'noscript', 'portal', 'audio', 'track',
];
export const FORBID_ATTR = [
  'style', 'srcset', 'sizes', 'id', 'name', 'class', 'target', 'rel', 'ping', 'formaction', 'action', 'background', 'lowsrc', 'dynsrc',
  'xlink:href',
];
/** Removed elements worth reporting (markup like `<div>` is unwrapped silently). */
export const ACTIVE_TAGS = new Set([
  'script', 'style', 'link', 'base', 'meta', 'form', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math', 'portal',
  'noscript', 'template', 'audio', 'track',
]);
