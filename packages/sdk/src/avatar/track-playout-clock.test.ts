/**
 * When a position on the voice track's RTP timeline is heard: from the receiver's last played-out frame.
 * (e2e/livekit-caption-timing.spec.ts measures it against the real thing in Chromium.)
 */
import { describe, expect, it } from 'vitest';
import { DECODED_AHEAD_MS, type PlayedOutSource, REREAD_AFTER_MS, STALLED_AFTER_MS, TrackPlayoutClock } from './track-playout-clock.js';

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
    expect(playing.msUntilHeard(480_000 + 48 * 100)).toBe(-5 + 100 + 20 + DECODED_AHEAD_MS);
    expect(playing.msUntilHeard(480_000 - 48 * 30)).toBe(-5 - 30 + 20 + DECODED_AHEAD_MS);
  });

  it('counts across the 32-bit wrap of RTP timestamps', () => {
    const playing = clock([{ rtpTimestamp: 0xffff_ff00, timestamp: NOW }]);
    expect(playing.msUntilHeard((0xffff_ff00 + 48 * 10) >>> 0)).toBe(10 + DECODED_AHEAD_MS);
  });

  it('reads the freshest source', () => {
    const playing = clock([
      { rtpTimestamp: 1000, timestamp: NOW - 300 },
      { rtpTimestamp: 9000, timestamp: NOW - 2 },
    ]);
    expect(playing.msUntilHeard(9000 + 480)).toBe(8 + DECODED_AHEAD_MS);
  });

  it("trusts the reading of the last few packets that places the sound latest: the packet's start early in its frame", () => {
    let sources: PlayedOutSource[] = [];
    let now = NOW;
    const playing = new TrackPlayoutClock(
      () => sources,
      () => 0,
      () => now,
    );
    // Three packets 20 ms apart; the middle one was read a frame (10 ms) after its start had begun to play.
    const readings = [
      { rtpTimestamp: 48 * 1000, timestamp: NOW - 45 },
      { rtpTimestamp: 48 * 1020, timestamp: NOW - 15 },
      { rtpTimestamp: 48 * 1040, timestamp: NOW - 5 },
    ];
    for (const reading of readings.slice(0, 2)) {
      sources = [reading];
      now = reading.timestamp + 2;
      playing.msUntilHeard(48 * 1100);
    }
    sources = [readings[2]];
    now = NOW;
    // By the last reading alone: 1100 − 1040 − 5 = 55 ms; by the middle one, 10 ms later.
    expect(playing.msUntilHeard(48 * 1100)).toBe(65 + DECODED_AHEAD_MS);
  });

  it('forgets readings older than its window: a shrinking jitter buffer is followed', () => {
    let sources: PlayedOutSource[] = [{ rtpTimestamp: 48 * 1000, timestamp: NOW - 110 }];
    let now = NOW - 100;
    const playing = new TrackPlayoutClock(
      () => sources,
      () => 0,
      () => now,
    );
    playing.msUntilHeard(48 * 1300);
    // 120 ms later on the track but only 100 ms later on the clock: the buffer dropped 20 ms meanwhile.
    sources = [{ rtpTimestamp: 48 * 1120, timestamp: NOW - 10 }];
    now = NOW;
    expect(playing.msUntilHeard(48 * 1300)).toBe(170 + DECODED_AHEAD_MS);
  });

  it('holds a position back while the receiver plays nothing new (a stall): it is heard that much later', () => {
    // A packet read 20 ms ago: playing as usual.
    expect(clock([{ rtpTimestamp: 48 * 1000, timestamp: NOW - 20 }]).msUntilHeard(48 * 1100)).toBe(80 + DECODED_AHEAD_MS);
    // None read for 130 ms: the receiver has been making sound up for 90 of them; the position waits for as long.
    const stalled = clock([{ rtpTimestamp: 48 * 1000, timestamp: NOW - 130 }]);
    expect(stalled.msUntilHeard(48 * 1100)).toBe(100 - STALLED_AFTER_MS + DECODED_AHEAD_MS);
    expect(stalled.msUntilHeard(48 * 1100)).toBeGreaterThan(100 - 130 + DECODED_AHEAD_MS); // not due 30 ms ago
  });

  it('counts a reading fresh when it was asked for as playing, however long the receiver took to answer', () => {
    // getSynchronizationSources() is synchronous: on a busy machine it held the page up to 350 ms.
    let now = NOW;
    const slow = new TrackPlayoutClock(
      () => {
        now += 190;
        return [{ rtpTimestamp: 48 * 1000, timestamp: NOW - 5 }];
      },
      () => 0,
      () => now,
    );
    // Heard at NOW + 95 (+ the decoder's frame): 85 ms ago by the time the answer came, not held back as a stall.
    expect(slow.msUntilHeard(48 * 1100)).toBe(95 + DECODED_AHEAD_MS - 190);
  });

  it('asks the receiver at most once per REREAD_AFTER_MS, however many clauses are waiting: each reading can block', () => {
    let now = NOW;
    let asked = 0;
    const shared = new TrackPlayoutClock(
      () => {
        asked++;
        return [{ rtpTimestamp: 48 * 1000, timestamp: now - 5 }];
      },
      () => 0,
      () => now,
    );
    for (const clause of [1100, 1200, 1300, 1400]) shared.msUntilHeard(48 * clause);
    expect(asked).toBe(1);
    now += REREAD_AFTER_MS - 1;
    expect(shared.msUntilHeard(48 * 1100)).toBe(95 + DECODED_AHEAD_MS - (REREAD_AFTER_MS - 1)); // the same reading, aged
    expect(asked).toBe(1);
    now += 1;
    shared.msUntilHeard(48 * 1100);
    expect(asked).toBe(2);
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
