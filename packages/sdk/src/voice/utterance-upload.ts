/**
 * The utterance being uploaded from the microphone: `audioStart`, then client audio frames of two 32 ms frames
 * each (20..100 ms keeps the upload smooth), then `audioEnd` (or `audioCancel`), docs/protocol.md.
 */
import { LIMITS, encodeClientAudioFrame } from '@dhkit/protocol';
import { toPcm16 } from './custom-audio.js';
import type { VoiceHost } from './voice-host.js';

const FRAMES_PER_UPLOAD = 2;

export class UtteranceUpload {
  private current: { chatId: string; seq: number; pending: Float32Array[]; samples: number } | null = null;

  constructor(
    private readonly host: VoiceHost,
    /** The utterance reached the server's length limit and was ended. */
    private readonly onLimit: () => void,
  ) {}

  get active(): boolean {
    return this.current !== null;
  }

  begin(frames: Float32Array[]): void {
    const chatId = this.host.newChatId();
    if (!this.host.sendMessage({ type: 'audioStart', chatId, sampleRate: LIMITS.utteranceSampleRate, encoding: 'pcm_s16le' })) return;
    this.current = { chatId, seq: 0, pending: [], samples: 0 };
    for (const frame of frames) this.add(frame);
  }

  add(frame: Float32Array): void {
    const utterance = this.current;
    if (!utterance) return;
    utterance.pending.push(frame);
    utterance.samples += frame.length;
    if (utterance.pending.length >= FRAMES_PER_UPLOAD) this.flush();
    // The server refuses utterances over 30 s: end it just before.
    if ((utterance.samples / LIMITS.utteranceSampleRate) * 1000 >= LIMITS.utteranceMaxMs - 500) {
      this.end();
      this.onLimit();
    }
  }

  /** Sends the rest and `audioEnd`; returns the utterance's chatId (null when none was running). */
  end(): string | null {
    const utterance = this.current;
    if (!utterance) return null;
    this.flush();
    this.current = null;
    this.host.sendMessage({ type: 'audioEnd', chatId: utterance.chatId });
    this.host.utteranceSent(utterance.chatId);
    return utterance.chatId;
  }

  cancel(): void {
    const utterance = this.current;
    if (!utterance) return;
    this.current = null;
    this.host.sendMessage({ type: 'audioCancel', chatId: utterance.chatId });
  }

  private flush(): void {
    const utterance = this.current;
    if (!utterance || utterance.pending.length === 0) return;
    const joined = new Float32Array(utterance.pending.reduce((n, f) => n + f.length, 0));
    let offset = 0;
    for (const frame of utterance.pending) {
      joined.set(frame, offset);
      offset += frame.length;
    }
    utterance.pending = [];
    this.host.sendBinary(encodeClientAudioFrame({ chatId: utterance.chatId, seq: utterance.seq++ }, toPcm16(joined)));
  }
}
