/**
 * The renderer's side of captions tied to the stream's clock (docs/renderer-protocol.md#speech-events):
 * where a moment on the publisher page's audio clock lands on the published voice track's RTP timeline.
 *
 * Both are sample counts of the same audio: the audio graph renders the voice into a
 * MediaStreamAudioDestinationNode, WebRTC captures every sample of it, and the RTP timestamp counts them
 * (Opus: 48 kHz, the publisher's own rate). So a sample's RTP timestamp is its audio-clock time × 48 000 plus
 * one offset that stays fixed for the track's life. Wall-clock time is no good as the go-between: a busy
 * renderer's audio thread renders slower than real time, so an anchor "this frame was captured at that
 * moment" put later clauses up to a second off (measured at a load average of 20), and even on a quiet
 * machine the depth of the queues between the render thread and the encoder, set when the track starts, moved
 * the captions of a whole session by tens of milliseconds.
 *
 * The offset is measured on the sample counts alone. An RTCRtpScriptTransform on the voice's sender sees every
 * encoded frame on its way out with its RTP timestamp and hands it straight to an AudioWorklet on the audio
 * thread itself; by then the frame's last sample has been rendered, so the frames rendered so far have passed
 * it: offset ≥ frame's end − frames rendered. The largest of these bounds over the last seconds is the offset,
 * short by what was rendered between the frame's end and its arrival, i.e. within one render callback. Read on
 * the main thread, the clock was as late as the page was busy (measured: 7 to 116 ms off per session at a load
 * average of 15); the audio thread renders nothing while it reads, so its reading cannot fall behind.
 * Chromium applies an audio sender's transform only if it is there before the sender is negotiated, so the
 * timeline hooks the page's peer connections and claims the voice's sender as it is created (livekit-client
 * creates it while publishing). Without the transform (Chromium before 118 and other engines in a renderer)
 * `rtpTimestampAt` answers undefined and reports carry only `inMs`.
 */
import { OPUS_RTP_CLOCK_RATE } from '@dhkit/protocol';

/**
 * Opus's own delay: what goes into the encoder at a frame's RTP timestamp comes out of the decoder 312 samples
 * (6.5 ms) later (libopus's look-ahead at 48 kHz, the pre-skip of RFC 7845), and the receiver's playout
 * position counts decoded samples. Measured: the decoded tone starts 6.6 ms after the sample count says.
 */
const OPUS_DECODER_DELAY = 312;
/** No frame for this long means the sender stalled (or the track ended): no position is better than a wrong one. */
const MAX_SILENCE_MS = 2_000;

/** Runs in a Worker: passes every encoded frame through untouched, telling the audio thread its RTP timestamp and length. */
const TRANSFORM_WORKER = `let clock = null;
onmessage = ({ data }) => { clock = data.clock; };
onrtctransform = ({ transformer }) => {
  const reader = transformer.readable.getReader();
  const writer = transformer.writable.getWriter();
  let last = null;
  const pump = async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const rtpTimestamp = value.getMetadata().rtpTimestamp ?? value.timestamp;
      const samples = last === null ? 0 : (rtpTimestamp - last) >>> 0;
      last = rtpTimestamp;
      await writer.write(value);
      if (samples > 0 && samples < 48000) clock?.postMessage({ rtpTimestamp, samples });
    }
  };
  pump().catch(() => {});
};`;

/**
 * Runs on the audio thread: takes the encoded frames from the transform's worker, bounds the offset with each
 * (RTP timestamp of the frame's end − frames rendered so far) and posts the largest bound of the last
 * WINDOW_S seconds, unsigned 32-bit like the RTP timestamps.
 */
const OFFSET_PROCESSOR = `const WINDOW_S = 4;
registerProcessor('dhkit-rtp-offset', class extends AudioWorkletProcessor {
  constructor() {
    super();
    this.rendered = -1;
    this.bounds = [];
    this.port.onmessage = ({ data }) => { data.frames.onmessage = ({ data: frame }) => this.take(frame); };
  }
  take({ rtpTimestamp, samples }) {
    if (this.rendered < 0) return;
    const bound = (rtpTimestamp + samples - this.rendered) >>> 0;
    this.bounds.push([bound, this.rendered]);
    while (this.rendered - this.bounds[0][1] > WINDOW_S * sampleRate) this.bounds.shift();
    let best = bound;
    for (const [other] of this.bounds) if (((other - best) | 0) > 0) best = other;
    this.port.postMessage(best);
  }
  process() {
    this.rendered = currentFrame + 128;
    return true;
  }
});`;

/** The offset as the audio thread last told it. */
interface Offset {
  /** RTP timestamp − audio-clock samples, unsigned 32-bit. */
  value: number;
  /** When it came (performance.now()). */
  at: number;
}

export class SenderTimeline {
  private offset: Offset | null = null;
  /** The audio-thread end of the measurement (its module loads once per page). */
  private node: Promise<AudioWorkletNode | null> | null = null;
  private worker: Worker | null = null;
  /** Takes the next audio sender created, between watch() and that sender. */
  private awaiting: ((sender: RTCRtpSender) => void) | null = null;
  /** This page's peer connections report the senders they create. */
  private hooked = false;

  constructor(private readonly audio: BaseAudioContext) {}

  /**
   * Claims the next audio sender a peer connection of this page creates (call right before publishing the
   * voice; a renderer page publishes one). False where the browser has no RTCRtpScriptTransform.
   */
  watch(): boolean {
    const Transform = (globalThis as { RTCRtpScriptTransform?: typeof RTCRtpScriptTransform }).RTCRtpScriptTransform;
    if (!Transform) return false;
    this.detach();
    this.awaiting = (sender: RTCRtpSender) => {
      if (sender.track?.kind !== 'audio') return;
      this.awaiting = null;
      const url = URL.createObjectURL(new Blob([TRANSFORM_WORKER], { type: 'text/javascript' }));
      const worker = new Worker(url);
      URL.revokeObjectURL(url);
      sender.transform = new Transform(worker);
      this.worker = worker;
      // The worker talks to the audio thread directly: the main thread's delays never enter the measurement.
      const channel = new MessageChannel();
      worker.postMessage({ clock: channel.port1 }, [channel.port1]);
      void this.offsetNode().then((node) => node?.port.postMessage({ frames: channel.port2 }, [channel.port2]));
    };
    if (this.hooked) return true;
    this.hooked = true;
    const claim = (sender: RTCRtpSender) => this.awaiting?.(sender);
    const prototype = RTCPeerConnection.prototype;
    const { addTransceiver, addTrack } = prototype;
    prototype.addTransceiver = function (this: RTCPeerConnection, ...args: Parameters<typeof addTransceiver>) {
      const transceiver = addTransceiver.apply(this, args);
      claim(transceiver.sender);
      return transceiver;
    };
    prototype.addTrack = function (this: RTCPeerConnection, ...args: Parameters<typeof addTrack>) {
      const sender = addTrack.apply(this, args);
      claim(sender);
      return sender;
    };
    return true;
  }

  /**
   * The RTP timestamp of the sample at `time` on the audio clock, or undefined while no frame was seen lately.
   * Unsigned 32-bit, as on the wire.
   */
  rtpTimestampAt(time: number): number | undefined {
    const offset = this.offset;
    if (!offset || performance.now() - offset.at > MAX_SILENCE_MS) return undefined;
    return (offset.value + Math.round(time * OPUS_RTP_CLOCK_RATE) + OPUS_DECODER_DELAY) >>> 0;
  }

  detach(): void {
    this.worker?.terminate();
    this.worker = null;
    this.awaiting = null;
    this.offset = null;
  }

  /** The AudioWorkletNode that measures the offset (null where the page cannot load one). */
  private offsetNode(): Promise<AudioWorkletNode | null> {
    const audio = this.audio;
    this.node ??= (async () => {
      // The publisher's clock runs at 48 kHz, the RTP clock's rate; another could not be counted alike.
      if (audio.sampleRate !== OPUS_RTP_CLOCK_RATE || !audio.audioWorklet) return null;
      const url = URL.createObjectURL(new Blob([OFFSET_PROCESSOR], { type: 'text/javascript' }));
      try {
        await audio.audioWorklet.addModule(url);
      } catch {
        return null;
      } finally {
        URL.revokeObjectURL(url);
      }
      // Connected to the speakers (it writes silence) so that the graph renders it on every quantum: it must
      // know how far rendering got.
      const node = new AudioWorkletNode(audio, 'dhkit-rtp-offset', { numberOfInputs: 0, numberOfOutputs: 1 });
      node.connect(audio.destination);
      node.port.onmessage = ({ data }: MessageEvent<number>) => {
        if (Number.isInteger(data)) this.offset = { value: data, at: performance.now() };
      };
      return node;
    })();
    return this.node;
  }
}
