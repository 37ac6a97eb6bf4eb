/**
 * Lexical retrieval over the known questions of a knowledge base. Each question and similar question is one
 * short document; an entry scores as its best document, or as all its known questions together when they
 * explain the visitor's question better (entry-field.ts). The score of a document is the IDF-weighted overlap
 * of its tokens with the question's, normalised by both sides' own IDF mass:
 *
 * - recall: the share of what the visitor said (weighted by rarity) that the known question explains — the
 *   question's score relative to its own best possible score, so it does not grow with the question's length;
 * - precision: the share of the known question's own weight that the visitor used, so a long question that
 *   happens to contain one generic word of a short known question does not match it.
 *
 * confidence = recall^0.6 · precision^0.4 (chosen on the TUNE halves of bench:kb), 0..1. The IDF of the
 * knowledge base's own content words has a floor (DOMAIN_TERM_IDF_FLOOR), higher for the words that split
 * the base (DECIDING_TERM_IDF_FLOOR). A match that shares only function words and frames is marked
 * `framesOnly`, which the decision treats as weaker evidence.
 *
 * Cost is bounded by design, whatever the question and however large the base (SearchWork counts it):
 * - the question gives at most MAX_QUESTION_TOKENS distinct tokens (tokenize.ts stops reading past them);
 * - at most MAX_QUERY_TOKENS of them (the rarest) walk their posting lists, into dense per-document
 *   accumulators, rarest first;
 * - at most MAX_POSTINGS_SCANNED postings are walked per field (questions, answers): the early stop. The
 *   list that reaches the budget is walked only up to it and the lists after it not at all; they are the
 *   question's most frequent, least telling tokens. No question of the bench:kb sets comes near it (at most
 *   27,400 postings at 5,000 entries), so it changes no ranking there; it is what keeps a crafted question on a
 *   larger base from costing more;
 * - only the documents the walk touched are scored (at most the postings walked), and only the best
 *   entries are kept (partial top-k): `limit`, or RESCORED_ENTRIES when more, whose known questions are then
 *   scored together (at most RESCORED_ENTRIES × MAX_QUERY_TOKENS map reads).
 * So a search costs O(question length + MAX_POSTINGS_SCANNED), a constant.
 */
import type { LanguageCode } from '@dhkit/protocol';
import { detectLanguage, tokenize, type TokenWeights } from './tokenize.js';
import type { KeyTerms } from './key-terms.js';
import { AnswerField } from './answer-field.js';
import { idfOf } from './idf.js';
import { EntryField, RESCORED_ENTRIES, type QueryTerm } from './entry-field.js';

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
  /** 0..1: how well the known question and the visitor's question cover each other (see the file comment). */
  confidence: number;
  /** The same as confidence before the other-language discount; kept for the record. */
  score: number;
  /** The known question (or similar question) that matched best. */
  matchedQuestion: string;
  /** The two parts of the confidence (see the file comment), of matchedQuestion or of all the entry's questions together. */
  recall: number;
  precision: number;
  /**
   * Set when the known question shares only function words and question frames with the visitor's, and the
   * answer no content word either ("what does APR mean" for "what does this mean"): nothing says the topic
   * is the same, so such a match is offered at most, never answered (decision.ts).
   */
  framesOnly?: boolean;
  /** With embeddings: the cosine similarity of the question and the entry's closest known question. */
  similarity?: number;
}

export interface SearchOptions {
  /** At most this many entries (default 5). */
  limit?: number;
  /** Only entries carrying at least one of these tags. */
  tags?: readonly string[];
  /** Filled with the work the search did (for tests and bench:kb: the cost bound is checked by counts). */
  work?: SearchWork;
}

/** What one search cost, in the units its bounds are stated in (see the file comment). */
export interface SearchWork {
  /** Distinct tokens taken from the question (≤ MAX_QUESTION_TOKENS, plus the robot's key terms found in it). */
  questionTokens: number;
  /** Tokens whose known-question postings were walked, whole or in part (≤ MAX_QUERY_TOKENS). */
  termsLookedUp: number;
  /** Postings walked in the known questions' lists (≤ MAX_POSTINGS_SCANNED). */
  postingsScanned: number;
  /** Postings walked in the answers' lists (≤ MAX_POSTINGS_SCANNED). */
  answerPostingsScanned: number;
  /** Known questions scored (≤ postingsScanned). */
  documentsScored: number;
}

/** Distinct tokens read from a question; a real one has at most about 100 (bench:kb sets: 97). */
export const MAX_QUESTION_TOKENS = 256;
/** The question's rarest tokens that are looked up; the rest (frequent, so near-weightless) only lower recall. */
export const MAX_QUERY_TOKENS = 32;
/** Postings walked per search and field (the early stop, see the file comment): about 1 ms on a loaded core. */
export const MAX_POSTINGS_SCANNED = 32_768;
/** The share of a question's weight that its least telling tokens may make up and be left unlooked-up. */
const NEGLIGIBLE_MASS = 0.02;
/**
 * Content words of the knowledge base weigh at least this share of a word it never uses. Plain IDF makes the
 * words most of the base is about (花呗 in an Alipay FAQ) weigh almost nothing, so a question in the domain
 * whose other words are new ("上个月这单花呗我己经还了…") looked as unrelated as one from outside it, and an
 * outside question that shares a frame ("…是什么意思") looked as related. With the floor, using the base's own
 * vocabulary is evidence of belonging; entries that share such a word gain alike. Chosen on
 * the TUNE halves of bench:kb (zh false-decline 0.10 → 0.03, en 0.073 → 0.056, top-1 not lower).
 */
const DOMAIN_TERM_IDF_FLOOR = 0.4;
/**
 * The words a knowledge base is about and that split it (花呗 and 借呗, each in a good share of an Alipay
 * FAQ's questions, but not in nearly all) have a higher floor: whether a question names the one or the
 * other decides between entries, and a question that names neither is less likely to belong. Plain IDF
 * gives such a word almost nothing. Words in nearly every question (呗) keep the lower floor: they split
 * nothing. Chosen on the TUNE halves of bench:kb (false-decline zh 0.035 → 0.015, en 0.048 → 0.033; top-1
 * zh 0.328 → 0.326, en 0.738 → 0.739; floors 0.5–1.0 and shares from 5 % to 30 % tried).
 */
const DECIDING_TERM_IDF_FLOOR = 0.6;
const DECIDING_TERM_MIN_SHARE = 0.2;
const DECIDING_TERM_MAX_SHARE = 0.9;
/** Tokens with at least this weight somewhere are content words (tokenize.ts: function words weigh 0.3). */
const CONTENT_WEIGHT = 0.8;
/** Entries in another language than the question are not excluded (names like "dhkit" cross), only discounted. */
const OTHER_LANGUAGE_FACTOR = 0.6;
/** How much of the visitor's words found in an entry's answer (but not its questions) count toward recall. */
const ANSWER_WEIGHT = 0.8;
/** Only the start of a long answer is indexed: it says what the answer is about. */
const MAX_ANSWER_CHARS = 600;

/** The texts of an entry the index tokenizes (its questions and the start of its answer). */
export function indexedTexts(entry: IndexableEntry): string[] {
  return [entry.question, ...(entry.similarQuestions ?? []), entry.answer.slice(0, MAX_ANSWER_CHARS)];
}

/** Tokens through the robot's key terms (synonyms folded, key terms weighted), when it has any. */
export function indexTokenizer(keyTerms?: KeyTerms): (text: string, maxTokens?: number) => TokenWeights {
  return keyTerms && !keyTerms.empty ? (text, maxTokens) => keyTerms.tokenize(text, maxTokens) : tokenize;
}

export class LexicalIndex<E extends IndexableEntry = IndexableEntry> {
  private readonly tokenIds = new Map<string, number>();
  private readonly postingDocs: Int32Array[] = [];
  private readonly postingWeights: Float32Array[] = [];
  private readonly idf: Float64Array;
  private readonly unseenIdf: number;
  private readonly docEntry: Int32Array;
  private readonly docText: string[] = [];
  private readonly docMass: Float64Array;
  // Scratch space for one search at a time (searches are synchronous).
  private readonly shared: Float64Array;
  /** 1 where the document shares a content word with the question (not only function words and frames). */
  private readonly sharesContent: Uint8Array;
  private readonly touched: Int32Array;
  private readonly answers: AnswerField;
  private readonly entryField: EntryField;
  /** Whether some entry has several known questions, so the best entries are re-scored on them together. */
  private readonly rescores: boolean;
  private readonly tokens: (text: string, maxTokens?: number) => TokenWeights;

  /** @param tokenized the tokens of `indexedTexts` of the entries, when they were tokenized ahead (see index-build.ts). */
  constructor(
    readonly entries: readonly E[],
    keyTerms?: KeyTerms,
    tokenized?: ReadonlyMap<string, TokenWeights>,
  ) {
    this.tokens = indexTokenizer(keyTerms);
    const tokensOf = (text: string) => tokenized?.get(text) ?? this.tokens(text);
    const docTokens: TokenWeights[] = [];
    const docEntry: number[] = [];
    const lists: { docs: number[]; weights: number[] }[] = [];
    entries.forEach((entry, entryIndex) => {
      for (const text of new Set([entry.question, ...(entry.similarQuestions ?? [])])) {
        const tokens = tokensOf(text);
        if (tokens.size === 0) continue;
        const docIndex = docTokens.push(tokens) - 1;
        docEntry.push(entryIndex);
        this.docText.push(text);
        for (const [token, weight] of tokens) {
          let id = this.tokenIds.get(token);
          if (id === undefined) this.tokenIds.set(token, (id = lists.push({ docs: [], weights: [] }) - 1));
          lists[id].docs.push(docIndex);
          lists[id].weights.push(weight);
        }
      }
    });
    const n = docTokens.length;
    this.idf = new Float64Array(lists.length);
    this.unseenIdf = idfOf(Math.max(n, 1), 0);
    lists.forEach((list, id) => {
      this.postingDocs.push(Int32Array.from(list.docs));
      this.postingWeights.push(Float32Array.from(list.weights));
      const idf = idfOf(n, list.docs.length);
      // Function words and question frames (weight 0.3 wherever they occur) keep their IDF: a frame shared
      // with many known questions is no evidence that the question belongs here.
      const isContent = list.weights.some((weight) => weight >= CONTENT_WEIGHT);
      this.idf[id] = isContent ? Math.max(idf, this.idfFloor(list.docs.length / n)) : idf;
    });
    this.docEntry = Int32Array.from(docEntry);
    this.docMass = new Float64Array(n);
    // A known question made only of function words ("what is this") has a tiny mass; matching its few
    // words says little, so its precision is measured against at least one typical content word.
    const minMass = lists.length === 0 ? 1 : this.idf.reduce((a, b) => a + b, 0) / lists.length;
    docTokens.forEach((tokens, docIndex) => {
      let mass = 0;
      for (const [token, weight] of tokens) mass += this.idf[this.tokenIds.get(token)!] * weight;
      this.docMass[docIndex] = Math.max(mass, minMass);
    });
    this.entryField = new EntryField(docTokens, docEntry, entries.length, this.tokenIds, this.idf, minMass);
    this.rescores = this.entryField.any;
    this.shared = new Float64Array(n);
    this.sharesContent = new Uint8Array(n);
    this.touched = new Int32Array(n);
    this.answers = new AnswerField(
      entries.map((entry) => tokensOf(entry.answer.slice(0, MAX_ANSWER_CHARS))),
      CONTENT_WEIGHT,
    );
  }

  /** The least IDF of a content word used by this share of the known questions (see the floors above). */
  private idfFloor(share: number): number {
    const deciding = share >= DECIDING_TERM_MIN_SHARE && share <= DECIDING_TERM_MAX_SHARE;
    return (deciding ? DECIDING_TERM_IDF_FLOOR : DOMAIN_TERM_IDF_FLOOR) * this.unseenIdf;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Entries by confidence, best first; at most `limit`, each entry once. */
  search(question: string, options: SearchOptions = {}): KnowledgeMatch<E>[] {
    const limit = Math.max(1, options.limit ?? 5);
    const work = options.work ?? ({} as SearchWork);
    Object.assign(work, { questionTokens: 0, termsLookedUp: 0, postingsScanned: 0, answerPostingsScanned: 0, documentsScored: 0 });
    const query = this.tokens(question, MAX_QUESTION_TOKENS);
    work.questionTokens = query.size;
    if (query.size === 0 || this.docMass.length === 0) return [];
    const { terms, queryMass } = this.queryTerms(query);
    if (queryMass === 0) return [];

    const answers = this.answers.overlap(query, MAX_QUERY_TOKENS, MAX_POSTINGS_SCANNED);
    const answerShared = answers.shared;
    work.answerPostingsScanned = answers.postingsScanned;
    const touchedCount = this.walkPostings(terms, work);
    work.documentsScored = touchedCount;

    const queryLanguage = detectLanguage(question);
    const top = new TopEntries<E>(this.rescores ? Math.max(limit, RESCORED_ENTRIES) : limit);
    for (let i = 0; i < touchedCount; i++) {
      const doc = this.touched[i];
      const shared = this.shared[doc];
      const entryIndex = this.docEntry[doc];
      const framesOnly = this.sharesContent[doc] === 0 && !this.answers.sharesContent(entryIndex);
      this.shared[doc] = 0;
      this.sharesContent[doc] = 0;
      const recall = Math.min(1, (shared + ANSWER_WEIGHT * answerShared[entryIndex]) / queryMass);
      const precision = Math.min(1, shared / this.docMass[doc]);
      // recall^0.6 · precision^0.4 ranks as recall³ · precision² (its fifth power): multiplications only, so
      // the thousands of documents that cannot enter the top cost no Math.pow and no object.
      const entry = this.entries[entryIndex];
      const discount = entry.language === queryLanguage ? 1 : OTHER_LANGUAGE_FACTOR ** 5;
      const rank = recall * recall * recall * precision * precision * discount;
      if (!top.admits(rank)) continue;
      if (options.tags && !entry.tags?.some((tag) => options.tags!.includes(tag))) continue;
      const score = rank === 0 ? 0 : (recall * recall * recall * precision * precision) ** 0.2;
      const confidence = entry.language === queryLanguage ? score : score * OTHER_LANGUAGE_FACTOR;
      const match: KnowledgeMatch<E> = { entry, confidence, score, matchedQuestion: this.docText[doc], recall, precision };
      if (framesOnly) match.framesOnly = true;
      top.offer(match, entryIndex, rank);
    }
    return this.withEntryField(top.sorted(), { terms, queryMass, answerShared }, limit);
  }

  /**
   * The best entries re-scored with all their known questions taken together as one more document
   * (entry-field.ts): an entry scores as the better of its best question and that union. Best first again,
   * at most `limit`. An entry with one known question keeps its score.
   */
  private withEntryField(
    candidates: readonly { match: KnowledgeMatch<E>; entryIndex: number }[],
    query: { terms: readonly QueryTerm[]; queryMass: number; answerShared: Float64Array },
    limit: number,
  ): KnowledgeMatch<E>[] {
    const matches = candidates.map(({ match, entryIndex }) => {
      if (!this.entryField.has(entryIndex) || match.score === 0) return match;
      const answerShared = ANSWER_WEIGHT * query.answerShared[entryIndex];
      const union = this.entryField.cover(entryIndex, { terms: query.terms, mass: query.queryMass, answerShared }, CONTENT_WEIGHT);
      const together = union.recall ** 0.6 * union.precision ** 0.4;
      if (together <= match.score) return match;
      const confidence = together * (match.confidence / match.score);
      const better: KnowledgeMatch<E> = { ...match, score: together, confidence, recall: union.recall, precision: union.precision };
      if (union.sharesContent) delete better.framesOnly;
      return better;
    });
    return matches.sort((a, b) => b.confidence - a.confidence || b.recall - a.recall).slice(0, limit);
  }

  /**
   * Adds each term's share to the documents on its posting list, rarest term first, until MAX_POSTINGS_SCANNED
   * postings are walked (the early stop). Returns how many documents were touched (listed in `touched`).
   */
  private walkPostings(terms: readonly QueryTerm[], work: SearchWork): number {
    let touchedCount = 0;
    let budget = MAX_POSTINGS_SCANNED;
    for (const { id, weight, idf } of terms) {
      if (budget === 0) break;
      const docs = this.postingDocs[id];
      const weights = this.postingWeights[id];
      const end = Math.min(docs.length, budget);
      for (let i = 0; i < end; i++) {
        const doc = docs[i];
        if (this.shared[doc] === 0) this.touched[touchedCount++] = doc;
        this.shared[doc] += idf * Math.min(weight, weights[i]);
        if (weight >= CONTENT_WEIGHT && weights[i] >= CONTENT_WEIGHT) this.sharesContent[doc] = 1;
      }
      budget -= end;
      work.termsLookedUp++;
    }
    work.postingsScanned = MAX_POSTINGS_SCANNED - budget;
    return touchedCount;
  }

  /**
   * The question's tokens that are looked up: the MAX_QUERY_TOKENS with the most IDF weight. Tokens the
   * knowledge base never uses count fully in the question's mass (they are what an unrelated question is
   * made of) but have no postings.
   */
  private queryTerms(query: TokenWeights): { terms: QueryTerm[]; queryMass: number } {
    let queryMass = 0;
    const terms: QueryTerm[] = [];
    for (const [token, weight] of query) {
      const id = this.tokenIds.get(token);
      const idf = id === undefined ? this.unseenIdf : this.idf[id];
      queryMass += idf * weight;
      if (id !== undefined) terms.push({ id, weight, idf });
    }
    terms.sort((a, b) => b.idf * b.weight - a.idf * a.weight);
    if (terms.length > MAX_QUERY_TOKENS) terms.length = MAX_QUERY_TOKENS;
    // The least telling tokens (frequent characters, question frames) have the longest posting lists and
    // move a confidence by a hair: up to NEGLIGIBLE_MASS of the question's weight is left unlooked-up.
    let negligible = NEGLIGIBLE_MASS * queryMass;
    while (terms.length > 1 && terms[terms.length - 1].idf * terms[terms.length - 1].weight <= negligible) {
      negligible -= terms[terms.length - 1].idf * terms[terms.length - 1].weight;
      terms.pop();
    }
    return { terms, queryMass };
  }
}

/** The best `limit` entries seen so far, each entry once (its best document), without sorting everything. */
class TopEntries<E extends IndexableEntry> {
  private readonly items: { match: KnowledgeMatch<E>; entryIndex: number; rank: number }[] = [];

  constructor(private readonly limit: number) {}

  /** Whether a match of this rank could enter (ties are decided in offer). */
  admits(rank: number): boolean {
    return this.items.length < this.limit || rank >= this.items[this.items.length - 1].rank;
  }

  offer(match: KnowledgeMatch<E>, entryIndex: number, rank: number): void {
    const items = this.items;
    const item = { match, entryIndex, rank };
    const existing = items.findIndex((other) => other.entryIndex === entryIndex);
    if (existing >= 0) {
      if (!better(item, items[existing])) return;
      items.splice(existing, 1);
    } else if (items.length === this.limit && !better(item, items[items.length - 1])) {
      return;
    }
    let at = items.length;
    while (at > 0 && better(item, items[at - 1])) at--;
    items.splice(at, 0, item);
    if (items.length > this.limit) items.pop();
  }

  /** Best first, each with its entry's index. */
  sorted(): { match: KnowledgeMatch<E>; entryIndex: number }[] {
    return this.items;
  }
}

function better(a: { rank: number; match: KnowledgeMatch }, b: { rank: number; match: KnowledgeMatch }): boolean {
  return a.rank > b.rank || (a.rank === b.rank && a.match.recall > b.match.recall);
}
