/**
 * The voice chunk (`/sdk/voice.esm.js`), loaded with a dynamic import only when voice is used: microphone
 * capture through the AudioWorklet, Silero VAD on onnxruntime-web (wasm, one thread: no cross-origin
 * isolation needed), and the segmenter. Every file it needs comes from the dhkit server (`/sdk/voice/`),
 * never from a CDN.
 */
import * as ort from 'onnxruntime-web/wasm';
import { FRAME_MS, VadSegmenter, type SegmenterEvent, type SegmenterOptions } from './vad-segmenter.js';
import { DHKitError } from '../core/errors.js';

export { FRAME_MS, VadSegmenter };
// Voice input itself rides in this chunk too: the headless core only loads it when voice is first used.
export { VoiceInput } from './voice-input.js';
export { WAKE_WORD_MODELS, WakeWordDetector, type WakeWordName } from './wake-word.js';
export type { SegmenterEvent, SegmenterOptions };

export interface Microphone {
  readonly context: AudioContext;
  readonly stream: MediaStream;
  /** The device in use (its label may be empty before permission). */
  readonly deviceId: string | undefined;
  /** Receives 512-sample 16 kHz mono frames. */
  onFrame: ((frame: Float32Array) => void) | null;
  close(): Promise<void>;
}

export interface MicrophoneOptions {
  /** `{base}/capture-worklet.js`. */
  assetBase: string;
  deviceId?: string;
}

/**
 * Opens the microphone with echo cancellation, noise suppression and auto gain (the browser's, which also
 * cancels the avatar's own voice played by this page). Rejects with the getUserMedia DOMException.
 */
export async function openMicrophone(options: MicrophoneOptions): Promise<Microphone> {
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: {
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
      channelCount: 1,
      ...(options.deviceId ? { deviceId: { exact: options.deviceId } } : {}),
    },
  });
  const context = new AudioContext();
  try {
    await context.audioWorklet.addModule(`${options.assetBase}/capture-worklet.js`);
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, 'dhkit-capture', { numberOfInputs: 1, numberOfOutputs: 0 });
    source.connect(node);
    if (context.state === 'suspended') await context.resume().catch(() => undefined);
    const microphone: Microphone = {
      context,
      stream,
      deviceId: stream.getAudioTracks()[0]?.getSettings().deviceId,
      onFrame: null,
      async close() {
        node.port.onmessage = null;
        source.disconnect();
        for (const track of stream.getTracks()) track.stop();
        await context.close().catch(() => undefined);
      },
    };
    node.port.onmessage = (event: MessageEvent<Float32Array>) => microphone.onFrame?.(event.data);
    return microphone;
  } catch (error) {
    for (const track of stream.getTracks()) track.stop();
    await context.close().catch(() => undefined);
    throw error;
  }
}

/** Silero VAD v5 (the model file shipped in @ricky0123/vad-web), one 512-sample frame at a time. */
export class SileroVad {
  private static readonly CONTEXT_SAMPLES = 64;
  private state: ort.Tensor;
  private context = new Float32Array(SileroVad.CONTEXT_SAMPLES);
  private readonly sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), [1]);
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(private readonly session: ort.InferenceSession) {
    this.state = SileroVad.zeroState();
  }

  static async load(assetBase: string): Promise<SileroVad> {
    ort.env.wasm.wasmPaths = `${assetBase}/`;
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    const response = await fetch(`${assetBase}/silero_vad_v5.onnx`);
    if (!response.ok) throw DHKitError.fromHttpStatus(response.status, 'VAD model');
    const session = await ort.InferenceSession.create(new Uint8Array(await response.arrayBuffer()), {
      executionProviders: ['wasm'],
    });
    return new SileroVad(session);
  }

  private static zeroState(): ort.Tensor {
    return new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  }

  /**
   * Speech probability 0..1 of a 512-sample frame, and the model's run time in ms (on this thread).
   * Calls are serialized (the model state carries over).
   */
  probability(frame: Float32Array): Promise<{ probability: number; ms: number }> {
    const run = this.chain.then(async () => {
      const started = performance.now();
      const input = new Float32Array(SileroVad.CONTEXT_SAMPLES + frame.length);
      input.set(this.context, 0);
      input.set(frame, SileroVad.CONTEXT_SAMPLES);
      this.context = frame.slice(-SileroVad.CONTEXT_SAMPLES);
      const out = await this.session.run({
        input: new ort.Tensor('float32', input, [1, input.length]),
        state: this.state,
        sr: this.sr,
      });
      this.state = out.stateN as ort.Tensor;
      return { probability: (out.output as ort.Tensor).data[0] as number, ms: performance.now() - started };
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  reset(): void {
    this.state = SileroVad.zeroState();
    this.context = new Float32Array(SileroVad.CONTEXT_SAMPLES);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
