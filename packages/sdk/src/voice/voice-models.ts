/**
 * Where the voice models run: in a Worker (inference-worker.ts), so that neither the VAD on every 32 ms frame
 * nor the wake word on every 80 ms chunk, nor loading them, ever takes the page's main thread; or, where no
 * Worker can start (a CSP without `worker-src blob:` on a page from another origin, an old browser), on the
 * page's main thread as before, with a warning. Both give the same results: it is the same code.
 */
import type { Logger } from '../core/logger.js';
import { InferenceWorker } from './inference-worker.js';
import { SileroVad } from './silero-vad.js';
import { WakeWordDetector, type WakeWordName } from './wake-word.js';

/** Silero VAD, one 512-sample frame at a time; `frame` is the frame given (handed back by the Worker). */
export interface FrameVad {
  probability(frame: Float32Array): Promise<{ probability: number; ms: number; frame: Float32Array }>;
  reset(): void;
  release(): Promise<void>;
}

/** The scores of the 80 ms chunks completed, and the models' time for them (ms). */
export interface WakeWordScores {
  scores: number[];
  ms: number;
}

/** openWakeWord: 16 kHz samples in, the scores of the 80 ms chunks completed out. */
export interface FrameWakeWord {
  push(samples: Float32Array): Promise<WakeWordScores>;
  /**
   * In the models' Worker only: scores the frames that come over `frames` (handed over) without the page in between,
   * and calls `heard` with each chunk's scores or a failure; `stopListening` ends it.
   */
  listen?(frames: MessagePort, heard: (result: WakeWordScores | Error) => void): void;
  stopListening?(): void;
  reset(): void;
  release(): Promise<void>;
}

export interface VoiceModels {
  readonly thread: 'worker' | 'main';
  loadVad(): Promise<FrameVad>;
  loadWakeWord(word: WakeWordName): Promise<FrameWakeWord>;
  close(): void;
}

/** Starts the Worker, or falls back to this thread. `assetBase` is `{server}/sdk/voice`. */
export async function openVoiceModels(assetBase: string, log: Logger): Promise<VoiceModels> {
  try {
    if (typeof Worker === 'undefined') throw new Error('this browser has no Worker');
    return workerModels(await InferenceWorker.start(assetBase), assetBase);
  } catch (error) {
    log.warn('voice models run on the main thread (no worker)', error);
    return mainThreadModels(assetBase);
  }
}

function workerModels(worker: InferenceWorker, assetBase: string): VoiceModels {
  return {
    thread: 'worker',
    async loadVad() {
      await worker.call({ op: 'loadVad', assetBase });
      return {
        probability: (frame) => worker.call({ op: 'vad', frame }, [frame.buffer]),
        reset: () => void worker.call({ op: 'resetVad' }).catch(() => undefined),
        release: () => worker.call({ op: 'releaseVad' }).then(() => undefined),
      };
    },
    async loadWakeWord(word) {
      await worker.call({ op: 'loadWakeWord', assetBase, word });
      return {
        push: (samples) => worker.call({ op: 'wakeWord', frame: samples }, [samples.buffer]),
        listen(frames, heard) {
          worker.onWakeWord = heard;
          worker.call({ op: 'wakeWordFrom', port: frames }, [frames]).catch((error: Error) => heard(error));
        },
        stopListening() {
          worker.onWakeWord = null;
          void worker.call({ op: 'wakeWordStop' }).catch(() => undefined);
        },
        reset: () => void worker.call({ op: 'resetWakeWord' }).catch(() => undefined),
        release: () => worker.call({ op: 'releaseWakeWord' }).then(() => undefined),
      };
    },
    close: () => worker.terminate(),
  };
}

function mainThreadModels(assetBase: string): VoiceModels {
  return {
    thread: 'main',
    async loadVad() {
      const vad = await SileroVad.load(assetBase);
      return {
        probability: async (frame) => ({ ...(await vad.probability(frame)), frame }),
        reset: () => vad.reset(),
        release: () => vad.release(),
      };
    },
    async loadWakeWord(word) {
      const detector = await WakeWordDetector.load(assetBase, word);
      return {
        async push(samples) {
          const started = performance.now();
          const scores = await detector.push(samples);
          return { scores, ms: performance.now() - started };
        },
        reset: () => detector.reset(),
        release: () => detector.release(),
      };
    },
    close: () => undefined,
  };
}
