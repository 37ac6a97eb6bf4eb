/**
 * The visitor's side of captions tied to the stream's clock: when a position on the streamed voice's RTP
 * timeline will be heard on this page. The audio receiver says which RTP timestamp it last played out and when
 * (`RTCRtpReceiver.getSynchronizationSources()`: Chrome/Edge 73+, Firefox 59+, Safari 12.1+); a later timestamp
 * is heard that much later at 48 kHz, plus the audio device's own delay. Jitter buffer, decoding and network
 * are all behind the receiver's reading, so none of them needs an estimate of its own.
 */
import { OPUS_RTP_CLOCK_RATE, RENDERER_SPEECH_MAX_LEAD_MS } from '@dhkit/protocol';

/** What `getSynchronizationSources()` returns that matters here. */
export interface PlayedOutSource {
  rtpTimestamp: number;
  /** When that RTP timestamp's frame was played out (ms since the epoch, like `performance.timeOrigin + now`). */
  timestamp: number;
}

/**
 * A reading older than this: the receiver is not playing (paused by the autoplay policy, say, or stalled),
 * so it tells nothing about when the sound will be heard.
 */
const MAX_READING_AGE_MS = 500;
/** A position this far behind what is playing was heard already (or belongs to another timeline). */
const MAX_BEHIND_MS = 5_000;

export class TrackPlayoutClock {
  constructor(
    /** The audio receiver's synchronization sources now (none before the voice arrives). */
    private readonly sources: () => readonly PlayedOutSource[],
    /** The audio device's delay after the receiver hands samples over, in ms. */
    private readonly deviceDelayMs: () => number,
    private readonly now: () => number = () => performance.timeOrigin + performance.now(),
  ) {}

  /**
   * Milliseconds until the sample at `rtpTimestamp` is heard (negative: heard that long ago), or undefined
   * when the receiver cannot tell: nothing played out lately, or a position on no timeline it plays.
   */
  msUntilHeard(rtpTimestamp: number): number | undefined {
    let latest: PlayedOutSource | undefined;
    for (const source of this.sources()) if (!latest || source.timestamp > latest.timestamp) latest = source;
    if (!latest || !Number.isFinite(latest.timestamp) || !Number.isInteger(rtpTimestamp)) return undefined;
    const now = this.now();
    const age = now - latest.timestamp;
    if (age > MAX_READING_AGE_MS || age < -MAX_READING_AGE_MS) return undefined;
    // Signed 32-bit distance: RTP timestamps wrap every ~25 hours at 48 kHz.
    const aheadMs = (((rtpTimestamp - latest.rtpTimestamp) | 0) * 1000) / OPUS_RTP_CLOCK_RATE;
    if (aheadMs < -MAX_BEHIND_MS || aheadMs > RENDERER_SPEECH_MAX_LEAD_MS) return undefined;
    return latest.timestamp + aheadMs + this.deviceDelayMs() - now;
  }
}
