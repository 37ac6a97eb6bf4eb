/**
 * Captions and speaking events of a streamed avatar follow the renderer's speech reports, each taking effect
 * when its sound reaches the visitor: the report's own lead (`inMs`) plus the receiver's playout delay.
 * (In Chromium, against the reference renderer and real WebRTC, e2e/livekit.spec.ts measures the result.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RendererSpeechEvent } from '@dhkit/protocol';
import { CAPTION_LEAD_MS, SPEAKING_GRACE_MS, SpeechSchedule } from './speech-schedule.js';

function harness(playoutMs = 80) {
  const log: string[] = [];
  const interrupted = new Set<string>();
  let delay = playoutMs;
  const schedule = new SpeechSchedule(
    {
      clause: (text) => log.push(`${Date.now()} clause ${text}`),
      speakingStart: (chatId) => log.push(`${Date.now()} start ${chatId}`),
      speakingStop: (chatId) => log.push(`${Date.now()} stop ${chatId}`),
      isInterrupted: (chatId) => interrupted.has(chatId),
    },
    // Reports aim CAPTION_LEAD_MS before the sound; the figures below are what takes effect.
    () => delay + CAPTION_LEAD_MS,
  );
  const start = (chatId: string, clauseId: number, text: string, inMs?: number): RendererSpeechEvent => ({
    type: 'speechStart',
    chatId,
    clauseId,
    text,
    inMs,
  });
  const end = (
    chatId: string,
    clauseId: number,
    inMs?: number,
    reason: 'completed' | 'interrupted' = 'completed',
  ): RendererSpeechEvent => ({
    type: 'speechEnd',
    chatId,
    clauseId,
    reason,
    inMs,
  });
  return { log, schedule, interrupted, start, end, setDelay: (ms: number) => (delay = ms) };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(0);
});
afterEach(() => vi.useRealTimers());

describe('SpeechSchedule', () => {
  it('shows each clause when its sound is heard: the lead plus the playout delay', () => {
    const { log, schedule, start, end } = harness(80);
    // The renderer announces both clauses at once, well ahead; the second starts 700 ms after the first.
    schedule.report(start('c1', 0, 'One.', 40));
    schedule.report(end('c1', 0, 740));
    schedule.report(start('c1', 1, 'Two.', 740));
    schedule.report(end('c1', 1, 1440));
    schedule.turnEnded('c1');
    vi.advanceTimersByTime(5000);
    expect(log).toEqual(['120 start c1', '120 clause One.', '820 clause Two.', `${1520 + SPEAKING_GRACE_MS} stop c1`]);
  });

  it('takes the playout delay as it is when the sound leaves the renderer, not when the report came', () => {
    const { log, schedule, start, setDelay } = harness(80);
    schedule.report(start('c1', 0, 'Later.', 1000));
    vi.advanceTimersByTime(500);
    setDelay(150); // the jitter buffer grew meanwhile
    vi.advanceTimersByTime(2000);
    expect(log).toEqual(['1150 start c1', '1150 clause Later.']);
  });

  it('aims a little before the sound: the middle of the +15/−45 ms window', () => {
    const schedule = new SpeechSchedule(
      { clause: () => log.push(Date.now()), speakingStart() {}, speakingStop() {}, isInterrupted: () => false },
      () => 100,
    );
    const log: number[] = [];
    schedule.report({ type: 'speechStart', chatId: 'c', clauseId: 0, text: 'x', inMs: 40 });
    vi.advanceTimersByTime(1000);
    expect(log).toEqual([140 - CAPTION_LEAD_MS]);
  });

  it('waits for a clause announced minutes ahead (a long answer is synthesized faster than it is spoken)', () => {
    const { log, schedule, start } = harness(50);
    schedule.report(start('c', 9, 'Much later.', 5 * 60_000));
    vi.advanceTimersByTime(5 * 60_000 + 49);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log).toEqual([`${5 * 60_000 + 50} start c`, `${5 * 60_000 + 50} clause Much later.`]);
  });

  it('treats a missing, negative, absurd or malformed lead as "now"', () => {
    const { log, schedule, start } = harness(50);
    schedule.report(start('a', 0, 'A'));
    schedule.report(start('b', 0, 'B', -300));
    schedule.report(start('c', 0, 'C', 24 * 3600_000));
    schedule.report(start('d', 0, 'D', Number.NaN));
    schedule.report({ ...start('e', 0, 'E'), inMs: '200' as unknown as number });
    vi.advanceTimersByTime(49);
    expect(log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(log.filter((line) => line.includes('clause'))).toEqual([
      '50 clause A',
      '50 clause B',
      '50 clause C',
      '50 clause D',
      '50 clause E',
    ]);
  });

  it('keeps speaking across clauses until the server has ended the turn', () => {
    const { log, schedule, start, end } = harness(0);
    schedule.report(start('c1', 0, 'One.', 0));
    schedule.report(end('c1', 0, 100));
    vi.advanceTimersByTime(1000);
    // The clause is over, but the turn is not (the next clause's speech is still being made).
    expect(log.some((line) => line.includes('stop'))).toBe(false);
    schedule.report(start('c1', 1, 'Two.', 0));
    schedule.report(end('c1', 1, 100));
    schedule.turnEnded('c1');
    vi.advanceTimersByTime(1000);
    expect(log.map((line) => line.replace(/^\d+ /, ''))).toEqual(['start c1', 'clause One.', 'clause Two.', 'stop c1']);
  });

  it('does not stop between two clauses whose end and start fall on the same moment', () => {
    const { log, schedule, start, end } = harness(30);
    schedule.turnEnded('c1'); // the server ran ahead: its turnEnd came before any clause was heard
    schedule.report(start('c1', 0, 'One.', 0));
    schedule.report(end('c1', 0, 500));
    schedule.report(start('c1', 1, 'Two.', 500));
    schedule.report(end('c1', 1, 900));
    vi.advanceTimersByTime(5000);
    expect(log).toEqual(['30 start c1', '30 clause One.', '530 clause Two.', `${930 + SPEAKING_GRACE_MS} stop c1`]);
  });

  it("a renderer's interrupt cancels what was announced for later and stops with the sound", () => {
    const { log, schedule, start, end } = harness(80);
    schedule.report(start('c1', 0, 'One.', 0));
    schedule.report(end('c1', 0, 600));
    schedule.report(start('c1', 1, 'Two.', 600));
    vi.advanceTimersByTime(300);
    schedule.report(end('c1', 0, 0, 'interrupted'));
    schedule.report(end('c1', 1, 0, 'interrupted'));
    vi.advanceTimersByTime(5000);
    expect(log).toEqual(['80 start c1', '80 clause One.', `${380 + SPEAKING_GRACE_MS} stop c1`]);
  });

  it("the visitor's interrupt stops at once and drops everything scheduled and everything late", () => {
    const { log, schedule, start, end, interrupted } = harness(80);
    schedule.report(start('c1', 0, 'One.', 0));
    schedule.report(end('c1', 0, 600));
    schedule.report(start('c1', 1, 'Two.', 600));
    vi.advanceTimersByTime(100);
    interrupted.add('c1');
    schedule.interrupt();
    schedule.report(start('c1', 2, 'Three.', 0)); // a report already on its way
    vi.advanceTimersByTime(5000);
    expect(log).toEqual(['80 start c1', '80 clause One.', '100 stop c1']);
  });
});

describe('SpeechSchedule by the track timeline', () => {
  // A receiver playing RTP timestamp 1000 at t = 0, one sample per 1/48 ms since: what it says at any moment.
  const RATE = 48;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    vi.setSystemTime(0);
  });

  function timeline(options: { stallAfterMs?: number; shiftMs?: () => number } = {}) {
    const log: string[] = [];
    const schedule = new SpeechSchedule(
      {
        clause: (text) => log.push(`${Date.now()} clause ${text}`),
        speakingStart: (chatId) => log.push(`${Date.now()} start ${chatId}`),
        speakingStop: (chatId) => log.push(`${Date.now()} stop ${chatId}`),
        isInterrupted: () => false,
      },
      () => 80, // the fallback's estimate: off by tens of ms, as under load
      (rtp) => {
        if (options.stallAfterMs !== undefined && Date.now() > options.stallAfterMs) return undefined;
        return (rtp - 1000) / RATE + (options.shiftMs?.() ?? 0) - Date.now();
      },
    );
    return { log, schedule };
  }

  it("shows each clause when the receiver plays its first sample out, whatever the report's inMs says", () => {
    const { log, schedule } = timeline();
    // inMs and the estimate say 40 + 80 = 120 ms; the receiver says 150 ms (1000 + 150·48).
    schedule.report({ type: 'speechStart', chatId: 'c', clauseId: 0, text: 'One.', inMs: 40, rtpTimestamp: 1000 + 150 * RATE });
    schedule.report({ type: 'speechStart', chatId: 'c', clauseId: 1, text: 'Two.', inMs: 740, rtpTimestamp: 1000 + 850 * RATE });
    vi.advanceTimersByTime(2000);
    expect(log).toEqual([
      `${150 - CAPTION_LEAD_MS} start c`,
      `${150 - CAPTION_LEAD_MS} clause One.`,
      `${850 - CAPTION_LEAD_MS} clause Two.`,
    ]);
    expect(schedule.timedBy).toEqual({ track: 2, fallback: 0 });
  });

  it('records how far ahead of its sound each start report came, and a late one as negative', () => {
    const { log, schedule } = timeline();
    vi.advanceTimersByTime(200);
    // Heard at 150 ms and 900 ms on the receiver's clock: the first report comes 50 ms after its sound.
    schedule.report({ type: 'speechStart', chatId: 'c', clauseId: 0, text: 'One.', inMs: 40, rtpTimestamp: 1000 + 150 * RATE });
    schedule.report({ type: 'speechStart', chatId: 'c', clauseId: 1, text: 'Two.', inMs: 700, rtpTimestamp: 1000 + 900 * RATE });
    vi.advanceTimersByTime(1000);
    expect(schedule.startLeadsMs).toEqual([-50, 700]);
    expect(log).toEqual(['200 start c', '200 clause One.', `${900 - CAPTION_LEAD_MS} clause Two.`]);
  });

  it('shows a clause whose moment has passed at once, in the same task: a late report', () => {
    const { log, schedule } = timeline();
    vi.advanceTimersByTime(200);
    schedule.report({ type: 'speechStart', chatId: 'c', clauseId: 0, text: 'One.', inMs: 40, rtpTimestamp: 1000 + 150 * RATE });
    expect(log).toEqual(['200 start c', '200 clause One.']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shows a clause as soon as a timer finds its moment passed, not one task later (on a starved page, tens of ms)', () => {
    let shift = 0;
    const { log, schedule } = timeline({ shiftMs: () => shift });
    schedule.report({ type: 'speechStart', chatId: 'c', clauseId: 0, text: 'One.', inMs: 400, rtpTimestamp: 1000 + 400 * RATE });
    // By the next reading (195 ms, half the wait) the position turns out to have been heard at 100 ms already.
    shift = -300;
    vi.advanceTimersToNextTimer();
    expect(log).toEqual(['195 start c', '195 clause One.']);
    expect(schedule.timedBy).toEqual({ track: 1, fallback: 0 });
  });

  it('follows the jitter buffer while a clause is far off', () => {
    let shift = 0;
    const { log, schedule } = timeline({ shiftMs: () => shift });
    schedule.report({ type: 'speechStart', chatId: 'c', clauseId: 0, text: 'Later.', inMs: 900, rtpTimestamp: 1000 + 1000 * RATE });
    vi.advanceTimersByTime(500);
    shift = 60; // the buffer grew: everything is heard 60 ms later than it looked
    vi.advanceTimersByTime(2000);
    expect(log).toEqual([`${1060 - CAPTION_LEAD_MS} start c`, `${1060 - CAPTION_LEAD_MS} clause Later.`]);
  });

  it('goes on from its last reading when the receiver falls silent', () => {
    const { log, schedule } = timeline({ stallAfterMs: 300 });
    schedule.report({ type: 'speechStart', chatId: 'c', clauseId: 0, text: 'x', inMs: 900, rtpTimestamp: 1000 + 1000 * RATE });
    vi.advanceTimersByTime(2000);
    expect(log).toEqual([`${1000 - CAPTION_LEAD_MS} start c`, `${1000 - CAPTION_LEAD_MS} clause x`]);
  });

  it("falls back to inMs and the estimate without a position, or where the timeline disagrees (an SFU's own timestamps)", () => {
    const { log, schedule } = timeline();
    schedule.report({ type: 'speechStart', chatId: 'a', clauseId: 0, text: 'A', inMs: 40 });
    schedule.report({ type: 'speechStart', chatId: 'b', clauseId: 0, text: 'B', inMs: 40, rtpTimestamp: 1000 + 3_600_000 * RATE });
    vi.advanceTimersByTime(1000);
    expect(log.filter((line) => line.includes('clause'))).toEqual([
      `${120 - CAPTION_LEAD_MS} clause A`,
      `${120 - CAPTION_LEAD_MS} clause B`,
    ]);
    expect(schedule.timedBy).toEqual({ track: 0, fallback: 2 });
  });

  it('an interrupt drops a clause waiting for its position', () => {
    const { log, schedule } = timeline();
    schedule.report({ type: 'speechStart', chatId: 'c', clauseId: 0, text: 'One.', inMs: 40, rtpTimestamp: 1000 + 150 * RATE });
    schedule.report({ type: 'speechStart', chatId: 'c', clauseId: 1, text: 'Two.', inMs: 740, rtpTimestamp: 1000 + 850 * RATE });
    vi.advanceTimersByTime(400);
    schedule.report({ type: 'speechEnd', chatId: 'c', clauseId: 1, reason: 'interrupted' });
    vi.advanceTimersByTime(2000);
    expect(log.filter((line) => line.includes('clause'))).toEqual([`${150 - CAPTION_LEAD_MS} clause One.`]);
  });
});

describe('SpeechSchedule between clauses', () => {
  it('keeps speaking while an announced clause is still to start, even if its timer falls after the end and grace', () => {
    const log: string[] = [];
    let heardIn: (rtp: number) => number | undefined = (rtp) => rtp - Date.now();
    const schedule = new SpeechSchedule(
      {
        clause: (text) => log.push(`${Date.now()} clause ${text}`),
        speakingStart: (chatId) => log.push(`${Date.now()} start ${chatId}`),
        speakingStop: (chatId) => log.push(`${Date.now()} stop ${chatId}`),
        isInterrupted: () => false,
      },
      () => 0,
      (rtp) => heardIn(rtp),
    );
    schedule.turnEnded('c'); // the server is done long before the voice
    schedule.report({ type: 'speechStart', chatId: 'c', clauseId: 0, text: 'One.', rtpTimestamp: 100 });
    schedule.report({ type: 'speechEnd', chatId: 'c', clauseId: 0, reason: 'completed', rtpTimestamp: 500 });
    // The next clause starts where the first ends, but its readings come out 150 ms later (a busy page).
    schedule.report({ type: 'speechStart', chatId: 'c', clauseId: 1, text: 'Two.', rtpTimestamp: 650 });
    schedule.report({ type: 'speechEnd', chatId: 'c', clauseId: 1, reason: 'completed', rtpTimestamp: 900 });
    heardIn = (rtp) => rtp - Date.now();
    vi.advanceTimersByTime(3000);
    expect(log.filter((line) => !line.includes('clause')).map((line) => line.replace(/^\d+ /, ''))).toEqual(['start c', 'stop c']);
    expect(log.filter((line) => line.includes('clause')).map((line) => line.replace(/^\d+ /, ''))).toEqual(['clause One.', 'clause Two.']);
  });
});
