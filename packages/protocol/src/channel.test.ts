import { describe, expect, it } from 'vitest';
import { decodeAudioFrame, decodeClientAudioFrame, encodeAudioFrame, encodeClientAudioFrame } from './audio-frames.js';
import { isValidChatId } from './channel.js';

describe('audio frames', () => {
  it('round-trips header, flag and payload', () => {
    const pcm = new Uint8Array([1, 2, 3, 4, 255, 0]);
    const frame = encodeAudioFrame({ chatId: 'chat_12345', clauseId: 3, seq: 7 }, true, pcm);
    const decoded = decodeAudioFrame(frame);
    expect(decoded?.header).toEqual({ chatId: 'chat_12345', clauseId: 3, seq: 7 });
    expect(decoded?.last).toBe(true);
    expect([...decoded!.pcm]).toEqual([...pcm]);
    expect(decodeAudioFrame(encodeAudioFrame({ chatId: 'abcdefgh', clauseId: 0, seq: 0 }, false, pcm))?.last).toBe(false);
  });

  it('rejects frames that are not audio or are cut short', () => {
    const frame = encodeAudioFrame({ chatId: 'chat_12345', clauseId: 0, seq: 0 }, false, new Uint8Array(4));
    expect(decodeAudioFrame(frame.subarray(0, 10))).toBeNull();
    expect(decodeAudioFrame(new Uint8Array([2, 0, 0, 0]))).toBeNull();
    expect(decodeAudioFrame(new Uint8Array([1, 0]))).toBeNull();
    const badJson = new Uint8Array([1, 0, 0, 3, 0x7b, 0x7b, 0x7b]);
    expect(decodeAudioFrame(badJson)).toBeNull();
  });

  it("round-trips the visitor's audio (kind 2), and neither decoder takes the other's frames", () => {
    const pcm = new Uint8Array([9, 8, 7, 6]);
    const frame = encodeClientAudioFrame({ chatId: 'chat_12345', seq: 4 }, pcm);
    const decoded = decodeClientAudioFrame(frame);
    expect(decoded?.header).toEqual({ chatId: 'chat_12345', seq: 4 });
    expect([...decoded!.pcm]).toEqual([...pcm]);
    expect(decodeAudioFrame(frame)).toBeNull();
    expect(decodeClientAudioFrame(encodeAudioFrame({ chatId: 'chat_12345', clauseId: 0, seq: 0 }, false, pcm))).toBeNull();
    expect(decodeClientAudioFrame(frame.subarray(0, 10))).toBeNull();
    expect(decodeClientAudioFrame(new Uint8Array([2, 0, 0, 4, 0x6e, 0x75, 0x6c, 0x6c]))).toBeNull(); // header `null`
  });

  it('accepts only well-formed chat ids', () => {
    expect(isValidChatId('a1B2_c3-d4')).toBe(true);
    expect(isValidChatId('short')).toBe(false);
    expect(isValidChatId('has space in it')).toBe(false);
    expect(isValidChatId('x'.repeat(65))).toBe(false);
    expect(isValidChatId(12345678)).toBe(false);
  });
});
