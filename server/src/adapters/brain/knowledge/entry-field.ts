/**
 * All the known questions of an entry together, as one more document of it. An entry is ranked by its best
 * known question (lexical-index.ts), which keeps one long or odd similar question from drowning the others;
 * but a visitor's question often takes one word from one phrasing and another word from the next, and then
 * no single known question explains it. Their union does: an entry scores as the better of its best
 * question and the union. Only raised, never lowered, so the decision's calibration (decision.ts) holds for
 * every entry the union does not explain better, and an entry without similar questions does not change.
 *
 * Measured on bench:kb's English StackFAQ set made into a base with similar questions (each entry's two
 * annotated paraphrases, flagged `sim`, as its similar questions; the other eight asked), TUNE / TEST half,
 * before → after: top-1 0.821 → 0.827 / 0.815 → 0.821, answered right 0.742 → 0.750 / 0.708 → 0.718,
 * answered wrong 0.082 → 0.083 / 0.091 → 0.087, false-decline 0.030 → 0.030 / 0.030 → 0.028. Chosen on TUNE
 * and the demo paraphrase set over a fixed mix (¾ best question + ¼ union: TUNE top-1 0.829, but its lower
 * confidences for entries with many similar questions dropped the demo set's answered-right from 95 % to 88 %).
 *
 * Cost: only the RESCORED_ENTRIES best entries by their best question are re-scored, each against the
 * question's looked-up tokens: at most RESCORED_ENTRIES × MAX_QUERY_TOKENS map reads, whatever the base.
 */
import type { TokenWeights } from './tokenize.js';

/** How many of the best entries by their best question are re-scored with their questions together. */
export const RESCORED_ENTRIES = 10;

/** A token of the question, by its id in the lexical index, with its weight and IDF. */
export interface QueryTerm {
  id: number;
  weight: number;
  idf: number;
}

export class EntryField {
  /** Per entry with two or more known questions: token id → its highest weight in them; undefined otherwise. */
  private readonly tokens: (Map<number, number> | undefined)[];
  private readonly mass: Float64Array;

  /**
   * @param docTokens the tokens of each known question; `docEntry` the index of its entry
   * @param tokenIds the lexical index's token ids; `idf` its IDF by token id
   * @param minMass the least mass a known question is measured against (see LexicalIndex)
   */
  constructor(
    docTokens: readonly TokenWeights[],
    docEntry: readonly number[],
    entryCount: number,
    tokenIds: ReadonlyMap<string, number>,
    idf: Float64Array,
    minMass: number,
  ) {
    this.mass = new Float64Array(entryCount);
    this.tokens = new Array(entryCount).fill(undefined);
    const questions = new Uint16Array(entryCount);
    for (const entryIndex of docEntry) questions[entryIndex] = Math.min(questions[entryIndex] + 1, 2);
    docTokens.forEach((tokens, docIndex) => {
      const entryIndex = docEntry[docIndex];
      if (questions[entryIndex] < 2) return;
      let union = this.tokens[entryIndex];
      if (!union) this.tokens[entryIndex] = union = new Map();
      for (const [token, weight] of tokens) {
        const id = tokenIds.get(token)!;
        union.set(id, Math.max(weight, union.get(id) ?? 0));
      }
    });
    this.tokens.forEach((union, entryIndex) => {
      if (!union) return;
      let mass = 0;
      for (const [id, weight] of union) mass += idf[id] * weight;
      this.mass[entryIndex] = Math.max(mass, minMass);
    });
  }

  /** Whether any entry has more than one known question (else this field changes nothing and costs nothing). */
  get any(): boolean {
    return this.tokens.some((union) => union !== undefined);
  }

  /** Whether the entry has more than one known question (only then does this field change its score). */
  has(entryIndex: number): boolean {
    return this.tokens[entryIndex] !== undefined;
  }

  /**
   * The recall and precision of the entry's questions together against the question (the same measures as
   * a single known question's, see lexical-index.ts), and whether they share a content word with it (a token
   * of at least `contentWeight` on both sides). `answerShared`: the question's overlap with the entry's
   * answer, counted toward recall as for a single question.
   */
  cover(
    entryIndex: number,
    query: { terms: readonly QueryTerm[]; mass: number; answerShared: number },
    contentWeight: number,
  ): { recall: number; precision: number; sharesContent: boolean } {
    const union = this.tokens[entryIndex];
    if (!union) return { recall: 0, precision: 0, sharesContent: false };
    let shared = 0;
    let sharesContent = false;
    for (const { id, weight, idf } of query.terms) {
      const known = union.get(id);
      if (known === undefined) continue;
      shared += idf * Math.min(weight, known);
      if (weight >= contentWeight && known >= contentWeight) sharesContent = true;
    }
    const recall = Math.min(1, (shared + query.answerShared) / query.mass);
    return { recall, precision: Math.min(1, shared / this.mass[entryIndex]), sharesContent };
  }
}
