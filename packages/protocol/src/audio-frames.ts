/**
 * The channel's binary frames: the answer's speech (server → client, kind 1) and the visitor's utterance
 * (client → server, kind 2) share one layout, a small JSON header ahead of the PCM payload.
 */

export const BINARY_KIND_AUDIO = 1;
/** Client → server: a chunk of the visitor's utterance (voice input). */
export const BINARY_KIND_CLIENT_AUDIO = 2;
/** Flag bit: this chunk is the last of its clause. */
export const AUDIO_FLAG_CLAUSE_END = 1;

export interface AudioChunkHeader {
  chatId: string;
  clauseId: number;
  /** 0, 1, 2… within the clause. */
  seq: number;
}

/**
 * Binary frame layout (all integers big-endian):
 *   byte 0      kind (1 = audio)
 *   byte 1      flags (bit 0 = last chunk of the clause)
 *   bytes 2..3  header length H
 *   bytes 4..   H bytes of UTF-8 JSON (AudioChunkHeader)
 *   rest        payload: mono PCM, signed 16-bit little-endian, at the clause's sampleRate
 */
export function encodeAudioFrame(header: AudioChunkHeader, last: boolean, pcm: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const frame = new Uint8Array(4 + json.length + pcm.length);
  frame[0] = BINARY_KIND_AUDIO;
  frame[1] = last ? AUDIO_FLAG_CLAUSE_END : 0;
  frame[2] = json.length >> 8;
  frame[3] = json.length & 0xff;
  frame.set(json, 4);
  frame.set(pcm, 4 + json.length);
  return frame;
}

export interface DecodedAudioFrame {
  header: AudioChunkHeader;
  last: boolean;
  /** A view into the frame; copy it if the frame's buffer is reused. */
  pcm: Uint8Array;
}

/** Where a frame's JSON header ends and its payload starts. */
const headerEnd = (frame: Uint8Array): number => 4 + ((frame[2] << 8) | frame[3]);

/** The JSON header of a frame of `kind`, when it parses; what it must hold is the caller's check. */
function readHeader<Header>(frame: Uint8Array, kind: number): Partial<Header> | null | undefined {
  if (frame.length < 4 || frame[0] !== kind || headerEnd(frame) > frame.length) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(frame.subarray(4, headerEnd(frame))));
  } catch {
    return undefined;
  }
}

/** Returns null for frames that are not well-formed audio frames (they are to be ignored). */
export function decodeAudioFrame(frame: Uint8Array): DecodedAudioFrame | null {
  const header = readHeader<AudioChunkHeader>(frame, BINARY_KIND_AUDIO);
  if (typeof header?.chatId !== 'string' || typeof header.clauseId !== 'number') return null;
  return { header: header as AudioChunkHeader, last: (frame[1] & AUDIO_FLAG_CLAUSE_END) !== 0, pcm: frame.subarray(headerEnd(frame)) };
}

export interface ClientAudioChunkHeader {
  chatId: string;
  /** 0, 1, 2… within the utterance. */
  seq: number;
}

/**
 * Client audio frames (voice input) have the layout of server audio frames with kind 2 and flags 0; the
 * header is `ClientAudioChunkHeader`; the payload is mono pcm_s16le at the utterance's sampleRate.
 */
export function encodeClientAudioFrame(header: ClientAudioChunkHeader, pcm: Uint8Array): Uint8Array {
  const frame = encodeAudioFrame({ ...header, clauseId: 0 }, false, pcm);
  frame[0] = BINARY_KIND_CLIENT_AUDIO;
  return frame;
}

export interface DecodedClientAudioFrame {
  header: ClientAudioChunkHeader;
  /** A view into the frame. */
  pcm: Uint8Array;
}

/** Returns null for frames that are not well-formed client audio frames. */
export function decodeClientAudioFrame(frame: Uint8Array): DecodedClientAudioFrame | null {
  const header = readHeader<ClientAudioChunkHeader>(frame, BINARY_KIND_CLIENT_AUDIO);
  if (typeof header?.chatId !== 'string' || typeof header.seq !== 'number') return null;
  return { header: { chatId: header.chatId, seq: header.seq }, pcm: frame.subarray(headerEnd(frame)) };
}
