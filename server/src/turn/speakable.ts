/**
 * The text to speak for a clause: markup removed. Link text stays (it is part of the sentence); image alt
 * text, URLs and HTML tags do not (they are shown, not read out).
 *
 * Every step is linear in the text: answers come from LLMs and knowledge-base editors, and a pathological one
 * (thousands of unclosed `[` or `<a`) must cost no more than a plain one of the same length. Links, images and
 * tags are therefore found with precomputed "next `]`/`)`/`>`" tables instead of backtracking regular expressions.
 */
export function toSpeakable(clause: string): string {
  let text = replaceTags(replaceLinks(replaceLinks(clause, true), false))
    .replace(/https?:\/\/[^\s<>"'）」，。！？]*/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    // `[ \t]*`, not `\s*`: with the m flag, `\s*` would rescan every following blank line from each line start.
    .replace(/^[ \t]*(#{1,6}|>|[-+*]|\d+\.)\s+/gm, '')
    .replace(/[*_~`#|]+/g, ' ');
  text = text.replace(/\s+/g, ' ').trim();
  // Remove spaces that the removals left before punctuation (runs of whitespace are single spaces by now).
  text = text.replace(/\s([，。！？；、：,.!?;:])/g, '$1').replace(/([，。！？；、：])\s/g, '$1');
  return /[\p{L}\p{N}]/u.test(text) ? text : '';
}

/** For each index, the index of the next `char` at or after it (-1 when none): one pass from the end. */
function nextIndexTable(text: string, char: string): Int32Array {
  const table = new Int32Array(text.length + 1);
  let next = -1;
  table[text.length] = -1;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === char) next = i;
    table[i] = next;
  }
  return table;
}

/**
 * Images `![alt](url)` become a space (`images`), links `[text](url)` their text: what the regular expressions
 * `!\[[^\]]*\]\([^)]*\)` and `\[([^\]]*)\]\([^)]*\)` replace, found in one pass.
 */
function replaceLinks(text: string, images: boolean): string {
  if (!text.includes('](')) return text;
  const nextBracket = nextIndexTable(text, ']');
  const nextParen = nextIndexTable(text, ')');
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const open = images ? (text[i] === '!' && text[i + 1] === '[' ? i + 1 : -1) : text[i] === '[' ? i : -1;
    if (open < 0) continue;
    const close = nextBracket[open + 1];
    if (close < 0 || text[close + 1] !== '(') continue;
    const paren = nextParen[close + 2];
    if (paren < 0) continue;
    out += text.slice(copied, i) + (images ? ' ' : text.slice(open + 1, close));
    copied = paren + 1;
    i = paren;
  }
  return out + text.slice(copied);
}

/** HTML tags (`<[A-Za-z/!][^>]*>`) become a space, found in one pass. */
function replaceTags(text: string): string {
  if (!text.includes('<')) return text;
  const nextGt = nextIndexTable(text, '>');
  let out = '';
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '<' || !/[A-Za-z/!]/.test(text[i + 1] ?? '')) continue;
    const close = nextGt[i + 1];
    if (close < 0) break; // no `>` after here: no later tag can close either
    out += `${text.slice(copied, i)} `;
    copied = close + 1;
    i = close;
  }
  return out + text.slice(copied);
}
