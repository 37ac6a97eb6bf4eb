/**
 * Messages between the voice chunk and its inference Worker (voice.worker.ts). Audio crosses as transferable
 * `Float32Array`s: the VAD's frame goes to the Worker and comes back with its probability, so nothing is copied.
 * While a kiosk sleeps, the capture worklet's frames reach the Worker over a port of their own (`wakeWordFrom`), and
 * only the wake word's scores come to the page (`heard`).
 */
import type { WakeWordName } from './wake-word.js';

export type InferenceRequest =
  | { id: number; op: 'loadVad'; assetBase: string }
  | { id: number; op: 'loadWakeWord'; assetBase: string; word: WakeWordName }
  | { id: number; op: 'vad'; frame: Float32Array }
  | { id: number; op: 'wakeWord'; frame: Float32Array }
  | { id: number; op: 'wakeWordFrom'; port: MessagePort }
  | { id: number; op: 'wakeWordStop' }
  | { id: number; op: 'resetVad' }
  | { id: number; op: 'resetWakeWord' }
  | { id: number; op: 'releaseVad' }
  | { id: number; op: 'releaseWakeWord' };

/** What each request answers (`ms`: the models' time for it, in the Worker). */
export interface InferenceResults {
  loadVad: null;
  loadWakeWord: null;
  vad: { probability: number; ms: number; frame: Float32Array };
  wakeWord: { scores: number[]; ms: number };
  wakeWordFrom: null;
  wakeWordStop: null;
  resetVad: null;
  resetWakeWord: null;
  releaseVad: null;
  releaseWakeWord: null;
}

export type InferenceReply =
  | { id: number; ok: true; value: InferenceResults[keyof InferenceResults] }
  | { id: number; ok: false; message: string }
  /** Posted once the Worker's module has run and listens (messages sent before could be lost). */
  | { ready: true }
  /** The wake word's scores for frames that came over the `wakeWordFrom` port (each completed 80 ms chunk), or its failure. */
  | { heard: { scores: number[]; ms: number } }
  | { heardError: string };
