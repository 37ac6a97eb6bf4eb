/**
 * Finds lexicon words in a text in one left-to-right pass over a trie of the (case-folded) words: the cost is
 * the text's length times at most the longest word's, whatever the number of words. A regular expression
 * alternation of 1,000 words, each behind its own lookarounds, tried every word at every position (150–300 ms
 * per clause).
 */
const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Case folding per UTF-16 unit, so that indexes in the folded text are indexes in the original. */
function fold(unit: string): string {
  const lower = unit.toLowerCase();
  return lower.length === 1 ? lower : unit;
}

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Set when a word ends here. */
  word?: MatcherWord;
}

export interface MatcherWord {
  readonly text: string;
  /** The word only matches where no letter, digit or `_` comes before it. */
  readonly wholeBefore: boolean;
  /** The word only matches where no letter, digit or `_` follows it. */
  readonly wholeAfter: boolean;
}

export interface WordMatch {
  readonly index: number;
  readonly length: number;
  readonly word: MatcherWord;
}

export class WordMatcher {
  private readonly root: TrieNode = { children: new Map() };
  private size = 0;
  /** Trie steps taken by all matching so far (tests hold the matcher to linear cost with it). */
  steps = 0;

  /** Adds a word; a word equal to an earlier one (case-folded) is ignored. Returns whether it was added. */
  add(word: MatcherWord): boolean {
    let node = this.root;
    for (const unit of word.text) {
      for (let k = 0; k < unit.length; k++) {
        const key = fold(unit[k]);
        let child = node.children.get(key);
        if (!child) node.children.set(key, (child = { children: new Map() }));
        node = child;
      }
    }
    if (node.word) return false;
    node.word = word;
    this.size++;
    return true;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  /** Non-overlapping matches from left to right; at each place the longest word whose boundaries hold wins. */
  *matches(text: string): Generator<WordMatch> {
    let i = 0;
    while (i < text.length) {
      const found = this.longestAt(text, i);
      if (found) {
        yield found;
        i += found.length;
      } else {
        i++;
      }
    }
  }

  private longestAt(text: string, start: number): WordMatch | null {
    let node: TrieNode | undefined = this.root;
    let best: WordMatch | null = null;
    const wordBefore = isWordCharBefore(text, start);
    for (let j = start; j < text.length; j++) {
      this.steps++;
      node = node.children.get(fold(text[j]));
      if (!node) break;
      const word = node.word;
      if (!word) continue;
      if (word.wholeBefore && wordBefore) continue;
      if (word.wholeAfter && isWordCharAt(text, j + 1)) continue;
      best = { index: start, length: j + 1 - start, word };
    }
    return best;
  }
}

function isWordCharAt(text: string, index: number): boolean {
  if (index >= text.length) return false;
  return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(index)!));
}

function isWordCharBefore(text: string, index: number): boolean {
  if (index <= 0) return false;
  const low = text.charCodeAt(index - 1);
  const start = low >= 0xdc00 && low <= 0xdfff && index >= 2 ? index - 2 : index - 1;
  return WORD_CHAR.test(String.fromCodePoint(text.codePointAt(start)!));
}
