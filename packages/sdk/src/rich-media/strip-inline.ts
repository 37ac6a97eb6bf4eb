/**
 * Takes inline event handlers, `style` attributes and `<script>`/`<style>` elements out of an HTML string
 * before it is parsed. This is NOT the security boundary (DOMPurify is, and removes all of these anyway);
 * it exists because Chromium checks the page's CSP while parsing even into an inert document, so a hostile
 * or merely untidy answer (an LLM's `style="…"`) would flood the site's CSP reports with violations that
 * were never going to run. Whatever this function misses, DOMPurify still removes.
 */

const RAW_BLOCK = /<(script|style)\b[\s\S]*?<\/\1\s*>/gi;
const RAW_UNCLOSED = /<(script|style)\b[\s\S]*$/i;
const TAG_START = /<[a-zA-Z]/g;
const DROPPED_ATTRIBUTE = /^(on|style$)/i;
const SPACE = /[\t\n\f\r /]/;

/**
 * Reads one start tag at `start` (`<name …>`) the way the HTML tokenizer splits attributes, and returns it
 * without the dropped attributes, with the index after it; null when the tag does not end (the parser drops
 * such a tag).
 */
function rewriteTag(html: string, start: number): { text: string; end: number } | null {
  let i = start + 1;
  while (i < html.length && !SPACE.test(html[i]!) && html[i] !== '>') i++;
  let out = html.slice(start, i);
  while (i < html.length) {
    const separatorStart = i;
    while (i < html.length && SPACE.test(html[i]!)) i++;
    if (i >= html.length) return null;
    if (html[i] === '>') return { text: `${out}${html.slice(separatorStart, i)}>`, end: i + 1 };
    const nameStart = i;
    // A name may begin with '='; it ends at space, '/', '>' or '='.
    i++;
    while (i < html.length && !SPACE.test(html[i]!) && html[i] !== '>' && html[i] !== '=') i++;
    const name = html.slice(nameStart, i);
    let valueEnd = i;
    let j = i;
    while (j < html.length && /[\t\n\f\r ]/.test(html[j]!)) j++;
    if (html[j] === '=') {
      j++;
      while (j < html.length && /[\t\n\f\r ]/.test(html[j]!)) j++;
      const quote = html[j];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, j + 1);
        if (close < 0) return null;
        valueEnd = close + 1;
      } else {
        while (j < html.length && !/[\t\n\f\r >]/.test(html[j]!)) j++;
        valueEnd = j;
      }
    }
    i = valueEnd;
    if (!DROPPED_ATTRIBUTE.test(name)) out += html.slice(separatorStart, valueEnd);
  }
  return null;
}

/** The HTML without inline handlers, style attributes, script and style elements (see above). */
export function stripInlineScriptAndStyle(html: string): string {
  const text = html.replace(RAW_BLOCK, '').replace(RAW_UNCLOSED, '');
  let out = '';
  let last = 0;
  TAG_START.lastIndex = 0;
  for (let match = TAG_START.exec(text); match; match = TAG_START.exec(text)) {
    const tag = rewriteTag(text, match.index);
    if (!tag) break;
    out += text.slice(last, match.index) + tag.text;
    last = tag.end;
    TAG_START.lastIndex = tag.end;
  }
  return out + text.slice(last);
}
