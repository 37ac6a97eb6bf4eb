import * as ort from 'onnxruntime-web/wasm';
import { httpStatusError } from '../core/errors.js';

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
    if (!response.ok) throw httpStatusError(response.status, 'VAD model');
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
