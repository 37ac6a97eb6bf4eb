// The other search libraries bench:kb compares dhkit with, each given the same tokens dhkit's tokenizer
// makes of a text (ICU words, Han characters and bigrams, stemmed English words), so that the comparison
// is about ranking and scoring, not about who splits Chinese better. Each adapter: index(entries) once, then
// search(question) → [{ entryIndex, score }] best first (score: the library's own; higher is better).
import MiniSearch from 'minisearch';
import FlexSearch from 'flexsearch';
import { create, insertMultiple, search as oramaSearch } from '@orama/orama';

/** One document per known question (question and similar questions), as dhkit indexes them. */
function documents(entries) {
  return entries.flatMap((entry, entryIndex) =>
    [entry.question, ...(entry.similarQuestions ?? [])].map((text, i) => ({ id: `${entryIndex}:${i}`, entryIndex, text })),
  );
}

/** Each entry once, at its best document's rank. */
function byEntry(hits) {
  const seen = new Set();
  const out = [];
  for (const hit of hits) {
    if (seen.has(hit.entryIndex)) continue;
    seen.add(hit.entryIndex);
    out.push(hit);
  }
  return out;
}

export function miniSearch(terms) {
  return {
    name: 'minisearch',
    index(entries) {
      const docs = documents(entries);
      const mini = new MiniSearch({ fields: ['text'], storeFields: ['entryIndex'], tokenize: terms, processTerm: (t) => t });
      mini.addAll(docs);
      return (question, limit) =>
        byEntry(mini.search(question, { combineWith: 'OR' }).map((r) => ({ entryIndex: r.entryIndex, score: r.score }))).slice(0, limit);
    },
  };
}

export function flexSearch(terms) {
  return {
    name: 'flexsearch',
    scored: false,
    index(entries) {
      const docs = documents(entries);
      const index = new FlexSearch.Index({ tokenize: 'strict', encode: terms, resolution: 9 });
      docs.forEach((doc, i) => index.add(i, doc.text));
      // FlexSearch ranks but gives no score: the rank stands in for it (1 for the first hit, less below).
      return (question, limit) =>
        byEntry(
          index
            .search(question, { limit: limit * 8, suggest: true })
            .map((i, rank) => ({ entryIndex: docs[i].entryIndex, score: 1 / (1 + rank) })),
        ).slice(0, limit);
    },
  };
}

export async function orama(terms) {
  return {
    name: 'orama',
    async index(entries) {
      const docs = documents(entries);
      const db = create({
        schema: { text: 'string', entryIndex: 'number' },
        components: { tokenizer: { language: 'english', normalizationCache: new Map(), tokenize: (text) => terms(text) } },
      });
      await insertMultiple(
        db,
        docs.map(({ text, entryIndex }) => ({ text, entryIndex })),
      );
      return async (question, limit) => {
        const result = await oramaSearch(db, { term: question, properties: ['text'], limit: limit * 8, threshold: 1 });
        return byEntry(result.hits.map((hit) => ({ entryIndex: hit.document.entryIndex, score: hit.score }))).slice(0, limit);
      };
    },
  };
}
