import { describe, expect, it } from 'vitest';
import { RealTimePacer } from './real-time-pacer.js';

const RATE = 22050;
/** Bytes of `ms` of 16-bit mono audio at RATE. */
const audio = (ms: number) => Math.round((ms / 1000) * RATE) * 2;

/** A pacer on a clock the test moves; its sleeps move the clock and are counted. */
function pacedClock(leadMs: number) {
  let now = 1000;
  const sleeps: number[] = [];
  const pacer = new RealTimePacer({
    leadMs,
    sampleRate: RATE,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  });
  return { pacer, sleeps, advance: (ms: number) => (now += ms) };
}

describe('RealTimePacer', () => {
  it('lets a turn send its lead at once', async () => {
    const { pacer, sleeps } = pacedClock(10_000);
    for (let i = 0; i < 100; i++) {
      await pacer.ready(new AbortController().signal);
      pacer.sent(audio(100));
    }
    expect(sleeps).toEqual([]);
    expect(pacer.aheadByMs).toBe(0);
  });

  it('holds the rest to the time it takes to play', async () => {
    const { pacer, sleeps, advance } = pacedClock(2000);
    pacer.sent(audio(5000));
    expect(pacer.aheadByMs).toBeCloseTo(3000, 0);
    advance(1000);
    expect(pacer.aheadByMs).toBeCloseTo(2000, 0);
    await pacer.ready(new AbortController().signal);
    expect(sleeps.length).toBe(1);
    expect(sleeps[0]).toBeCloseTo(2000, 0);
    expect(pacer.aheadByMs).toBe(0);
    // 60 s of audio in 100 ms pieces: the clock moves by what was played, minus the lead.
    for (let i = 0; i < 600; i++) {
      await pacer.ready(new AbortController().signal);
      pacer.sent(audio(100));
    }
    const waited = sleeps.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThan(65_000 - 2000 - 1000 - 200);
    expect(waited).toBeLessThan(65_000 - 2000 - 1000 + 200);
  });

  it('stops waiting when the turn is aborted', async () => {
    const pacer = new RealTimePacer({ leadMs: 0, sampleRate: RATE });
    pacer.sent(audio(60_000));
    const controller = new AbortController();
    const waiting = pacer.ready(controller.signal);
    controller.abort();
    await waiting; // resolves now, not in a minute
    expect(pacer.aheadByMs).toBeGreaterThan(50_000);
  });
});
