/**
 * Builds a knowledge index without holding the server's event loop. Tokenizing the known questions and
 * answers is nearly all of a build (ICU word segmentation): 2,000 entries took 1.5–3.5 s on a busy machine,
 * all of it in one synchronous constructor, so the first question after an import froze every visitor and
 * `/healthz` for that long. Here the texts are tokenized in slices of at most SLICE_MS, yielding to the event
 * loop between slices; the index is then assembled from those tokens (the same tokens, so the same ranking).
 */
import { KnowledgeIndex } from './knowledge-index.js';
import type { DecisionThresholds } from './decision.js';
import { KeyTerms, type KeyTermsConfig } from './key-terms.js';
import { indexedTexts, indexTokenizer, type IndexableEntry } from './lexical-index.js';
import type { TokenWeights } from './tokenize.js';

/** The longest the build holds the event loop at a time. */
const SLICE_MS = 10;

export async function buildKnowledgeIndex<E extends IndexableEntry>(
  entries: readonly E[],
  thresholds: DecisionThresholds,
  vocabulary?: KeyTermsConfig,
): Promise<KnowledgeIndex<E>> {
  const tokenize = indexTokenizer(vocabulary ? new KeyTerms(vocabulary) : undefined);
  const tokenized = new Map<string, TokenWeights>();
  let sliceStart = performance.now();
  for (const entry of entries) {
    for (const text of indexedTexts(entry)) if (!tokenized.has(text)) tokenized.set(text, tokenize(text));
    if (performance.now() - sliceStart >= SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
  return new KnowledgeIndex(entries, thresholds, vocabulary, tokenized);
}
