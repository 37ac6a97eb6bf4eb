/** How many entries each diagnostics list keeps (the oldest go first). */
const DIAGNOSTICS_KEEP = 2048;

/**
 * Timings of the voice pipeline, for `npm run bench:voice` and the browser tests (not a public API; every
 * list is bounded). Times are `performance.now()` of the page.
 */
export interface VoiceDiagnostics {
  /** Where the models run: in their Worker, or on the page's main thread (no Worker could start); null before. */
  inferenceThread: 'worker' | 'main' | null;
  /** Time of each Silero `session.run`, ms, on the models' thread (onnxruntime-web wasm, one thread). */
  vadFrameMs: number[];
  /** When the segmenter decided speech started (after `minSpeechMs` of sustained speech). */
  speechStarts: number[];
  /** When the segmenter decided an utterance ended (after `endSilenceMs` of silence) and `audioEnd` went up. */
  speechEnds: number[];
  /** Barge-ins: the speech-start decision and the moment playback had been stopped. */
  bargeIns: Array<{ speechStartAt: number; stoppedAt: number }>;
  /** While asleep: the wake-word score of each 80 ms chunk, and the pipeline's time for it (ms). */
  wakeWordScores: number[];
  wakeWordMs: number[];
  /** How often, asleep, the microphone's frames were sent straight to the models' Worker rather than through the page. */
  wakeWordRoutedToWorker: number;
}

export function keep<T>(list: T[], value: T): void {
  list.push(value);
  if (list.length > DIAGNOSTICS_KEEP) list.shift();
}

export function newVoiceDiagnostics(): VoiceDiagnostics {
  return {
    inferenceThread: null,
    vadFrameMs: [],
    speechStarts: [],
    speechEnds: [],
    bargeIns: [],
    wakeWordScores: [],
    wakeWordMs: [],
    wakeWordRoutedToWorker: 0,
  };
}
