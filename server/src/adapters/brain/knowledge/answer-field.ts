import type { TokenWeights } from './tokenize.js';
import { idfOf } from './idf.js';

/**
 * The entries' answers as a second, weaker field: a visitor often uses a word of the answer that the known
 * question lacks ("where can I get a coffee" → "Is there a cafe?" whose answer serves coffee). Its IDF is
 * over answers; only entries whose question also matched are affected (see LexicalIndex.search).
 */
/**
 * Tokens in (nearly) every answer ("请在App里操作", a signature) tell no entry from another: their IDF is
 * about zero, yet walking their postings cost a pass over every entry per question. They are not indexed.
 */
const MIN_ANSWER_IDF = 0.05;

export class AnswerField {
  private readonly postings = new Map<string, { entries: Int32Array; weights: Float32Array; idf: number }>();
  private readonly shared: Float64Array;
  /** 1 where the answer shares a content word (not only function words) with the last question. */
  private readonly content: Uint8Array;
  private readonly touched: Int32Array;
  private touchedCount = 0;

  /** contentWeight: the least weight of a content word (tokenize.ts gives function words less). */
  constructor(
    answers: readonly TokenWeights[],
    private readonly contentWeight: number,
  ) {
    this.shared = new Float64Array(answers.length);
    this.content = new Uint8Array(answers.length);
    this.touched = new Int32Array(answers.length);
    const lists = new Map<string, { entries: number[]; weights: number[] }>();
    answers.forEach((tokens, entryIndex) => {
      for (const [token, weight] of tokens) {
        let list = lists.get(token);
        if (!list) lists.set(token, (list = { entries: [], weights: [] }));
        list.entries.push(entryIndex);
        list.weights.push(weight);
      }
    });
    for (const [token, list] of lists) {
      const idf = idfOf(answers.length, list.entries.length);
      if (idf < MIN_ANSWER_IDF) continue;
      this.postings.set(token, { entries: Int32Array.from(list.entries), weights: Float32Array.from(list.weights), idf });
    }
  }

  /**
   * Per entry, the IDF-weighted overlap of its answer with the question (the rarest maxTokens tokens only,
   * rarest first, at most maxPostings postings walked: the early stop of lexical-index.ts), in a dense array by
   * entry index that stays valid until the next call.
   */
  overlap(query: TokenWeights, maxTokens: number, maxPostings: number): { shared: Float64Array; postingsScanned: number } {
    const found: { list: { entries: Int32Array; weights: Float32Array; idf: number }; weight: number }[] = [];
    for (const [token, weight] of query) {
      const list = this.postings.get(token);
      if (list) found.push({ list, weight });
    }
    found.sort((a, b) => b.list.idf * b.weight - a.list.idf * a.weight);
    if (found.length > maxTokens) found.length = maxTokens;
    for (let i = 0; i < this.touchedCount; i++) {
      this.shared[this.touched[i]] = 0;
      this.content[this.touched[i]] = 0;
    }
    this.touchedCount = 0;
    let budget = maxPostings;
    for (const { list, weight } of found) {
      const end = Math.min(list.entries.length, budget);
      budget -= end;
      for (let i = 0; i < end; i++) {
        const entry = list.entries[i];
        if (this.shared[entry] === 0) this.touched[this.touchedCount++] = entry;
        this.shared[entry] += list.idf * Math.min(weight, list.weights[i]);
        if (weight >= this.contentWeight && list.weights[i] >= this.contentWeight) this.content[entry] = 1;
      }
      if (budget === 0) break;
    }
    return { shared: this.shared, postingsScanned: maxPostings - budget };
  }

  /** Whether the answer of this entry shared a content word with the question of the last overlap call. */
  sharesContent(entryIndex: number): boolean {
    return this.content[entryIndex] === 1;
  }
}
