import { describe, expect, it } from 'vitest';
import { FRAME_MS, VadSegmenter } from './vad-segmenter.js';

const frame = () => new Float32Array(512);
function feed(segmenter: VadSegmenter, probabilities: number[]) {
  return probabilities.flatMap((p) => segmenter.push(frame(), p).map((e) => e.type));
}
const ms = (n: number) => Math.ceil(n / FRAME_MS);

describe('VadSegmenter', () => {
  it('starts after sustained speech with the pre-speech frames, ends after the configured silence', () => {
    const segmenter = new VadSegmenter({ endSilenceMs: 600, minSpeechMs: 250, preSpeechPadMs: 300 });
    const silence = feed(segmenter, Array(20).fill(0.01));
    expect(silence).toEqual([]);
    // 8 frames of 32 ms = 256 ms ≥ 250 ms: the 8th starts the utterance.
    expect(feed(segmenter, Array(7).fill(0.9))).toEqual([]);
    expect(segmenter.push(frame(), 0.9)).toEqual([{ type: 'start', frames: expect.any(Array) }]);
    const ending = feed(segmenter, Array(ms(600) + 1).fill(0.05));
    expect(ending.filter((e) => e === 'end')).toHaveLength(1);
    // Each frame is passed on; the end comes with the frame that completes 600 ms of silence.
    expect(ending.indexOf('end')).toBe(ms(600));
  });

  it('ignores a click shorter than minSpeechMs (and the avatar leaking through echo cancellation)', () => {
    const segmenter = new VadSegmenter({ minSpeechMs: 250 });
    expect(feed(segmenter, [0.9, 0.9, 0.1, 0.9, 0.9, 0.1, 0.9])).toEqual([]);
  });

  it('cuts a visitor who never stops at maxSpeechMs', () => {
    const segmenter = new VadSegmenter({ maxSpeechMs: 3000 });
    const events = feed(segmenter, Array(ms(4000)).fill(0.9));
    expect(events.filter((e) => e === 'end').length).toBeGreaterThanOrEqual(1);
  });
});
