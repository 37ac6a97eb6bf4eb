import type { VisemeTiming } from '@dhkit/protocol';
import { CodedError } from '../../errors.js';

/** Text to speech: one call per clause, PCM out as it is produced. */
/**
 * Engines that know their viseme timings report them here, before the clause's first audio chunk, so they
 * travel with the clause's `speech` message. Engines without timings never call it (lip-sync then follows
 * the audio itself).
 */
export type VisemeTimingsSink = (timings: readonly VisemeTiming[]) => void;

export interface TextToSpeech {
  /** Sample rate of the PCM that synthesize yields (mono, signed 16-bit little-endian). */
  readonly sampleRate: number;
  /**
   * Streams the PCM of `text` spoken by `voice`. Every chunk holds whole samples. Aborting the signal stops
   * synthesis at once (the iterable then ends without error). Fails with SpeechSynthesisError.
   */
  synthesize(text: string, voice: string, signal: AbortSignal, timings?: VisemeTimingsSink): AsyncIterable<Uint8Array>;
  /** Releases processes or connections held for speed. */
  close(): Promise<void>;
  /**
   * Engines that share the server's cores (espeak-ng) schedule clauses per session, so that one visitor's
   * speech cannot hold up another's: this is the engine as session `sessionId` uses it. Absent: the engine
   * serves every session alike (a remote engine whose costs are not ours).
   */
  forSession?(sessionId: string): TextToSpeech;
}

export class SpeechSynthesisError extends CodedError<'SPEECH_SYNTHESIS_FAILED'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('SPEECH_SYNTHESIS_FAILED', message, options);
    this.name = 'SpeechSynthesisError';
  }
}
