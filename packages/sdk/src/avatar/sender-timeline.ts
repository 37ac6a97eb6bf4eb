/**
 * The renderer's side of captions tied to the stream's clock (docs/renderer-protocol.md#speech-events):
 * where a moment on the publisher page's audio clock lands on the published voice track's RTP timeline.
 *
 * An RTCRtpScriptTransform on the voice's sender sees every encoded frame on its way out, with its RTP
 * timestamp. Frames are captured at a perfectly steady pace (the RTP timestamp counts their samples) but reach
 * the transform with the encoder's and the worker's jitter, so the earliest arrival over the last seconds,
 * carried forward along the RTP timeline, is when the newest frame was complete; its first sample was captured
 * one frame before. A sample due at audio-clock time `t` is captured `t − currentTime` from now, so its RTP
 * timestamp is the anchor's plus that distance at 48 kHz. The visitor's page then waits until its own receiver
 * plays that timestamp out, so nothing on the way (the report's trip, the SFU, the jitter buffer, either
 * page's load) shifts the caption. Chromium applies an audio sender's transform only if it is there before the
 * sender is negotiated, so the timeline hooks the page's peer connections and claims the voice's sender as it is
 * created (livekit-client creates it while publishing). Without the transform (Chromium before 118 and other engines in a renderer)
 * `rtpTimestampAt` answers undefined and reports carry only `inMs`.
 */
import { OPUS_RTP_CLOCK_RATE } from '@dhkit/protocol';

/** How far back the earliest arrival is looked for: long enough to catch an unhurried frame, short against clock drift. */
const ENVELOPE_MS = 2_000;
/** An anchor older than this means the sender stalled (or the track ended): no position is better than a wrong one. */
const MAX_ANCHOR_AGE_MS = 2_000;

/** Runs in a Worker: passes every encoded frame through untouched, posting its RTP timestamp, length and arrival. */
const TRANSFORM_WORKER = `onrtctransform = ({ transformer }) => {
  const reader = transformer.readable.getReader();
  const writer = transformer.writable.getWriter();
  let last = null;
  const pump = async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const seenAt = performance.timeOrigin + performance.now();
      const rtpTimestamp = value.getMetadata().rtpTimestamp ?? value.timestamp;
      const samples = last === null ? 0 : (rtpTimestamp - last) >>> 0;
      last = rtpTimestamp;
      await writer.write(value);
      if (samples > 0 && samples < 48000) postMessage({ rtpTimestamp, samples, seenAt });
    }
  };
  pump().catch(() => {});
};`;

/** One encoded frame as the worker saw it. */
interface FrameSeen {
  rtpTimestamp: number;
  /** Its length in RTP units (960 for 20 ms of Opus). */
  samples: number;
  /** When it reached the transform (ms since the epoch). */
  seenAt: number;
}

interface Anchor {
  rtpTimestamp: number;
  /** When the frame's first sample was captured from the audio graph (ms since the epoch, this machine's clock). */
  capturedAt: number;
}

export class SenderTimeline {
  private anchor: Anchor | null = null;
  private recent: FrameSeen[] = [];
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
      worker.onmessage = ({ data }: MessageEvent<FrameSeen>) => this.take(data);
      sender.transform = new Transform(worker);
      this.worker = worker;
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
   * The RTP timestamp of the sample at `time` on the audio clock, or undefined while no fresh anchor is known.
   * Unsigned 32-bit, as on the wire.
   */
  rtpTimestampAt(time: number): number | undefined {
    const anchor = this.anchor;
    if (!anchor) return undefined;
    const now = performance.timeOrigin + performance.now();
    if (now - anchor.capturedAt > MAX_ANCHOR_AGE_MS) return undefined;
    const capturedAt = now + (time - this.audio.currentTime) * 1000;
    return (anchor.rtpTimestamp + Math.round(((capturedAt - anchor.capturedAt) * OPUS_RTP_CLOCK_RATE) / 1000)) >>> 0;
  }

  detach(): void {
    this.worker?.terminate();
    this.worker = null;
    this.awaiting = null;
    this.anchor = null;
    this.recent = [];
  }

  private take(frame: FrameSeen): void {
    if (!Number.isInteger(frame.rtpTimestamp) || !Number.isFinite(frame.seenAt)) return;
    this.recent.push(frame);
    while (this.recent.length > 0 && frame.seenAt - this.recent[0].seenAt > ENVELOPE_MS) this.recent.shift();
    // Each frame says when the newest one would have arrived had it been as quick; the quickest is the truth.
    let completeAt = frame.seenAt;
    for (const earlier of this.recent) {
      const behindMs = (((frame.rtpTimestamp - earlier.rtpTimestamp) | 0) * 1000) / OPUS_RTP_CLOCK_RATE;
      completeAt = Math.min(completeAt, earlier.seenAt + behindMs);
    }
    this.anchor = { rtpTimestamp: frame.rtpTimestamp, capturedAt: completeAt - (frame.samples * 1000) / OPUS_RTP_CLOCK_RATE };
  }
}
