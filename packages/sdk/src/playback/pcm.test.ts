import { describe, expect, it } from 'vitest';
import { PcmReassembler, s16leToFloat32 } from './pcm.js';

function s16le(...samples: number[]): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  samples.forEach((sample, i) => view.setInt16(i * 2, sample, true));
  return bytes;
}

describe('s16leToFloat32', () => {
  it('maps the edge values into [-1, 1)', () => {
    const out = s16leToFloat32(s16le(0, 32767, -32768, 1, -1, 16384));
    expect(out[0]).toBe(0);
    expect(out[1]).toBeCloseTo(32767 / 32768, 10);
    expect(out[1]).toBeLessThan(1);
    expect(out[2]).toBe(-1);
    expect(out[3]).toBeCloseTo(1 / 32768, 10);
    expect(out[4]).toBeCloseTo(-1 / 32768, 10);
    expect(out[5]).toBe(0.5);
  });

  it('is little-endian', () => {
    expect(s16leToFloat32(new Uint8Array([0x00, 0x40]))[0]).toBe(0.5);
    expect(s16leToFloat32(new Uint8Array([0x40, 0x00]))[0]).toBeCloseTo(64 / 32768, 10);
  });

  it('reads from an odd byte offset (payload after a header)', () => {
    const frame = new Uint8Array(7);
    frame.set(s16le(-32768, 32767, 8192), 1);
    const out = s16leToFloat32(frame.subarray(1));
    expect(Array.from(out)).toEqual([-1, 32767 / 32768, 0.25]);
  });

  it('ignores a trailing odd byte and handles empty input', () => {
    expect(s16leToFloat32(new Uint8Array([0x00, 0x40, 0x7f])).length).toBe(1);
    expect(s16leToFloat32(new Uint8Array(0)).length).toBe(0);
  });
});

describe('PcmReassembler', () => {
  it('keeps a sample split across chunks', () => {
    const bytes = s16le(1000, -2000, 3000);
    const reassembler = new PcmReassembler();
    const a = reassembler.push(bytes.subarray(0, 3));
    const b = reassembler.push(bytes.subarray(3));
    expect([...a, ...b].map((x) => Math.round(x * 32768))).toEqual([1000, -2000, 3000]);
  });
});
