// The cost bound of a search, checked by counting its work (SearchWork), not by a timer: the counts are the same
// on a loaded machine and a quiet one, and a bound that holds for them holds for the time they take.
import { describe, expect, it } from 'vitest';
import { KnowledgeIndex } from './knowledge-index.js';
import { MAX_POSTINGS_SCANNED, MAX_QUERY_TOKENS, MAX_QUESTION_TOKENS, type SearchWork } from './lexical-index.js';

/** Seeded, so the base is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const VOCABULARY = Array.from({ length: 30 }, (_, i) => `topic${String.fromCharCode(97 + (i % 26))}${i}`);

/**
 * 1,500 entries of three known questions each, every one made of 12 of the same 30 words: each word is in
 * about 40 % of the 4,500 known questions, so a question of all 30 words would walk over 43,000 postings
 * without the stop (its least telling tokens already left out).
 */
function crowdedBase() {
  const next = random(3);
  const question = () => Array.from({ length: 12 }, () => VOCABULARY[Math.floor(next() * VOCABULARY.length)]).join(' ');
  const entries = Array.from({ length: 1500 }, (_, i) => ({
    question: question(),
    similarQuestions: [question(), question()],
    answer: `Answer ${i}: ${question()}`,
    language: 'en_US' as const,
  }));
  entries.push({ question: 'where do the zebras sleep', similarQuestions: [], answer: 'In the stable.', language: 'en_US' });
  return new KnowledgeIndex(entries);
}

const work = (): SearchWork => ({ questionTokens: 0, termsLookedUp: 0, postingsScanned: 0, answerPostingsScanned: 0, documentsScored: 0 });

describe('the cost of one search is bounded by design', () => {
  const index = crowdedBase();
  const crafted = VOCABULARY.join(' ').repeat(2).slice(0, 500);

  it('stops walking postings at MAX_POSTINGS_SCANNED, in either field, however many the question would reach', () => {
    const spent = work();
    const matches = index.search(crafted, { work: spent });
    expect(matches.length).toBeGreaterThan(0);
    // The stop was reached (the lists of its tokens hold far more), and not passed.
    expect(spent.postingsScanned).toBe(MAX_POSTINGS_SCANNED);
    expect(spent.answerPostingsScanned).toBeLessThanOrEqual(MAX_POSTINGS_SCANNED);
    expect(spent.documentsScored).toBeLessThanOrEqual(spent.postingsScanned);
    expect(spent.termsLookedUp).toBeLessThanOrEqual(MAX_QUERY_TOKENS);
  });

  it('walks the rarest tokens first, so a rare word is never the one left out', () => {
    const spent = work();
    // Only "zebras" and "sleep" reach this entry; they come last in the question, after 500 characters of
    // words whose lists hold far more than the budget.
    const matches = index.search(`${crafted} zebras sleep`, { work: spent, limit: 5000 });
    expect(spent.postingsScanned).toBe(MAX_POSTINGS_SCANNED);
    expect(matches.map((match) => match.entry.question)).toContain('where do the zebras sleep');
    expect(index.search('zebras sleep')[0].entry.question).toBe('where do the zebras sleep');
  });

  it('reads at most MAX_QUESTION_TOKENS distinct tokens of a question, however long', () => {
    // 2,000 Han characters drawn from 400 distinct ones: thousands of distinct characters and bigrams.
    const next = random(5);
    const long = Array.from({ length: 2000 }, () => String.fromCodePoint(0x4e00 + Math.floor(next() * 400))).join('');
    const spent = work();
    index.search(long, { work: spent });
    expect(spent.questionTokens).toBe(MAX_QUESTION_TOKENS);
  });

  it('leaves a real question untouched by the bounds', () => {
    const spent = work();
    index.search('where does a zebra sleep at night', { work: spent });
    expect(spent.questionTokens).toBeLessThan(MAX_QUESTION_TOKENS);
    expect(spent.postingsScanned).toBeLessThan(MAX_POSTINGS_SCANNED);
  });
});
