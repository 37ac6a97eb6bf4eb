/** A clause of a turn's answer, with its speech synthesized ahead of sending into memory. */
import type { LanguageCode, VisemeTiming } from '@dhkit/protocol';
import type { TextToSpeech } from '../adapters/tts/tts.js';
import { AsyncQueue } from './async-queue.js';

export class Clause {
  audio: PcmPrefetch | null = null;
  /** Viseme timings, when the speech engine reports them. */
  visemes: VisemeTiming[] = [];
  private started = false;

  constructor(
    readonly id: number,
    readonly raw: string,
    readonly speakable: string,
    readonly language: LanguageCode,
    /** A pacify phrase: spoken, but not part of the answer (no semantic). */
    readonly filler = false,
  ) {}

  startSynthesis(tts: TextToSpeech, voice: string | undefined, signal: AbortSignal): void {
    if (this.started || this.speakable === '') return;
    this.started = true;
    this.audio = new PcmPrefetch(
      voice
        ? tts.synthesize(this.speakable, voice, signal, (timings) => this.visemes.push(...timings))
        : failing(new Error(`No voice configured for ${this.language}.`)),
    );
  }
}

/** A turn's clauses in order; ids count up from 0 whoever adds them (the brain side or pacify). */
export class ClauseQueue extends AsyncQueue<Clause> {
  private added = 0;

  add(raw: string, speakable: string, language: LanguageCode, filler = false): void {
    if (this.isClosed) return;
    this.push(new Clause(this.added++, raw, speakable, language, filler));
  }
}

// biome-ignore lint/correctness/useYield: a synthesis stream that fails on its first pull, as a failed engine does.
async function* failing(error: Error): AsyncIterable<Uint8Array> {
  throw error;
}

/** Pulls a synthesis stream eagerly into memory so it runs while earlier clauses are still being sent. */
class PcmPrefetch {
  private readonly chunks = new AsyncQueue<Uint8Array>();

  constructor(source: AsyncIterable<Uint8Array>) {
    void this.pump(source);
  }

  hasBuffered(): boolean {
    return this.chunks.hasBuffered();
  }

  /** The next chunk, null at the end; throws what synthesis threw. */
  async next(): Promise<Uint8Array | null> {
    return (await this.chunks.next()) ?? null;
  }

  private async pump(source: AsyncIterable<Uint8Array>): Promise<void> {
    try {
      for await (const chunk of source) this.chunks.push(chunk);
      this.chunks.close();
    } catch (error) {
      this.chunks.close(error);
    }
  }
}
