/**
 * The voice models' Worker (`/sdk/voice/voice-worker.js`): Silero VAD and openWakeWord on onnxruntime-web run
 * here, off the page's main thread, so a slow frame (model start, a busy CPU) never freezes the page. The voice
 * chunk starts it (inference-worker.ts); requests are answered in order, one at a time.
 */
import type { InferenceReply, InferenceRequest, InferenceResults } from './inference-protocol.js';
import { SileroVad } from './silero-vad.js';
import { WakeWordDetector } from './wake-word.js';

declare const self: {
  postMessage(message: InferenceReply, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<InferenceRequest>) => void) | null;
};

let vad: SileroVad | null = null;
let wakeWord: WakeWordDetector | null = null;

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
    case 'wakeWord': {
      const started = performance.now();
      const scores = await loaded(wakeWord, 'wake word').push(request.frame);
      return { scores, ms: performance.now() - started };
    }
    case 'resetVad':
      vad?.reset();
      return null;
    case 'resetWakeWord':
      wakeWord?.reset();
      return null;
    case 'releaseVad':
      await vad?.release();
      vad = null;
      return null;
    case 'releaseWakeWord':
      await wakeWord?.release();
      wakeWord = null;
      return null;
  }
}

// One request at a time, in arrival order: the models carry state from frame to frame.
let queue: Promise<unknown> = Promise.resolve();
self.onmessage = ({ data: request }) => {
  queue = queue.then(async () => {
    try {
      const value = await answer(request);
      const transfer = value && 'frame' in value ? [value.frame.buffer] : [];
      self.postMessage({ id: request.id, ok: true, value }, transfer);
    } catch (error) {
      self.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) });
    }
  });
};
self.postMessage({ ready: true });
