/**
 * Where the voice models run: in a Worker (inference-worker.ts), so that neither the VAD on every 32 ms frame
 * nor the wake word on every 80 ms chunk, nor loading them, ever takes the page's main thread; or, where no
 * Worker can start (a CSP without `worker-src blob:` on a page from another origin, an old browser), on the
 * page's main thread as before, with a warning. Both give the same results: it is the same code.
 */
import type { Logger } from '../core/logger.js';
import type { Heard, RoutedModel, VadResult, WakeWordScores } from './inference-protocol.js';
import { InferenceWorker } from './inference-worker.js';
import type { Microphone } from './microphone.js';
import { SileroVad } from './silero-vad.js';
import { WakeWordDetector, type WakeWordName } from './wake-word.js';

export type { VadResult, WakeWordScores } from './inference-protocol.js';

/**
 * In the models' Worker only: `connect` sends a microphone's frames from its capture worklet straight to the model,
 * without the page in between, and `heard` gets the model's results or failures; the function it returns gives the
 * frames back to the page.
 */
interface FramesRoute<Result> {
  connect(microphone: Microphone, heard: (result: Result | Error) => void): () => void;
}

/** Silero VAD, one 512-sample frame at a time. */
export interface FrameVad {
  probability(frame: Float32Array): Promise<VadResult>;
  route?: FramesRoute<VadResult>;
  reset(): void;
  release(): Promise<void>;
}

/** openWakeWord: 16 kHz samples in, the scores of the 80 ms chunks completed out. */
export interface FrameWakeWord {
  push(samples: Float32Array): Promise<WakeWordScores>;
  route?: FramesRoute<WakeWordScores>;
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
        route: workerRoute(worker, 'vad'),
        reset: () => void worker.call({ op: 'resetVad' }).catch(() => undefined),
        release: () => worker.call({ op: 'releaseVad' }).then(() => undefined),
      };
    },
    async loadWakeWord(word) {
      await worker.call({ op: 'loadWakeWord', assetBase, word });
      return {
        push: (samples) => worker.call({ op: 'wakeWord', frame: samples }, [samples.buffer]),
        route: workerRoute(worker, 'wakeWord'),
        reset: () => void worker.call({ op: 'resetWakeWord' }).catch(() => undefined),
        release: () => worker.call({ op: 'releaseWakeWord' }).then(() => undefined),
      };
    },
    close: () => worker.terminate(),
  };
}

/** A model's frames straight to the Worker over a channel of their own (its results carry `model` besides). */
function workerRoute<Result extends VadResult | WakeWordScores>(worker: InferenceWorker, model: RoutedModel): FramesRoute<Result> {
  return {
    connect(microphone, heard) {
      const channel = new MessageChannel();
      worker.onHeard[model] = heard as (result: Heard | Error) => void;
      worker.call({ op: 'framesFrom', model, port: channel.port2 }, [channel.port2]).catch((error: Error) => heard(error));
      microphone.routeFrames(channel.port1);
      return () => {
        microphone.routeFrames(null);
        delete worker.onHeard[model];
        void worker.call({ op: 'framesStop', model }).catch(() => undefined);
      };
    },
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
