/**
 * The barge-in guard of hands-free voice: speech while the avatar talks interrupts it only after the VAD has
 * heard `minSpeechMs` (250 ms) of sustained speech, and never when barge-in is off. The avatar's own voice is
 * kept out of the microphone by the browser's echo cancellation; what leaks through is short and broken, which
 * this guard ignores. (The Silero model itself is exercised in Chromium by e2e/voice.spec.ts; here its
 * probabilities are given, to test the decision logic frame by frame.)
 */
import { describe, expect, it } from 'vitest';
import type { ClientMessage } from '@dhkit/protocol';
import { VadSegmenter } from './vad-segmenter.js';
import { VoiceInput, type VoiceHost } from './voice-input.js';

function harness(bargeIn: boolean) {
  const sent: ClientMessage[] = [];
  let interrupts = 0;
  let avatarSpeaking = true;
  const host: VoiceHost = {
    sdkBase: 'http://127.0.0.1/sdk',
    sendMessage: (message) => (sent.push(message), true),
    sendBinary: () => true,
    newChatId: () => `c${sent.length}`,
    isAvatarSpeaking: () => avatarSpeaking,
    bargeInEnabled: () => bargeIn,
    interrupt: () => {
      interrupts++;
      avatarSpeaking = false;
    },
    utteranceSent: () => undefined,
    language: () => 'en_US',
    log: { debug() {}, info() {}, warn() {}, error() {} } as unknown as VoiceHost['log'],
  };
  const input = new VoiceInput(host);
  const probabilities: number[] = [];
  // The hands-free state without a microphone: the frames below stand in for the capture worklet's.
  Object.assign(input as unknown as Record<string, unknown>, {
    mode: 'handsFree',
    segmenter: new VadSegmenter({ minSpeechMs: 250 }),
    vad: {
      probability: async (frame: Float32Array) => ({ probability: probabilities.shift() ?? 0, ms: 0.5, frame }),
      reset() {},
      release: async () => undefined,
    },
  });
  const feed = async (values: number[]) => {
    for (const value of values) {
      probabilities.push(value);
      (input as unknown as { onFrame(frame: Float32Array): void }).onFrame(new Float32Array(512));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  };
  return { input, sent, feed, interrupts: () => interrupts, speaking: (on: boolean) => (avatarSpeaking = on) };
}

describe('barge-in guard', () => {
  it('ignores short, broken speech (echo leaking past cancellation, a cough) while the avatar talks', async () => {
    const h = harness(true);
    // Bursts of 4 frames (128 ms) with gaps: never 250 ms in a row.
    await h.feed([0.9, 0.9, 0.9, 0.9, 0.1, 0.9, 0.9, 0.9, 0.9, 0.2, 0.9, 0.9, 0.9, 0.1, 0.05]);
    expect(h.interrupts()).toBe(0);
    expect(h.sent).toEqual([]);
    expect(h.input.diagnostics.bargeIns).toEqual([]);
  });

  it('interrupts once after 250 ms of sustained speech, then sends the utterance', async () => {
    const h = harness(true);
    await h.feed([0.1, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]); // 7 frames = 224 ms
    expect(h.interrupts()).toBe(0);
    await h.feed([0.9]); // the 8th: 256 ms
    expect(h.interrupts()).toBe(1);
    expect(h.sent.map((m) => m.type)).toEqual(['audioStart']);
    const [bargeIn] = h.input.diagnostics.bargeIns;
    expect(bargeIn.stoppedAt - bargeIn.speechStartAt).toBeLessThan(100);
    await h.feed(Array(30).fill(0.9));
    expect(h.interrupts()).toBe(1);
  });

  it('with barge-in off, speech over the avatar is ignored', async () => {
    const h = harness(false);
    await h.feed(Array(20).fill(0.9));
    expect(h.interrupts()).toBe(0);
    expect(h.sent).toEqual([]);
    // Once the avatar is quiet, the same speech is an utterance.
    h.speaking(false);
    await h.feed(Array(10).fill(0.05).concat(Array(10).fill(0.9)));
    expect(h.sent.map((m) => m.type)).toEqual(['audioStart']);
  });
});
