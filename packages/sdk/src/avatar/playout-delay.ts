/**
 * How long the streamed voice takes from leaving the renderer to the visitor's ears, as far as this page can
 * tell: the audio receiver's jitter buffer (which WebRTC grows and shrinks with the network), the audio
 * device's own playout delay, and the decoder. Read from `RTCRtpReceiver.getStats()` every few hundred
 * milliseconds; the network's one-way delay is left out on purpose, since the renderer's speech reports
 * travel the same path as its audio and arrive that much later too. Captions use it only as the fallback
 * where the track's own timeline cannot be followed (TrackPlayoutClock); its device delay serves both.
 */

/** Opus decoding and the hand-over to the audio device (one 10 ms frame; calibrated in Chromium, e2e/livekit.spec.ts). */
export const DECODE_MS = 10;
/** Before any statistics: a typical WebRTC jitter buffer (~50 ms) and device delay (~30 ms). */
export const INITIAL_PLAYOUT_DELAY_MS = DECODE_MS + 80;
/** A figure beyond this is a stall or a broken statistic, not a delay to wait for. */
const MAX_COMPONENT_MS = 1000;

/** An `RTCStatsReport` (a map: forEach visits the stats), or an array of stats. */
export type StatsLike = { forEach(callback: (value: unknown) => void): void };

interface Totals {
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
  playoutDelay: number;
  playoutSamples: number;
}

/** Turns successive stats reports of one audio receiver into the current playout delay. */
export class PlayoutDelayEstimator {
  private last: Totals | null = null;
  private jitterMs = INITIAL_PLAYOUT_DELAY_MS - DECODE_MS - 30;
  private deviceMs = 30;

  /** The current estimate in milliseconds. */
  get delayMs(): number {
    return Math.round(this.jitterMs + this.deviceMs + DECODE_MS);
  }

  /** The audio device's part alone (after the receiver hands samples over), in milliseconds. */
  get deviceDelayMs(): number {
    return Math.round(this.deviceMs);
  }

  /**
   * Takes one `getStats()` report. The jitter buffer figure is the average over the samples played since
   * the previous report (the totals are cumulative), so it follows the buffer as it changes.
   */
  update(report: StatsLike): number {
    const totals = readTotals(report);
    if (!totals) return this.delayMs;
    const last = this.last;
    this.last = totals;
    if (!last) return this.delayMs;
    const emitted = totals.jitterBufferEmittedCount - last.jitterBufferEmittedCount;
    if (emitted > 0) {
      const ms = ((totals.jitterBufferDelay - last.jitterBufferDelay) / emitted) * 1000;
      if (ms >= 0 && ms < MAX_COMPONENT_MS) this.jitterMs = ms;
    }
    const played = totals.playoutSamples - last.playoutSamples;
    if (played > 0) {
      const ms = ((totals.playoutDelay - last.playoutDelay) / played) * 1000;
      if (ms >= 0 && ms < MAX_COMPONENT_MS) this.deviceMs = ms;
    }
    return this.delayMs;
  }
}

function readTotals(report: StatsLike): Totals | null {
  const found: { inbound?: Record<string, unknown>; playout?: Record<string, unknown> } = {};
  report.forEach((value) => {
    const stat = value as Record<string, unknown> | null;
    if (stat?.type === 'inbound-rtp' && stat.kind === 'audio') found.inbound = stat;
    else if (stat?.type === 'media-playout') found.playout = stat;
  });
  if (!found.inbound) return null;
  const number = (stat: Record<string, unknown> | undefined, key: string) => {
    const value = stat?.[key];
    return typeof value === 'number' && Number.isFinite(value) ? value : 0;
  };
  return {
    jitterBufferDelay: number(found.inbound, 'jitterBufferDelay'),
    jitterBufferEmittedCount: number(found.inbound, 'jitterBufferEmittedCount'),
    playoutDelay: number(found.playout, 'totalPlayoutDelay'),
    playoutSamples: number(found.playout, 'totalSamplesCount'),
  };
}
