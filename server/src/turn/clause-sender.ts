/**
 * The sending side of a turn: one clause at a time, its `speech` message and then its audio frames, as
 * synthesis delivers them. The clause's last frame carries the end flag (one chunk is held back for it, but
 * sending never waits for that). A synthesis failure is reported once per turn; later clauses still try.
 */
import { encodeAudioFrame, type ErrorCode, type ServerMessage } from '@dhkit/protocol';
import type { Clause } from './clause.js';
import { RealTimePacer } from './real-time-pacer.js';

export interface ClauseSenderOptions {
  chatId: string;
  sampleRate: number;
  signal: AbortSignal;
  /** The turn has ended (interrupted): nothing more may be sent. */
  isEnded(): boolean;
  send(message: ServerMessage): void;
  sendBinary(frame: Uint8Array): void;
  /** Resolves when the client can take more audio (its socket is not backed up). */
  ready(signal: AbortSignal): Promise<void>;
  /** How far ahead of playback the turn's audio may go out, in ms (real-time-pacer.ts). */
  audioLeadMs: number;
  sendError(code: ErrorCode): void;
  onError(error: unknown): void;
  /** Called once, when the turn's first audio frame goes out. */
  onFirstFrame(): void;
}

export class ClauseSender {
  private synthesisFailed = false;
  private firstFrameSent = false;
  private readonly pacer: RealTimePacer;

  constructor(private readonly options: ClauseSenderOptions) {
    this.pacer = new RealTimePacer({ leadMs: options.audioLeadMs, sampleRate: options.sampleRate });
  }

  /** Sends the clause's speech and audio; returns when its last frame is out (or the turn was aborted). */
  async sendAudio(clause: Clause): Promise<void> {
    const audio = clause.audio;
    if (!audio) return;
    const { signal } = this.options;
    let held: Uint8Array | null = null;
    let seq = 0;
    let speechSent = false;
    const sendFrame = (pcm: Uint8Array, last: boolean) => this.sendFrame(clause, seq++, pcm, last);
    try {
      for (;;) {
        // Hold one chunk back so the clause's last chunk can carry the flag, but never wait for that.
        if (held && !audio.hasBuffered()) {
          sendFrame(held, false);
          held = null;
        }
        await this.options.ready(signal);
        await this.pacer.ready(signal);
        const next = await audio.next();
        if (signal.aborted) return;
        if (next === null) break;
        if (!speechSent) {
          this.sendSpeech(clause);
          speechSent = true;
        }
        if (held) sendFrame(held, false);
        held = next;
      }
      if (speechSent) sendFrame(held ?? new Uint8Array(0), true);
    } catch (error) {
      if (signal.aborted) return;
      if (speechSent) sendFrame(held ?? new Uint8Array(0), true);
      if (!this.synthesisFailed) {
        this.synthesisFailed = true;
        this.options.onError(error);
        this.options.sendError('SPEECH_SYNTHESIS_FAILED');
      }
    }
  }

  private sendSpeech(clause: Clause): void {
    this.options.send({
      type: 'speech',
      chatId: this.options.chatId,
      clauseId: clause.id,
      text: clause.speakable,
      sampleRate: this.options.sampleRate,
      encoding: 'pcm_s16le',
      ...(clause.filler ? { filler: true as const } : {}),
      ...(clause.visemes.length ? { visemes: [...clause.visemes].sort((a, b) => a.t - b.t) } : {}),
    });
  }

  private sendFrame(clause: Clause, seq: number, pcm: Uint8Array, last: boolean): void {
    if (this.options.isEnded()) return;
    this.options.sendBinary(encodeAudioFrame({ chatId: this.options.chatId, clauseId: clause.id, seq }, last, pcm));
    this.pacer.sent(pcm.length);
    if (!this.firstFrameSent) {
      this.firstFrameSent = true;
      this.options.onFirstFrame();
    }
  }
}
