/**
 * BM25 over the known questions of a knowledge base, with a confidence that can be compared with a fixed
 * threshold. Each question and similar question is one short document; an entry scores as its best
 * question. Raw BM25 grows with the query's length and the corpus, so it cannot decide on its own whether
 * to answer; the confidence (0..1) combines two normalized views of the same match:
 *
 * - recall: the BM25 score divided by the score the query would reach against a document holding all of
 *   its tokens — how much of what the visitor said (weighted by rarity) the known question explains;
 * - precision: the IDF-weighted share of the known question's own tokens that the visitor used — so a
 *   question matched only by one generic word ("what is …") does not pass.
 *
 * The confidence is their harmonic mean. Words the knowledge base never uses get the highest IDF, which is
 * what makes an unrelated question ("what is the capital of Peru") score low against every entry.
 */
import type { LanguageCode } from '@dhkit/protocol';
import { detectLanguage, tokenize, type TokenWeights } from './tokenize.js';

/** What the index needs of a knowledge entry (the store's KnowledgeEntry fits). */
export interface IndexableEntry {
  id?: number;
  question: string;
  similarQuestions?: readonly string[];
  answer: string;
  language: LanguageCode;
  tags?: readonly string[];
}

export interface KnowledgeMatch<E extends IndexableEntry = IndexableEntry> {
  entry: E;
  /** 0..1, see the file comment. */
  confidence: number;
  /** Raw BM25 of the best-matching question of the entry. */
  score: number;
  /** The known question (or similar question) that matched best. */
  matchedQuestion: string;
  /** The two parts of the confidence (see the file comment). */
  recall: number;
  precision: number;
}

export interface SearchOptions {
  /** At most this many entries (default 5). */
  limit?: number;
  /** Only entries carrying at least one of these tags. */
  tags?: readonly string[];
}

const K1 = 1.2;
const B = 0.75;
/** Entries in another language than the question are not excluded (names like "dhkit" cross), only discounted. */
const OTHER_LANGUAGE_FACTOR = 0.6;

interface Doc {
  entryIndex: number;
  text: string;
  tokens: TokenWeights;
  length: number;
  /** Σ idf·weight over the document's tokens, for precision. */
  mass: number;
}

export class Bm25Index<E extends IndexableEntry = IndexableEntry> {
  private readonly docs: Doc[] = [];
  private readonly postings = new Map<string, number[]>();
  private readonly idf = new Map<string, number>();
  private readonly unseenIdf: number;
  private readonly averageLength: number;

  constructor(readonly entries: readonly E[]) {
    entries.forEach((entry, entryIndex) => {
      const questions = new Set([entry.question, ...(entry.similarQuestions ?? [])]);
      for (const text of questions) {
        const tokens = tokenize(text);
        if (tokens.size === 0) continue;
        let length = 0;
        for (const weight of tokens.values()) length += weight;
        const docIndex = this.docs.push({ entryIndex, text, tokens, length, mass: 0 }) - 1;
        for (const token of tokens.keys()) {
          let list = this.postings.get(token);
          if (!list) this.postings.set(token, (list = []));
          list.push(docIndex);
        }
      }
    });
    const n = this.docs.length;
    for (const [token, list] of this.postings) this.idf.set(token, bm25Idf(n, list.length));
    this.unseenIdf = bm25Idf(Math.max(n, 1), 0);
    this.averageLength = n === 0 ? 1 : this.docs.reduce((sum, doc) => sum + doc.length, 0) / n;
    // A known question made only of function words ("what is this") has a tiny mass; matching its few
    // words says little, so its precision is measured against at least one typical content word.
    let idfSum = 0;
    for (const idf of this.idf.values()) idfSum += idf;
    const minMass = this.idf.size === 0 ? 1 : idfSum / this.idf.size;
    for (const doc of this.docs) {
      for (const [token, weight] of doc.tokens) doc.mass += this.idf.get(token)! * weight;
      doc.mass = Math.max(doc.mass, minMass);
    }
  }

  get size(): number {
    return this.entries.length;
  }

  /** Entries by confidence, best first; at most `limit`, each entry once. */
  search(question: string, options: SearchOptions = {}): KnowledgeMatch<E>[] {
    const limit = options.limit ?? 5;
    const query = tokenize(question);
    if (query.size === 0 || this.docs.length === 0) return [];
    const queryLanguage = detectLanguage(question);

    // Accumulate BM25 and the shared IDF mass per document through the postings of the query's tokens.
    const scores = new Map<number, { bm25: number; shared: number }>();
    let queryMass = 0;
    let idealScore = 0;
    const queryLength = [...query.values()].reduce((a, b) => a + b, 0);
    const idealNorm = K1 * (1 - B + (B * queryLength) / this.averageLength);
    for (const [token, weight] of query) {
      const idf = this.idf.get(token) ?? this.unseenIdf;
      queryMass += idf * weight;
      idealScore += (idf * weight * (K1 + 1)) / (1 + idealNorm);
      const list = this.postings.get(token);
      if (!list) continue;
      for (const docIndex of list) {
        const doc = this.docs[docIndex];
        const docWeight = doc.tokens.get(token)!;
        const norm = K1 * (1 - B + (B * doc.length) / this.averageLength);
        const term = (idf * weight * docWeight * (K1 + 1)) / (docWeight + norm);
        const slot = scores.get(docIndex);
        const shared = idf * Math.min(weight, docWeight);
        if (slot) {
          slot.bm25 += term;
          slot.shared += shared;
        } else {
          scores.set(docIndex, { bm25: term, shared });
        }
      }
    }
    if (queryMass === 0) return [];

    const best = new Map<number, KnowledgeMatch<E>>();
    for (const [docIndex, { bm25, shared }] of scores) {
      const doc = this.docs[docIndex];
      const entry = this.entries[doc.entryIndex];
      if (options.tags && !entry.tags?.some((tag) => options.tags!.includes(tag))) continue;
      const recall = Math.min(1, bm25 / idealScore);
      const precision = Math.min(1, shared / doc.mass);
      let confidence = Math.sqrt(recall * precision);
      if (entry.language !== queryLanguage) confidence *= OTHER_LANGUAGE_FACTOR;
      const current = best.get(doc.entryIndex);
      if (!current || confidence > current.confidence || (confidence === current.confidence && bm25 > current.score)) {
        best.set(doc.entryIndex, { entry, confidence, score: bm25, matchedQuestion: doc.text, recall, precision });
      }
    }
    return [...best.values()].sort((a, b) => b.confidence - a.confidence || b.score - a.score).slice(0, limit);
  }
}

function bm25Idf(documents: number, containing: number): number {
  return Math.log(1 + (documents - containing + 0.5) / (containing + 0.5));
}
