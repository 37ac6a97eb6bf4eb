/**
 * Hybrid ranking: the lexical matches and the embeddings' cosine similarities in one list, before the usual
 * decision (decision.ts), so the thresholds, the runner-up rule and the search route stay as they are.
 *
 * Cosine similarities are not confidences: each model has its own floor (unrelated texts of one model sit
 * around 0.1, of another around 0.7). The robot's `minSimilarity` is that floor; the semantic confidence is
 * the similarity's share of the way from it to 1. An entry's confidence is then
 *
 *   max(lexical, (lexical + semantic) / 2)
 *
 * so a paraphrase that shares no word with the known question (lexical 0, semantic 0.9) gets 0.45 and can
 * answer; a question that matches word for word never loses to a model that disagrees; and an unrelated
 * question (both low) stays low. Entries only the model found come in with recall and precision 0.
 */
import type { IndexableEntry, KnowledgeMatch } from './lexical-index.js';

/** The unit vectors of an index's known questions (question and similar questions), by entry. */
export class EntryVectors {
  /**
   * @param docEntry for each vector, the index of its entry in the knowledge index's `entries`
   * @param docText for each vector, the known question it was made of
   */
  constructor(
    private readonly vectors: readonly Float32Array[],
    private readonly docEntry: readonly number[],
    private readonly docText: readonly string[],
    private readonly entryCount: number,
  ) {}

  get dimensions(): number {
    return this.vectors[0]?.length ?? 0;
  }

  /** Per entry, its best known question's cosine with the question vector (and which question that was). */
  similarities(question: Float32Array): { best: Float64Array; bestDoc: Int32Array } {
    const best = new Float64Array(this.entryCount).fill(-1);
    const bestDoc = new Int32Array(this.entryCount).fill(-1);
    if (question.length !== this.dimensions) return { best, bestDoc };
    this.vectors.forEach((vector, doc) => {
      let dot = 0;
      for (let i = 0; i < vector.length; i++) dot += vector[i] * question[i];
      const entry = this.docEntry[doc];
      if (dot > best[entry]) {
        best[entry] = dot;
        bestDoc[entry] = doc;
      }
    });
    return { best, bestDoc };
  }

  textOf(doc: number): string {
    return this.docText[doc];
  }
}

/** The confidence a cosine similarity gives, 0 at the model's floor, 1 at identical. */
function semanticConfidence(similarity: number, minSimilarity: number): number {
  return Math.max(0, Math.min(1, (similarity - minSimilarity) / (1 - minSimilarity)));
}

function hybridConfidence(lexical: number, semantic: number): number {
  return Math.max(lexical, (lexical + semantic) / 2);
}

/**
 * The lexical matches (as many as the lexical index gave) and the entries' similarities, merged and ranked by
 * hybrid confidence; at most `limit`.
 */
export function hybridMatches<E extends IndexableEntry>(
  entries: readonly E[],
  lexical: readonly KnowledgeMatch<E>[],
  vectors: EntryVectors,
  question: Float32Array,
  minSimilarity: number,
  limit: number,
): KnowledgeMatch<E>[] {
  const { best, bestDoc } = vectors.similarities(question);
  const byEntry = new Map<E, KnowledgeMatch<E>>();
  const position = new Map(entries.map((entry, index) => [entry, index]));
  for (const match of lexical) {
    const index = position.get(match.entry)!;
    const semantic = semanticConfidence(best[index], minSimilarity);
    const confidence = hybridConfidence(match.confidence, semantic);
    // The model's similarity above its floor is evidence of the topic that frames alone are not.
    byEntry.set(match.entry, { ...match, similarity: best[index], confidence, framesOnly: match.framesOnly && semantic === 0 });
  }
  // Entries the model ranks high that the lexical ranking did not return: only the best `limit` can matter.
  const order = [...best.keys()].sort((a, b) => best[b] - best[a]).slice(0, limit);
  for (const index of order) {
    const entry = entries[index];
    if (byEntry.has(entry) || bestDoc[index] < 0) continue;
    const confidence = hybridConfidence(0, semanticConfidence(best[index], minSimilarity));
    byEntry.set(entry, {
      entry,
      confidence,
      score: confidence,
      matchedQuestion: vectors.textOf(bestDoc[index]),
      recall: 0,
      precision: 0,
      similarity: best[index],
    });
  }
  return [...byEntry.values()].sort((a, b) => b.confidence - a.confidence).slice(0, limit);
}
