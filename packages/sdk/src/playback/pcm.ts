/**
 * Signed 16-bit little-endian PCM → Float32 samples in [-1, 1). Reads through a DataView, so the bytes may
 * start at any offset (audio payloads follow a JSON header of any length). A trailing odd byte is ignored;
 * callers that stream carry it over (see `PcmReassembler`).
 */
export function s16leToFloat32(bytes: Uint8Array): Float32Array {
  const count = bytes.byteLength >> 1;
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
  for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true) / 32768;
  return out;
}

/** Joins streamed PCM chunks so a sample split across two chunks is not lost. */
export class PcmReassembler {
  private pending: number | null = null;

  push(chunk: Uint8Array): Float32Array {
    let bytes = chunk;
    if (this.pending !== null) {
      bytes = new Uint8Array(chunk.byteLength + 1);
      bytes[0] = this.pending;
      bytes.set(chunk, 1);
      this.pending = null;
    }
    if (bytes.byteLength % 2 === 1) this.pending = bytes[bytes.byteLength - 1];
    return s16leToFloat32(bytes);
  }
}
