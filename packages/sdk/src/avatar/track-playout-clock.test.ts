/**
 * When a position on the voice track's RTP timeline is heard: from the receiver's last played-out frame.
 * (e2e/livekit.spec.ts measures it against the real thing in Chromium.)
 */
import { describe, expect, it } from 'vitest';
import { type PlayedOutSource, TrackPlayoutClock } from './track-playout-clock.js';

const NOW = 1_800_000_000_000;

function clock(sources: PlayedOutSource[], deviceMs = 0) {
  return new TrackPlayoutClock(
    () => sources,
    () => deviceMs,
    () => NOW,
  );
}

describe('TrackPlayoutClock', () => {
  it('places a later timestamp that much later at 48 kHz, plus the device delay', () => {
    const playing = clock([{ rtpTimestamp: 480_000, timestamp: NOW - 5 }], 20);
    expect(playing.msUntilHeard(480_000 + 48 * 100)).toBe(-5 + 100 + 20);
    expect(playing.msUntilHeard(480_000 - 48 * 30)).toBe(-5 - 30 + 20);
  });

  it('counts across the 32-bit wrap of RTP timestamps', () => {
    const playing = clock([{ rtpTimestamp: 0xffff_ff00, timestamp: NOW }]);
    expect(playing.msUntilHeard((0xffff_ff00 + 48 * 10) >>> 0)).toBe(10);
  });

  it('reads the freshest source', () => {
    const playing = clock([
      { rtpTimestamp: 1000, timestamp: NOW - 300 },
      { rtpTimestamp: 9000, timestamp: NOW - 2 },
    ]);
    expect(playing.msUntilHeard(9000 + 480)).toBe(8);
  });

  it('cannot tell with no voice yet, a stale reading (a paused receiver) or a position on no timeline it plays', () => {
    expect(clock([]).msUntilHeard(1000)).toBeUndefined();
    expect(clock([{ rtpTimestamp: 1000, timestamp: NOW - 2000 }]).msUntilHeard(1000)).toBeUndefined();
    const playing = clock([{ rtpTimestamp: 1_000_000, timestamp: NOW }]);
    expect(playing.msUntilHeard(1_000_000 - 48 * 60_000)).toBeUndefined(); // a minute behind what plays
    expect(playing.msUntilHeard(1_000_000 + 48 * 3_600_000)).toBeUndefined(); // an hour ahead
    expect(playing.msUntilHeard(Number.NaN)).toBeUndefined();
  });
});
