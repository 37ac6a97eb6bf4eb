/**
 * AudioWorklet: the microphone (or any source) at the context's rate → mono 16 kHz frames of 512 samples
 * (32 ms, Silero's frame) posted to the main thread, or to the port it was last given (`{ route: port }`; `{ route:
 * null }` turns back): listening hands-free or for the wake word, its frames go straight to the models' Worker.
 * Built as its own file (`/sdk/voice/capture-worklet.js`) and loaded from the server's origin with
 * `audioWorklet.addModule`, so it needs no blob URL or eval (CSP).
 */
declare const sampleRate: number;
declare function registerProcessor(name: string, processor: unknown): void;
declare class AudioWorkletProcessor {
  readonly port: MessagePort;
}

const TARGET_RATE = 16_000;
const FRAME_SAMPLES = 512;

class CaptureProcessor extends AudioWorkletProcessor {
  private readonly step = sampleRate / TARGET_RATE;
  /** Position of the next output sample in input samples, relative to the current block (≥ -1). */
  private position = 0;
  private previous = 0;
  private frame = new Float32Array(FRAME_SAMPLES);
  private filled = 0;
  /** One-pole low-pass state: keeps energy above 8 kHz from folding back when the rate drops. */
  private lowPass = 0;
  private readonly alpha = Math.min(1, (2 * Math.PI * 7000) / sampleRate / (1 + (2 * Math.PI * 7000) / sampleRate));
  /** Where frames go instead of the main thread (null: the main thread). */
  private route: MessagePort | null = null;

  constructor() {
    super();
    this.port.onmessage = (event: MessageEvent<{ route?: MessagePort | null }>) => {
      if (!event.data || !('route' in event.data)) return;
      this.route?.close();
      this.route = event.data.route ?? null;
    };
  }

  process(inputs: Float32Array[][]): boolean {
    const channels = inputs[0];
    if (!channels || channels.length === 0) return true;
    const length = channels[0].length;
    const mono = new Float32Array(length);
    for (const channel of channels) for (let i = 0; i < length; i++) mono[i] += channel[i] / channels.length;
    if (this.step !== 1) {
      for (let i = 0; i < length; i++) mono[i] = this.lowPass += this.alpha * (mono[i] - this.lowPass);
    }
    // Linear interpolation; position -1 is the last sample of the previous block.
    while (this.position < length - 1) {
      const index = Math.floor(this.position);
      const fraction = this.position - index;
      const a = index < 0 ? this.previous : mono[index];
      const b = mono[index + 1];
      this.push(a + (b - a) * fraction);
      this.position += this.step;
    }
    this.position -= length;
    this.previous = mono[length - 1];
    return true;
  }

  private push(sample: number): void {
    this.frame[this.filled++] = sample;
    if (this.filled < FRAME_SAMPLES) return;
    (this.route ?? this.port).postMessage(this.frame, [this.frame.buffer]);
    this.frame = new Float32Array(FRAME_SAMPLES);
    this.filled = 0;
  }
}

registerProcessor('dhkit-capture', CaptureProcessor);
