// When a streamed voice is heard, for the LiveKit caption tests and benchmark (e2e/livekit-caption-timing.spec.ts,
// bench/livekit.mjs): a speech engine whose clauses start with a tone on their first sample, and an
// AudioWorklet that reports where sound starts and stops in what the page receives.

/** Every clause: a 350 ms tone from its first sample, then 350 ms of silence. */
const TONE_MS = 350;
export const CLAUSE_MS = 700;
/**
 * Clauses alternate between a low and a high tone, so that where one clause starts can be told from the pitch as
 * well as from the silence before it: a receiver stall that cuts a tone in two, or the catch-up after it that
 * shortens the silence between two tones (WebRTC's jitter buffer plays faster to drain a burst), then neither
 * adds nor loses a clause. ONSETS_WORKLET tells them apart at 500 Hz.
 */
const TONE_HZ = [300, 700];

/** One clause's PCM (s16le at 24 kHz): the tone at `hz`, then silence. */
function clausePcm(rate, hz) {
  const samples = new Int16Array((rate * CLAUSE_MS) / 1000);
  for (let i = 0; i < (rate * TONE_MS) / 1000; i++) samples[i] = Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * hz * i) / rate));
  return new Uint8Array(samples.buffer);
}

/**
 * A TextToSpeech (server/src/adapters/tts/tts.ts) whose every clause is the tone above (low and high in turn),
 * streamed in 100 ms chunks: its onsets are exact, where espeak-ng's clauses begin with a varying breath of
 * silence.
 */
export function toneSpeech() {
  const rate = 24_000;
  const clauses = TONE_HZ.map((hz) => clausePcm(rate, hz));
  let spoken = 0;
  return {
    sampleRate: rate,
    async *synthesize() {
      const pcm = clauses[spoken++ % clauses.length];
      for (let i = 0; i < pcm.length; i += 4800) yield pcm.subarray(i, Math.min(pcm.length, i + 4800));
    },
    async close() {},
  };
}

/**
 * The source of an AudioWorklet processor named `onsets`: it posts `{type: 'on', frame}` where a clause's tone
 * starts, and `{type: 'off', frame}` where the signal fell silent (after 100 ms below 0.05). A clause starts where
 * the signal rises above 0.05 with the other pitch than the last clause's (zero crossings over 20 ms, low or high
 * of 500 Hz), or where the pitch changes while it sounds (then to within 20 ms): the same pitch rising again is a
 * tone cut by a stall, not a new clause. The other pitch must hold for two windows in a row: one window that reads
 * wrong (a tone spliced by the jitter buffer's time stretching) is no clause either (bench:livekit saw a low tone
 * read as three clauses, which left its session's onsets and captions unpaired). The page turns frames into its own clock with
 * `AudioContext.getOutputTimestamp()`, i.e. when the sound is played out.
 */
export const ONSETS_WORKLET = `class Onsets extends AudioWorkletProcessor {
  constructor() {
    super();
    this.quiet = 1e9; this.loud = false;
    this.band = null; this.candidate = 0; this.windowStart = 0; this.crossings = 0; this.sign = 0; this.sounding = 0;
    this.pending = null;
  }
  /**
   * A 20 ms window ended: its pitch over the part of it that sounded (a tone's edge fills a window only in part;
   * a window with too little of a tone tells nothing).
   */
  classify(frame) {
    if (this.sounding > 0.3 * (frame - this.windowStart)) {
      const band = this.crossings / 2 / (this.sounding / sampleRate) < 500 ? 'low' : 'high';
      if (band === this.band) this.pending = null;
      else if (this.pending?.band !== band) this.pending = { band, frame: this.candidate };
      else {
        this.port.postMessage({ type: 'on', frame: this.pending.frame });
        this.band = band;
        this.pending = null;
      }
    }
    this.candidate = frame; this.windowStart = frame; this.crossings = 0; this.sounding = 0;
  }
  process(inputs) {
    const channel = inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      const frame = currentFrame + i;
      const x = channel[i];
      if (Math.abs(x) > 0.05) {
        if (!this.loud) { this.candidate = frame; this.windowStart = frame; this.crossings = 0; this.sounding = 0; this.pending = null; }
        this.loud = true;
        this.quiet = 0;
      } else if (this.loud && ++this.quiet > sampleRate * 0.1) {
        this.port.postMessage({ type: 'off', frame: frame - this.quiet });
        this.loud = false;
      }
      if (!this.loud) continue;
      // Zero crossings with hysteresis, so that the codec's faint noise around zero counts none.
      if (Math.abs(x) > 0.01) this.sounding++;
      if (x > 0.01 && this.sign < 0) this.crossings++;
      if (x < -0.01 && this.sign > 0) this.crossings++;
      if (Math.abs(x) > 0.01) this.sign = Math.sign(x);
      if (frame - this.windowStart >= sampleRate * 0.02) this.classify(frame);
    }
    return true;
  }
}
registerProcessor('onsets', Onsets);`;
