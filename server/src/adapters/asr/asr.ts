/** Speech recognition: one call per utterance, the visitor's words out. */
import type { LanguageCode } from '@dhkit/protocol';
import { CodedError } from '../../errors.js';

export interface Utterance {
  /** Mono PCM, signed 16-bit little-endian. */
  pcm: Uint8Array;
  sampleRate: number;
  /** The session's language; adapters map it to what their service expects. */
  language: LanguageCode;
}

export interface SpeechRecognizer {
  /**
   * Transcribes one utterance. Resolves with the recognized text (possibly empty: nothing intelligible).
   * Rejects with SpeechRecognitionError; an aborted signal rejects with the signal's reason.
   */
  recognize(utterance: Utterance, signal: AbortSignal): Promise<string>;
}

export class SpeechRecognitionError extends CodedError<'SPEECH_RECOGNITION_FAILED'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SPEECH_RECOGNITION_FAILED', message, options);
    this.name = 'SpeechRecognitionError';
  }
}

/** A RIFF/WAVE header + the samples: what every transcription service accepts. */
export function pcmToWav(pcm: Uint8Array, sampleRate: number): Uint8Array<ArrayBuffer> {
  const wav = new Uint8Array(44 + pcm.length);
  const view = new DataView(wav.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) wav[offset + i] = text.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + pcm.length, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, pcm.length, true);
  wav.set(pcm, 44);
  return wav;
}
