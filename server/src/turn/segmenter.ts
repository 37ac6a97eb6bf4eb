/**
 * Streaming clause segmenter: text arrives in pieces (from a brain or driven text); clauses leave as soon as
 * they are complete so that speech synthesis can start on the first one while the rest is still coming.
 */
export interface SegmenterOptions {
  /** Clauses shorter than this (trimmed, in characters) are merged forward, except the very first one. */
  minChars?: number;
  /** A clause without punctuation is cut once it reaches this length. */
  maxChars?: number;
}

/** Cut after these at once. */
const HARD_BREAKS = new Set(['。', '！', '？', '；', '，', '、', '!', '?', ';', '\n', '…']);
/** Cut after these only when whitespace follows (so "3.5", "1,000" and "e.g.x" stay whole). */
const SOFT_BREAKS = new Set(['.', ',']);
/** Closing marks that belong to the clause before the cut. */
const CLOSERS = new Set(['"', "'", '”', '’', '」', '』', '）', ')', '】', '》']);
/** How far ahead an unterminated `[`, `<` or URL may wait for its end before it is taken as plain text. */
const MAX_PROTECTED_CHARS = 1000;

export class ClauseSegmenter {
  private buffer = '';
  private emitted = 0;
  private readonly minChars: number;
  private readonly maxChars: number;

  constructor(options: SegmenterOptions = {}) {
    this.minChars = options.minChars ?? 3;
    this.maxChars = options.maxChars ?? 80;
  }

  /** Text received but not yet part of a clause (at most about MAX_PROTECTED_CHARS + maxChars after a push). */
  get pending(): string {
    return this.buffer;
  }

  /** Adds text; returns the clauses it completed, in order. */
  push(text: string): string[] {
    this.buffer += text;
    return this.drain(false);
  }

  /** Ends the stream; returns what is left (at most one clause). */
  flush(): string[] {
    const clauses = this.drain(true);
    if (this.buffer.trim() !== '') clauses.push(this.buffer);
    else if (this.buffer !== '' && clauses.length > 0) clauses[clauses.length - 1] += this.buffer;
    this.buffer = '';
    this.emitted += clauses.length;
    return clauses;
  }

  private drain(final: boolean): string[] {
    const clauses: string[] = [];
    for (;;) {
      const cut = this.findCut(final);
      if (cut <= 0) break;
      clauses.push(this.buffer.slice(0, cut));
      this.buffer = this.buffer.slice(cut);
      this.emitted++;
    }
    return clauses;
  }

  /** Index just after the next clause, or -1 when more text is needed. */
  private findCut(final: boolean): number {
    const text = this.buffer;
    const minChars = this.emitted === 0 ? 1 : this.minChars;
    const next = new NextFinder(text);
    let lastSpace = -1;
    let i = 0;
    while (i < text.length) {
      const protectedEnd = protectedSpanEnd(text, i, final, next);
      if (protectedEnd === WAIT) return -1;
      if (protectedEnd > i) {
        i = protectedEnd;
        continue;
      }
      const ch = text[i];
      let breakHere = false;
      if (HARD_BREAKS.has(ch)) {
        breakHere = true;
      } else if (SOFT_BREAKS.has(ch)) {
        if (i + 1 >= text.length) {
          if (!final) return -1;
          breakHere = true;
        } else {
          breakHere = /\s/.test(text[i + 1]);
        }
      }
      if (breakHere) {
        let end = i + 1;
        while (end < text.length && (CLOSERS.has(text[end]) || HARD_BREAKS.has(text[end]) || SOFT_BREAKS.has(text[end]))) {
          if (text[end] === '\n') break;
          end++;
        }
        // Trailing spaces go with the clause so that concatenating clauses gives back the text.
        while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
        if (end >= text.length && !final && end === i + 1 && CLOSERS.has(text[i])) return -1;
        if (visibleLength(text.slice(0, end)) >= minChars) return end;
        i = end;
        continue;
      }
      if (ch === ' ') lastSpace = i + 1;
      i++;
      if (i >= this.maxChars) {
        if (lastSpace > 0 && visibleLength(text.slice(0, lastSpace)) >= this.minChars) return lastSpace;
        // No space to cut at (Chinese): cut at a character boundary, never inside a surrogate pair.
        const code = text.charCodeAt(i - 1);
        return code >= 0xd800 && code <= 0xdbff && i < text.length ? i + 1 : i;
      }
    }
    return -1;
  }
}

const WAIT = -2;

/**
 * "Where is the next `]` after here?" in O(1): a table per character, built on first use from the end of the
 * text. indexOf from every `[` of a run of unclosed ones rescanned the rest of the buffer each time.
 */
class NextFinder {
  private readonly last = new Map<string, number>();
  private readonly tables = new Map<string, Int32Array>();
  private scans = 0;

  constructor(private readonly text: string) {}

  /** Index of the first `char` at or after `from`, or -1. */
  next(char: string, from: number): number {
    let last = this.last.get(char);
    if (last === undefined) this.last.set(char, (last = this.text.lastIndexOf(char)));
    if (from > last) return -1;
    // A few native scans are cheapest; past that, one table answers every later question in O(1).
    if (++this.scans <= 8) return this.text.indexOf(char, from);
    let table = this.tables.get(char);
    if (!table) {
      table = new Int32Array(last + 1);
      let next = -1;
      for (let i = last; i >= 0; i--) {
        if (this.text[i] === char) next = i;
        table[i] = next;
      }
      this.tables.set(char, table);
    }
    return table[from];
  }
}

/**
 * If a markdown image/link, an HTML tag or a URL starts at `i`, returns the index after it, or WAIT when
 * its end has not arrived yet. Returns `i` when nothing protected starts there.
 */
function protectedSpanEnd(text: string, i: number, final: boolean, next: NextFinder): number {
  const ch = text[i];
  const need = (end: number): number => {
    if (end >= 0) return end;
    if (!final && text.length - i < MAX_PROTECTED_CHARS) return WAIT;
    return i;
  };
  if (ch === '[' || (ch === '!' && text[i + 1] === '[')) {
    const open = ch === '!' ? i + 1 : i;
    const close = next.next(']', open);
    if (close < 0) return need(-1);
    if (close + 1 >= text.length) return need(-1);
    if (text[close + 1] !== '(') return i;
    const paren = next.next(')', close);
    return need(paren < 0 ? -1 : paren + 1);
  }
  if (ch === '<') {
    if (i + 1 >= text.length) return need(-1);
    if (!/[A-Za-z/!]/.test(text[i + 1])) return i;
    const close = next.next('>', i);
    return need(close < 0 ? -1 : close + 1);
  }
  if (ch === 'h' && (text.startsWith('http://', i) || text.startsWith('https://', i))) {
    const match = /^https?:\/\/[^\s<>"'）」，。！？]*/.exec(text.slice(i));
    const end = i + match![0].length;
    // A URL may be followed by more of itself in the next piece.
    if (end >= text.length && !final) return need(-1);
    // Trailing sentence punctuation is not part of the URL.
    let urlEnd = end;
    while (urlEnd > i && /[.,;:!?)]/.test(text[urlEnd - 1])) urlEnd--;
    return urlEnd;
  }
  if (!final && text.length - i < 8 && 'https://'.startsWith(text.slice(i)) && text.length > i && ch === 'h') {
    return WAIT;
  }
  return i;
}

function visibleLength(clause: string): number {
  return clause.trim().length;
}
