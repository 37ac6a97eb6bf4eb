/**
 * The embeddings side of one robot's knowledge index: the entries' vectors (asked for once per index, in the
 * background, so the first questions after an import are answered lexically while they come), and per
 * question the question's vector under the robot's short timeout. Whenever the endpoint is not set, not
 * ready, slow, down or answers nonsense, `rank` returns the lexical ranking unchanged: embeddings can only
 * add to what the lexical index finds, never stop the robot from answering.
 */
import type { KnowledgeEmbeddingsConfig } from '@dhkit/protocol';
import { EmbeddingsClient, EmbeddingsError } from './embeddings-client.js';
import { EntryVectors, hybridMatches } from './hybrid-ranking.js';
import type { IndexableEntry, KnowledgeMatch } from './lexical-index.js';

/** The cosine similarity taken as "unrelated" when the robot does not say (see hybrid-ranking.ts). */
export const DEFAULT_MIN_SIMILARITY = 0.5;
/** After the entries' vectors could not be made, the next question tries again no sooner than this. */
const RETRY_AFTER_MS = 60_000;

export type SemanticState = 'pending' | 'ready' | 'failed';

export class SemanticMatcher<E extends IndexableEntry = IndexableEntry> {
  private readonly client: EmbeddingsClient;
  private vectors: EntryVectors | null = null;
  private building: Promise<void> | null = null;
  private failedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly entries: readonly E[],
    private readonly config: KnowledgeEmbeddingsConfig,
    private readonly onError: (error: EmbeddingsError) => void = () => {},
  ) {
    this.client = new EmbeddingsClient(config);
  }

  get state(): SemanticState {
    return this.vectors ? 'ready' : this.building ? 'pending' : 'failed';
  }

  /** Starts (or retries, after RETRY_AFTER_MS) embedding the entries; resolves when that attempt ends. */
  prepare(now = Date.now()): Promise<void> {
    if (this.vectors) return Promise.resolve();
    if (this.building) return this.building;
    if (now - this.failedAt < RETRY_AFTER_MS) return Promise.resolve();
    this.building = this.build()
      .catch((error) => {
        this.failedAt = Date.now();
        this.onError(asEmbeddingsError(error));
      })
      .finally(() => (this.building = null));
    return this.building;
  }

  /** The hybrid ranking when the vectors are ready and the question's vector comes in time; else `lexical`. */
  async rank(question: string, lexical: KnowledgeMatch<E>[], limit: number): Promise<KnowledgeMatch<E>[]> {
    void this.prepare();
    const vectors = this.vectors;
    if (!vectors) return lexical;
    let vector: Float32Array;
    try {
      vector = await this.client.embedQuestion(question);
    } catch (error) {
      this.onError(asEmbeddingsError(error));
      return lexical;
    }
    if (vector.length !== vectors.dimensions) {
      this.onError(new EmbeddingsError('The embeddings endpoint answered a question vector of another length than the entries’.'));
      return lexical;
    }
    const minSimilarity = this.config.minSimilarity ?? DEFAULT_MIN_SIMILARITY;
    return hybridMatches(this.entries, lexical, vectors, vector, minSimilarity, limit);
  }

  private async build(): Promise<void> {
    const docEntry: number[] = [];
    const docText: string[] = [];
    this.entries.forEach((entry, index) => {
      for (const text of new Set([entry.question, ...(entry.similarQuestions ?? [])])) {
        docEntry.push(index);
        docText.push(text);
      }
    });
    const vectors = await this.client.embedTexts(docText);
    this.vectors = new EntryVectors(vectors, docEntry, docText, this.entries.length);
  }
}

function asEmbeddingsError(error: unknown): EmbeddingsError {
  return error instanceof EmbeddingsError ? error : new EmbeddingsError(error instanceof Error ? error.message : String(error));
}
