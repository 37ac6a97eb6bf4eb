/**
 * Messages between the voice chunk and its inference Worker (voice.worker.ts). Audio crosses as transferable
 * `Float32Array`s: the VAD's frame goes to the Worker and comes back with its probability, so nothing is copied.
 * The capture worklet's frames can reach the Worker over a port of their own (`framesFrom`), without the page in
 * between: for the VAD, each comes back with its probability; for the wake word, only the scores come (`heard`).
 */
import type { WakeWordName } from './wake-word.js';

/** A frame's VAD probability and the model's time for it (ms); `frame` is the frame, handed back. */
export interface VadResult {
  probability: number;
  ms: number;
  frame: Float32Array;
}

/** The scores of the 80 ms chunks a frame completed, and the models' time for them (ms). */
export interface WakeWordScores {
  scores: number[];
  ms: number;
}

export type RoutedModel = 'vad' | 'wakeWord';

/** What the Worker tells the page of a frame that came over a `framesFrom` port. */
export type Heard = ({ model: 'vad' } & VadResult) | ({ model: 'wakeWord' } & WakeWordScores);

export type InferenceRequest =
  | { id: number; op: 'loadVad'; assetBase: string }
  | { id: number; op: 'loadWakeWord'; assetBase: string; word: WakeWordName }
  | { id: number; op: 'vad'; frame: Float32Array }
  | { id: number; op: 'wakeWord'; frame: Float32Array }
  | { id: number; op: 'framesFrom'; model: RoutedModel; port: MessagePort }
  | { id: number; op: 'framesStop'; model: RoutedModel }
  | { id: number; op: 'resetVad' }
  | { id: number; op: 'resetWakeWord' }
  | { id: number; op: 'releaseVad' }
  | { id: number; op: 'releaseWakeWord' };

/** What each request answers (`ms`: the models' time for it, in the Worker). */
export interface InferenceResults {
  loadVad: null;
  loadWakeWord: null;
  vad: VadResult;
  wakeWord: WakeWordScores;
  framesFrom: null;
  framesStop: null;
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
  /** A frame that came over a `framesFrom` port, heard (the wake word: only once an 80 ms chunk completes), or a failure. */
  | { heard: Heard }
  | { heardError: { model: RoutedModel; message: string } };
