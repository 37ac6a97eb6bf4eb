/**
 * The voice models' Worker (`/sdk/voice/voice-worker.js`): Silero VAD and openWakeWord on onnxruntime-web run
 * here, off the page's main thread, so a slow frame (model start, a busy CPU) never freezes the page. The voice
 * chunk starts it (inference-worker.ts); requests are answered in order, one at a time.
 */
import type { InferenceReply, InferenceRequest, InferenceResults, RoutedModel, WakeWordScores } from './inference-protocol.js';
import { SileroVad } from './silero-vad.js';
import { WakeWordDetector } from './wake-word.js';

declare const self: {
  postMessage(message: InferenceReply, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<InferenceRequest>) => void) | null;
};

let vad: SileroVad | null = null;
let wakeWord: WakeWordDetector | null = null;
/** The capture worklet's frames, per model, while the page sends them here straight (framesFrom). */
const routes: Record<RoutedModel, MessagePort | null> = { vad: null, wakeWord: null };
// One request (or frame for the wake word) at a time, in arrival order: the models carry state from frame to frame.
let queue: Promise<unknown> = Promise.resolve();

function loaded<T>(model: T | null, name: string): T {
  if (!model) throw new Error(`${name} is not loaded`);
  return model;
}

async function answer(request: InferenceRequest): Promise<InferenceResults[keyof InferenceResults]> {
  switch (request.op) {
    case 'loadVad':
      vad ??= await SileroVad.load(request.assetBase);
      return null;
    case 'loadWakeWord':
      if (wakeWord?.word !== request.word) {
        await wakeWord?.release();
        wakeWord = await WakeWordDetector.load(request.assetBase, request.word);
      }
      return null;
    case 'vad':
      return { ...(await loaded(vad, 'VAD').probability(request.frame)), frame: request.frame };
    case 'wakeWord':
      return scoreWakeWord(request.frame);
    case 'framesFrom':
      framesFrom(request.model, request.port);
      return null;
    case 'framesStop':
      framesFrom(request.model, null);
      return null;
    case 'resetVad':
      vad?.reset();
      return null;
    case 'resetWakeWord':
      wakeWord?.reset();
      return null;
    case 'releaseVad':
      framesFrom('vad', null);
      await vad?.release();
      vad = null;
      return null;
    case 'releaseWakeWord':
      framesFrom('wakeWord', null);
      await wakeWord?.release();
      wakeWord = null;
      return null;
  }
}

/** What a failure says, for the page. */
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function scoreWakeWord(frame: Float32Array): Promise<WakeWordScores> {
  const started = performance.now();
  const scores = await loaded(wakeWord, 'wake word').push(frame);
  return { scores, ms: performance.now() - started };
}

/**
 * Runs `model` on the frames that come over `port` (null: none), in turn with the requests: the VAD sends each frame
 * back with its probability, the wake word each completed chunk's scores.
 */
function framesFrom(model: RoutedModel, port: MessagePort | null): void {
  routes[model]?.close();
  routes[model] = port;
  if (!port) return;
  port.onmessage = ({ data: frame }: MessageEvent<Float32Array>) => {
    queue = queue.then(async () => {
      if (routes[model] !== port) return;
      try {
        if (model === 'vad' && vad) {
          self.postMessage({ heard: { model, ...(await vad.probability(frame)), frame } }, [frame.buffer]);
        } else if (model === 'wakeWord' && wakeWord) {
          const heard = await scoreWakeWord(frame);
          if (heard.scores.length) self.postMessage({ heard: { model, ...heard } });
        }
      } catch (error) {
        self.postMessage({ heardError: { model, message: messageOf(error) } });
      }
    });
  };
}

self.onmessage = ({ data: request }) => {
  queue = queue.then(async () => {
    try {
      const value = await answer(request);
      const transfer = value && 'frame' in value ? [value.frame.buffer] : [];
      self.postMessage({ id: request.id, ok: true, value }, transfer);
    } catch (error) {
      self.postMessage({ id: request.id, ok: false, message: messageOf(error) });
    }
  });
};
self.postMessage({ ready: true });
