/**
 * The visitor's side of captions tied to the stream's clock: when a position on the streamed voice's RTP
 * timeline will be heard on this page. The audio receiver says which RTP timestamp it last played out and when
 * (`RTCRtpReceiver.getSynchronizationSources()`: Chrome/Edge 73+, Firefox 59+, Safari 12.1+); a later timestamp
 * is heard that much later at 48 kHz, plus the audio device's own delay. Jitter buffer, decoding and network
 * are all behind the receiver's reading, so none of them needs an estimate of its own.
 *
 * One reading is not exact, though. The receiver updates it once per packet (20 ms of Opus), at the 10 ms output
 * frame in which that packet was decoded, and names the packet's first sample; WebRTC's jitter buffer (NetEq)
 * decodes a packet while a frame of the previous one is still left to play, so that sample is usually heard one
 * frame (10 ms) after the reading's time, sometimes two, when the buffer's phase shifts (measured in Chromium:
 * a session's readings alternate between two mappings 10 ms apart). So the clock keeps the readings of the last
 * few packets and trusts the one that places the sound latest (the packet's start in the earliest part of its
 * frame), plus that one frame. Keeping only a few packets' worth lets it follow the jitter buffer when it grows or
 * shrinks.
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
/**
 * The receiver reads a new packet every 20 ms while it plays; with none for longer than this (two packets: one
 * late packet or a late audio callback is normal), it is making sound up (NetEq's concealment: packets held up
 * by a busy renderer, SFU or network) and what is still to come is heard that much later, for as long as the
 * stall lasts. Extrapolating from the last reading as if it played on would show a caption before its sound
 * (seen: speakingStart 90 ms early after such a stall), so the time beyond this counts as not played.
 */
export const STALLED_AFTER_MS = 40;
/** A position this far behind what is playing was heard already (or belongs to another timeline). */
const MAX_BEHIND_MS = 5_000;
/**
 * The receiver's output frame: a reading's packet starts playing one such frame after the reading (NetEq
 * decodes it while the previous packet's last frame is still to go).
 */
export const DECODED_AHEAD_MS = 10;
/** Readings kept: those of the last three 20 ms packets, enough to see both of a packet's two phases. */
export const READING_WINDOW_MS = 60;
/**
 * Asked again sooner than this, the clock answers from its last reading: the receiver names a new packet every
 * 20 ms, so a closer reading tells little, and each one can hold the page up (below). Every clause waiting for its
 * moment, start and end, follows the receiver on its own; they share the readings.
 */
export const REREAD_AFTER_MS = 10;

export class TrackPlayoutClock {
  /** Recent distinct readings, oldest first. */
  private readings: PlayedOutSource[] = [];
  /** The last reading taken from the receiver, and when it was asked for. */
  private last: { latest: PlayedOutSource | undefined; askedAt: number } | undefined;

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
    // The reading's age counts from when it was asked for: `getSynchronizationSources()` is a synchronous call into
    // WebRTC, and on a busy 2-core machine it held the page up to 350 ms, most of the visitor page's long tasks, while
    // what it returned was fresh when asked (bench:livekit, BENCH_TRACE). A reading that was fresh when asked is not
    // a stalled receiver, however long the answer took.
    const asking = this.now();
    if (!this.last || asking - this.last.askedAt >= REREAD_AFTER_MS || asking < this.last.askedAt) {
      this.last = { latest: this.read(), askedAt: asking };
    }
    const { latest, askedAt } = this.last;
    if (!latest || !Number.isInteger(rtpTimestamp)) return undefined;
    const now = this.now();
    const age = askedAt - latest.timestamp;
    if (age > MAX_READING_AGE_MS || age < -MAX_READING_AGE_MS) return undefined;
    const aheadOfLatestMs = rtpDistanceMs(rtpTimestamp, latest.rtpTimestamp);
    if (aheadOfLatestMs < -MAX_BEHIND_MS || aheadOfLatestMs > RENDERER_SPEECH_MAX_LEAD_MS) return undefined;
    let heardAt = -Infinity;
    for (const reading of this.readings) {
      heardAt = Math.max(heardAt, reading.timestamp + rtpDistanceMs(rtpTimestamp, reading.rtpTimestamp));
    }
    const stalledMs = Math.max(0, age - STALLED_AFTER_MS);
    return heardAt + stalledMs + DECODED_AHEAD_MS + this.deviceDelayMs() - now;
  }

  /** Takes the receiver's reading now: kept if new, with the others of the last few packets. */
  private read(): PlayedOutSource | undefined {
    let latest: PlayedOutSource | undefined;
    for (const source of this.sources()) if (!latest || source.timestamp > latest.timestamp) latest = source;
    if (!latest || !Number.isFinite(latest.timestamp)) return undefined;
    const last = this.readings[this.readings.length - 1];
    if (last && latest.timestamp < last.timestamp) this.readings = []; // a new receiver (a reconnect)
    if (!last || latest.timestamp !== last.timestamp || latest.rtpTimestamp !== last.rtpTimestamp) {
      this.readings.push({ rtpTimestamp: latest.rtpTimestamp, timestamp: latest.timestamp });
    }
    this.readings = this.readings.filter((reading) => latest.timestamp - reading.timestamp <= READING_WINDOW_MS);
    return latest;
  }
}

/** `to − from` on the RTP timeline in ms, as a signed 32-bit distance: RTP timestamps wrap every ~25 hours at 48 kHz. */
function rtpDistanceMs(to: number, from: number): number {
  return (((to - from) | 0) * 1000) / OPUS_RTP_CLOCK_RATE;
}
