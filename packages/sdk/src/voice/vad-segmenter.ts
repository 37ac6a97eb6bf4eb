/**
 * Cuts a stream of 32 ms frames into utterances from Silero's speech probability per frame. Speech starts
 * after `minSpeechMs` of frames above `positiveThreshold` (a cough or a click is not a question, and the
 * avatar's own voice leaking past echo cancellation rarely lasts), and ends after `endSilenceMs` below
 * `negativeThreshold`. The frames just before the start (`preSpeechPadMs`) belong to the utterance too.
 */
export interface SegmenterOptions {
  /** Silence that ends an utterance. Default 600 ms (the issue asks for ≤ 700). */
  endSilenceMs: number;
  /** Sustained speech before an utterance (and a barge-in) starts. Default 250 ms. */
  minSpeechMs: number;
  preSpeechPadMs: number;
  positiveThreshold: number;
  negativeThreshold: number;
  /** An utterance is cut here even if the visitor keeps talking (the server takes at most 30 s). */
  maxSpeechMs: number;
}

const DEFAULT_SEGMENTER_OPTIONS: SegmenterOptions = {
  endSilenceMs: 600,
  minSpeechMs: 250,
  preSpeechPadMs: 300,
  positiveThreshold: 0.5,
  negativeThreshold: 0.35,
  maxSpeechMs: 29_000,
};

export const FRAME_MS = 32;

export type SegmenterEvent = { type: 'start'; frames: Float32Array[] } | { type: 'frame'; frame: Float32Array } | { type: 'end' };

export class VadSegmenter {
  private readonly options: SegmenterOptions;
  private readonly history: Float32Array[] = [];
  private speaking = false;
  private positiveRun = 0;
  private silenceRun = 0;
  private speechFrames = 0;

  constructor(options: Partial<SegmenterOptions> = {}) {
    this.options = { ...DEFAULT_SEGMENTER_OPTIONS, ...options };
  }

  get inSpeech(): boolean {
    return this.speaking;
  }

  /** Feeds one frame with its speech probability; returns what happened. */
  push(frame: Float32Array, probability: number): SegmenterEvent[] {
    const { minSpeechMs, endSilenceMs, preSpeechPadMs, positiveThreshold, negativeThreshold, maxSpeechMs } = this.options;
    if (!this.speaking) {
      this.history.push(frame);
      const keep = Math.ceil((preSpeechPadMs + minSpeechMs) / FRAME_MS) + 1;
      while (this.history.length > keep) this.history.shift();
      this.positiveRun = probability >= positiveThreshold ? this.positiveRun + 1 : probability < negativeThreshold ? 0 : this.positiveRun;
      if (this.positiveRun * FRAME_MS < minSpeechMs) return [];
      this.speaking = true;
      this.silenceRun = 0;
      this.speechFrames = this.history.length;
      const frames = this.history.splice(0);
      return [{ type: 'start', frames }];
    }
    this.speechFrames++;
    this.silenceRun = probability < negativeThreshold ? this.silenceRun + 1 : probability >= positiveThreshold ? 0 : this.silenceRun;
    const events: SegmenterEvent[] = [{ type: 'frame', frame }];
    if (this.silenceRun * FRAME_MS >= endSilenceMs || this.speechFrames * FRAME_MS >= maxSpeechMs) {
      events.push({ type: 'end' });
      this.reset();
    }
    return events;
  }

  reset(): void {
    this.speaking = false;
    this.positiveRun = 0;
    this.silenceRun = 0;
    this.speechFrames = 0;
    this.history.length = 0;
  }
}
