/**
 * The text to speak for a clause: markup removed. Link text stays (it is part of the sentence); image alt
 * text, URLs and HTML tags do not (they are shown, not read out).
 */
export function toSpeakable(clause: string): string {
  let text = clause
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[A-Za-z/!][^>]*>/g, ' ')
    .replace(/https?:\/\/[^\s<>"'）」，。！？]*/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/^\s*(#{1,6}|>|[-+*]|\d+\.)\s+/gm, '')
    .replace(/[*_~`#|]+/g, ' ');
  text = text.replace(/\s+/g, ' ').trim();
  // Remove spaces that the removals left before punctuation.
  text = text.replace(/\s+([，。！？；、：,.!?;:])/g, '$1').replace(/([，。！？；、：])\s+/g, '$1');
  return /[\p{L}\p{N}]/u.test(text) ? text : '';
}
