import { DHKitError } from '../core/errors.js';

/** The reference's AudioData: 16 kHz mono 16-bit little-endian PCM, as bytes or as base64. */
export interface AudioData {
  base64Data?: string;
  uint8Arr?: Uint8Array;
  /** Duration in ms; dhkit derives it from the samples. */
  time?: number;
}

/** The samples of an AudioData; INVALID_REQUEST when it carries none or an odd number of bytes. */
export function pcmFromAudioData(audio: AudioData | undefined): Int16Array {
  let bytes = audio?.uint8Arr instanceof Uint8Array ? audio.uint8Arr : undefined;
  if (!bytes && typeof audio?.base64Data === 'string') {
    try {
      bytes = Uint8Array.from(atob(audio.base64Data), (char) => char.charCodeAt(0));
    } catch (error) {
      throw new DHKitError('INVALID_REQUEST', 'sendCustomLocalAudio: base64Data is not base64.', { cause: error });
    }
  }
  if (!bytes || bytes.length === 0 || bytes.length % 2 !== 0) {
    throw new DHKitError('INVALID_REQUEST', 'sendCustomLocalAudio: give uint8Arr or base64Data with 16-bit PCM samples.');
  }
  const samples = new Int16Array(bytes.length / 2);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(i * 2, true);
  return samples;
}
