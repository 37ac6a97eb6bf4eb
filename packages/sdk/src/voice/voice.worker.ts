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
/** The capture worklet's frames while the page listens for the wake word alone (wakeWordFrom). */
let wakeWordFrames: MessagePort | null = null;
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
    case 'wakeWordFrom':
      listenForWakeWord(request.port);
      return null;
    case 'wakeWordStop':
      listenForWakeWord(null);
      return null;
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
      listenForWakeWord(null);
      await wakeWord?.release();
      wakeWord = null;
      return null;
  }
}

async function scoreWakeWord(frame: Float32Array): Promise<{ scores: number[]; ms: number }> {
  const started = performance.now();
  const scores = await loaded(wakeWord, 'wake word').push(frame);
  return { scores, ms: performance.now() - started };
}

/** Scores the frames that come over `port` (null: none) in turn with the requests, and tells the page each chunk's. */
function listenForWakeWord(port: MessagePort | null): void {
  wakeWordFrames?.close();
  wakeWordFrames = port;
  if (!port) return;
  port.onmessage = ({ data: frame }: MessageEvent<Float32Array>) => {
    queue = queue.then(async () => {
      if (wakeWordFrames !== port || !wakeWord) return;
      try {
        const heard = await scoreWakeWord(frame);
        if (heard.scores.length) self.postMessage({ heard });
      } catch (error) {
        self.postMessage({ heardError: error instanceof Error ? error.message : String(error) });
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
      self.postMessage({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) });
    }
  });
};
self.postMessage({ ready: true });
