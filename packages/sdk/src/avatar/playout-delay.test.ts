/**
 * The playout delay comes from the audio receiver's cumulative WebRTC statistics: the jitter buffer delay per
 * sample played since the previous reading, the device's playout delay likewise, plus decoding.
 */
import { describe, expect, it } from 'vitest';
import { DECODE_MS, INITIAL_PLAYOUT_DELAY_MS, PlayoutDelayEstimator } from './playout-delay.js';

/** A stats report as Chromium gives it: a map of stats by id. */
function report(jitterBufferDelay: number, emitted: number, playoutDelay?: number, playoutSamples?: number): Map<string, unknown> {
  const stats = new Map<string, unknown>([
    ['IT01A', { type: 'inbound-rtp', kind: 'audio', jitterBufferDelay, jitterBufferEmittedCount: emitted }],
    ['IT01V', { type: 'inbound-rtp', kind: 'video', jitterBufferDelay: 999, jitterBufferEmittedCount: 1 }],
    ['T01', { type: 'transport' }],
  ]);
  if (playoutDelay !== undefined)
    stats.set('AP', { type: 'media-playout', kind: 'audio', totalPlayoutDelay: playoutDelay, totalSamplesCount: playoutSamples });
  return stats;
}

describe('PlayoutDelayEstimator', () => {
  it('starts from a typical figure until two readings exist', () => {
    const estimator = new PlayoutDelayEstimator();
    expect(estimator.delayMs).toBe(INITIAL_PLAYOUT_DELAY_MS);
    expect(estimator.update(report(10, 200_000, 6, 200_000))).toBe(INITIAL_PLAYOUT_DELAY_MS);
  });

  it('follows the jitter buffer over the last interval, not the average since the call began', () => {
    const estimator = new PlayoutDelayEstimator();
    estimator.update(report(0, 0, 0, 0));
    // 12 000 samples (250 ms at 48 kHz) that waited 40 ms each; the device adds 30 ms.
    expect(estimator.update(report(480, 12_000, 360, 12_000))).toBe(40 + 30 + DECODE_MS);
    // The buffer grows to 90 ms: the estimate follows at once, though the call's average is 65 ms.
    expect(estimator.update(report(480 + 1080, 24_000, 720, 24_000))).toBe(90 + 30 + DECODE_MS);
  });

  it('keeps the last figures while no audio is played, and without a device playout statistic', () => {
    const estimator = new PlayoutDelayEstimator();
    estimator.update(report(0, 0));
    const first = estimator.update(report(600, 12_000));
    expect(first).toBe(50 + 30 + DECODE_MS);
    expect(estimator.update(report(600, 12_000))).toBe(first);
  });

  it('ignores reports without an audio receiver, a restarted receiver and absurd figures', () => {
    const estimator = new PlayoutDelayEstimator();
    estimator.update(report(0, 0));
    estimator.update(report(480, 12_000));
    const before = estimator.delayMs;
    expect(estimator.update(new Map([['x', { type: 'transport' }]]))).toBe(before);
    expect(estimator.update(report(1, 100))).toBe(before); // a new track: counters started again
    expect(estimator.update(report(1 + 48_000, 12_100))).toBe(before); // 4 s a sample: a stall
    expect(estimator.update([{ type: 'inbound-rtp', kind: 'audio', jitterBufferDelay: 'x', jitterBufferEmittedCount: null }])).toBe(before);
  });
});
