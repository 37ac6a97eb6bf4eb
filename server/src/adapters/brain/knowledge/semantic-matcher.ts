/**
 * The embeddings side of one robot's knowledge index: the entries' vectors (kept in the store by the hash of
 * the text they were made of, so only new or changed questions are sent to the endpoint; asked for once per
 * index, in the background, so the first questions after an import are answered lexically while they come), and per
 * question the question's vector under the robot's short timeout. Whenever the endpoint is not set, not
 * ready, slow, down or answers nonsense, `rank` returns the lexical ranking unchanged: embeddings can only
 * add to what the lexical index finds, never stop the robot from answering.
 */
import { createHash } from 'node:crypto';
import type { KnowledgeEmbeddingsConfig } from '@dhkit/protocol';
import { EmbeddingsClient, EmbeddingsError } from './embeddings-client.js';
import { EntryVectors, hybridMatches } from './hybrid-ranking.js';
import type { IndexableEntry, KnowledgeMatch } from './lexical-index.js';

/** The cosine similarity taken as "unrelated" when the robot does not say (see hybrid-ranking.ts). */
const DEFAULT_MIN_SIMILARITY = 0.5;
/** After the entries' vectors could not be made, the next question tries again no sooner than this. */
const RETRY_AFTER_MS = 60_000;

export type SemanticState = 'pending' | 'ready' | 'failed';

/** Where a robot's entry vectors are kept for one model (the store's knowledge_vectors; text hash → vector). */
export interface StoredVectors {
  load(): Promise<Map<string, Float32Array>>;
  save(vectors: ReadonlyMap<string, Float32Array>): Promise<void>;
}

/** Which vectors fit together: those of one model at one endpoint. */
export function modelKey(config: KnowledgeEmbeddingsConfig): string {
  return createHash('sha256').update(`${config.baseUrl}\n${config.model}`).digest('hex').slice(0, 32);
}

function textHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

export class SemanticMatcher<E extends IndexableEntry = IndexableEntry> {
  private readonly client: EmbeddingsClient;
  private vectors: EntryVectors | null = null;
  private building: Promise<void> | null = null;
  private failedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly entries: readonly E[],
    private readonly config: KnowledgeEmbeddingsConfig,
    private readonly onError: (error: EmbeddingsError) => void = () => {},
    private readonly stored?: StoredVectors,
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
    const hashes = docText.map(textHash);
    const textOf = new Map(hashes.map((hash, doc) => [hash, docText[doc]]));
    let known = await this.loadStored();
    let asked = await this.embedMissing(known, textOf);
    let vectors = hashes.map((hash) => known.get(hash)!);
    if (vectors.some((vector) => vector.length !== vectors[0].length)) {
      // Stored vectors of another model under the same name and endpoint: all are made again.
      known = new Map();
      asked = await this.embedMissing(known, textOf);
      vectors = hashes.map((hash) => known.get(hash)!);
    }
    this.vectors = new EntryVectors(vectors, docEntry, docText, this.entries.length);
    const current = new Map(hashes.map((hash, doc) => [hash, vectors[doc]]));
    if (asked > 0 || current.size !== known.size) {
      await this.stored?.save(current).catch((error) => this.onError(asEmbeddingsError(error, 'Saving the entries’ vectors failed: ')));
    }
  }

  /** Asks the endpoint for the texts `known` has no vector of, and adds them; returns how many were asked. */
  private async embedMissing(known: Map<string, Float32Array>, textOf: ReadonlyMap<string, string>): Promise<number> {
    const missing = [...textOf.keys()].filter((hash) => !known.has(hash));
    if (missing.length === 0) return 0;
    const fresh = await this.client.embedTexts(missing.map((hash) => textOf.get(hash)!));
    fresh.forEach((vector, i) => known.set(missing[i], vector));
    return missing.length;
  }

  private async loadStored(): Promise<Map<string, Float32Array>> {
    try {
      return (await this.stored?.load()) ?? new Map();
    } catch (error) {
      this.onError(asEmbeddingsError(error, 'Reading the stored vectors failed: '));
      return new Map();
    }
  }
}

function asEmbeddingsError(error: unknown, prefix = ''): EmbeddingsError {
  if (error instanceof EmbeddingsError) return error;
  return new EmbeddingsError(prefix + (error instanceof Error ? error.message : String(error)));
}
