/** Embedding vectors as stored (column `knowledge_vectors.vector`): base64 of little-endian float32. */

export function encodeVector(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, i) => bytes.writeFloatLE(value, i * 4));
  return bytes.toString('base64');
}

/** null for a value that is not a whole number of float32s (a damaged row is re-embedded, not trusted). */
function decodeVector(text: string): Float32Array | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0 || bytes.length % 4 !== 0) return null;
  const vector = new Float32Array(bytes.length / 4);
  for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4);
  return vector.every(Number.isFinite) ? vector : null;
}

/** Rows of (text hash, vector) → the map the store returns, damaged rows left out. */
export function vectorsFromRows(rows: readonly { text_hash: string; vector: string }[]): Map<string, Float32Array> {
  const vectors = new Map<string, Float32Array>();
  for (const row of rows) {
    const vector = decodeVector(row.vector);
    if (vector) vectors.set(row.text_hash, vector);
  }
  return vectors;
}
