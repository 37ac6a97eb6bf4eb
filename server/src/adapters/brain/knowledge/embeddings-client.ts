/**
 * A client for an OpenAI-compatible embeddings endpoint (`POST {baseUrl}/embeddings`, robot setting
 * `brain.embeddings`, docs/knowledge-base.md#semantic-matching-embeddings). Every reply is checked before it
 * is used: a status other than 2xx, a body that is not JSON, a vector count or order that does not fit the
 * texts, vectors of mixed length or with non-numbers are all refused with an EmbeddingsError, so the caller
 * falls back to the lexical ranking. Vectors come back unit-length, so a dot product is their cosine.
 * The API key goes only into the Authorization header, to the configured origin (redirects elsewhere are not
 * followed); errors name the endpoint without credentials.
 */
import type { KnowledgeEmbeddingsConfig } from '@dhkit/protocol';
import { CodedError } from '../../../errors.js';
import { fetchUpstream } from '../../../security/upstream-fetch.js';
import { bodyOf, describeUrl } from '../http-brain.js';

/** How long a visitor's question may wait for its vector before the lexical ranking answers alone. */
const DEFAULT_QUESTION_TIMEOUT_MS = 800;
/** Entry texts go in batches of this many (endpoints limit the inputs per request). */
const BATCH_SIZE = 64;
/** A batch of entry texts may take this long. */
const BATCH_TIMEOUT_MS = 30_000;
/** Largest reply read (64 texts × 3,072 dimensions as JSON fit well below it). */
const MAX_REPLY_BYTES = 16 << 20;

/** The knowledge brain logs it and answers from words alone, so it never reaches a visitor as such. */
export class EmbeddingsError extends CodedError<'BRAIN_UNAVAILABLE'> {
  override readonly name = 'EmbeddingsError';

  constructor(message: string) {
    super('BRAIN_UNAVAILABLE', message);
  }
}

export class EmbeddingsClient {
  private readonly url: string;

  constructor(private readonly config: KnowledgeEmbeddingsConfig) {
    this.url = `${config.baseUrl.replace(/\/+$/, '')}/embeddings`;
  }

  /** Vectors of a visitor's question: one request, the robot's short timeout. */
  async embedQuestion(question: string): Promise<Float32Array> {
    const [vector] = await this.request([question], this.config.timeoutMs ?? DEFAULT_QUESTION_TIMEOUT_MS);
    return vector;
  }

  /** Vectors of many texts (entries' questions), in batches; all of one length. */
  async embedTexts(texts: readonly string[]): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += BATCH_SIZE) {
      vectors.push(...(await this.request(texts.slice(start, start + BATCH_SIZE), BATCH_TIMEOUT_MS)));
    }
    if (vectors.some((vector) => vector.length !== vectors[0].length)) {
      throw new EmbeddingsError(`${this.what} answered vectors of different lengths.`);
    }
    return vectors;
  }

  private get what(): string {
    return `The embeddings endpoint ${describeUrl(this.url)}`;
  }

  private async request(input: readonly string[], timeoutMs: number): Promise<Float32Array[]> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.config.apiKey) headers.authorization = `Bearer ${this.config.apiKey}`;
    let body: unknown;
    try {
      const response = await fetchUpstream(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ model: this.config.model, input }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        throw new EmbeddingsError(`${this.what} answered HTTP ${response.status}.`);
      }
      body = JSON.parse(await boundedText(response));
    } catch (error) {
      if (error instanceof EmbeddingsError) throw error;
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new EmbeddingsError(`${this.what} took longer than ${timeoutMs} ms.`);
      }
      if (error instanceof SyntaxError) throw new EmbeddingsError(`${this.what} sent malformed JSON.`);
      throw new EmbeddingsError(`${this.what} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return vectorsOf(body, input.length, this.what);
  }
}

async function boundedText(response: Response): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of bodyOf(response)) {
    size += chunk.length;
    if (size > MAX_REPLY_BYTES) throw new EmbeddingsError(`The embeddings endpoint sent more than ${MAX_REPLY_BYTES} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `{data: [{index, embedding: number[]}]}` → one unit vector per input, in input order. */
function vectorsOf(body: unknown, count: number, what: string): Float32Array[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length !== count) {
    throw new EmbeddingsError(`${what} answered ${Array.isArray(data) ? data.length : 'no'} vectors for ${count} texts.`);
  }
  const vectors: (Float32Array | undefined)[] = new Array(count);
  data.forEach((item: { index?: unknown; embedding?: unknown } | null, position) => {
    const index = typeof item?.index === 'number' ? item.index : position;
    const embedding = item?.embedding;
    if (!Number.isInteger(index) || index < 0 || index >= count || vectors[index]) {
      throw new EmbeddingsError(`${what} answered vectors with wrong indexes.`);
    }
    if (!Array.isArray(embedding) || embedding.length === 0 || !embedding.every(Number.isFinite)) {
      throw new EmbeddingsError(`${what} answered something that is not a vector of numbers.`);
    }
    vectors[index] = unit(Float32Array.from(embedding as number[]), what);
  });
  if (vectors.some((vector) => vector?.length !== vectors[0]?.length)) {
    throw new EmbeddingsError(`${what} answered vectors of different lengths.`);
  }
  return vectors as Float32Array[];
}

function unit(vector: Float32Array, what: string): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  if (!(norm > 0) || !Number.isFinite(norm)) throw new EmbeddingsError(`${what} answered a zero-length vector.`);
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < vector.length; i++) vector[i] *= scale;
  return vector;
}
