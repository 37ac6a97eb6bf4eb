// When a streamed voice is heard, for the LiveKit caption tests and benchmark (e2e/livekit-caption-timing.spec.ts,
// bench/livekit.mjs): a speech engine whose clauses start with a tone on their first sample, and an
// AudioWorklet that reports where sound starts and stops in what the page receives.

/** Every clause: a 350 ms tone from its first sample, then 350 ms of silence. */
const TONE_MS = 350;
export const CLAUSE_MS = 700;

/**
 * A TextToSpeech (server/src/adapters/tts/tts.ts) whose every clause is the tone above, streamed in 100 ms
 * chunks: its onsets are exact, where espeak-ng's clauses begin with a varying breath of silence.
 */
export function toneSpeech() {
  const rate = 24_000;
  const samples = new Int16Array((rate * CLAUSE_MS) / 1000);
  for (let i = 0; i < (rate * TONE_MS) / 1000; i++) samples[i] = Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * 220 * i) / rate));
  const pcm = new Uint8Array(samples.buffer);
  return {
    sampleRate: rate,
    async *synthesize() {
      for (let i = 0; i < pcm.length; i += 4800) yield pcm.subarray(i, Math.min(pcm.length, i + 4800));
    },
    async close() {},
  };
}

/**
 * The source of an AudioWorklet processor named `onsets`: it posts `{type: 'on' | 'off', frame}` where the
 * signal rises above 0.05, and where it fell silent (after 100 ms below). The page turns frames into its own
 * clock with `AudioContext.getOutputTimestamp()`, i.e. when the sound is played out.
 */
export const ONSETS_WORKLET = `class Onsets extends AudioWorkletProcessor {
  constructor() { super(); this.quiet = 1e9; this.loud = false; }
  process(inputs) {
    const channel = inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      if (Math.abs(channel[i]) > 0.05) {
        if (!this.loud) this.port.postMessage({ type: 'on', frame: currentFrame + i });
        this.loud = true;
        this.quiet = 0;
      } else if (this.loud && ++this.quiet > sampleRate * 0.1) {
        this.port.postMessage({ type: 'off', frame: currentFrame + i - this.quiet });
        this.loud = false;
      }
    }
    return true;
  }
}
registerProcessor('onsets', Onsets);`;
