/**
 * Voice input of one session: collects an utterance (`audioStart`, client audio frames, `audioEnd`), has it
 * recognized, tells the client what was understood (`speechRecognized`) and hands the text on as a question.
 * One utterance at a time; a new one drops an unfinished one and cancels a recognition still running.
 */
import {
  LIMITS,
  decodeClientAudioFrame,
  type AudioStartMessage,
  type ErrorCode,
  type LanguageCode,
  type ServerMessage,
} from '@dhkit/protocol';
import type { SpeechRecognizer } from '../adapters/asr/asr.js';

/** 30 s of 16 kHz mono s16le. */
export const MAX_UTTERANCE_BYTES = (LIMITS.utteranceMaxMs / 1000) * LIMITS.utteranceSampleRate * 2;

export interface VoiceInputHost {
  readonly language: LanguageCode;
  /** Null when the robot has no speech recognition. */
  readonly recognizer: SpeechRecognizer | null;
  send(message: ServerMessage): void;
  sendError(code: ErrorCode, message?: string, chatId?: string): void;
  /** Answers the recognized text like a typed question. */
  ask(chatId: string, text: string): void;
  /** Something happened: the session is not idle. */
  touch(): void;
  warn(error: unknown, chatId: string): void;
}

interface OpenUtterance {
  chatId: string;
  sampleRate: number;
  chunks: Uint8Array[];
  bytes: number;
}

export class VoiceInput {
  private utterance: OpenUtterance | null = null;
  private recognition: { chatId: string; controller: AbortController } | null = null;
  private closed = false;

  constructor(private readonly host: VoiceInputHost) {}

  start(message: AudioStartMessage): void {
    this.drop();
    this.cancelRecognition();
    if (!this.host.recognizer) return this.host.sendError('VOICE_INPUT_NOT_CONFIGURED', undefined, message.chatId);
    if (message.sampleRate !== LIMITS.utteranceSampleRate) {
      return this.host.sendError('INVALID_REQUEST', `audioStart needs sampleRate ${LIMITS.utteranceSampleRate}.`, message.chatId);
    }
    this.host.touch();
    this.utterance = { chatId: message.chatId, sampleRate: message.sampleRate, chunks: [], bytes: 0 };
  }

  /** A binary frame from the client. Frames of a dropped or finished utterance are ignored (they race with it). */
  audio(frame: Uint8Array): void {
    if (frame.length > LIMITS.channelMaxFrameBytes) {
      return this.host.sendError('INVALID_REQUEST', `Frames are limited to ${LIMITS.channelMaxFrameBytes} bytes.`);
    }
    const decoded = decodeClientAudioFrame(frame);
    if (!decoded) return this.host.sendError('INVALID_REQUEST', 'Unknown or malformed binary frame.');
    const utterance = this.utterance;
    if (!utterance || decoded.header.chatId !== utterance.chatId) return;
    if (decoded.pcm.length % 2 !== 0) {
      this.drop();
      return this.host.sendError('INVALID_REQUEST', 'Client audio must hold whole 16-bit samples.', utterance.chatId);
    }
    if (utterance.bytes + decoded.pcm.length > MAX_UTTERANCE_BYTES) {
      this.drop();
      return this.host.sendError(
        'INVALID_REQUEST',
        `An utterance is limited to ${LIMITS.utteranceMaxMs / 1000} s; this one was dropped.`,
        utterance.chatId,
      );
    }
    // Copy: ws may reuse the frame's buffer.
    utterance.chunks.push(decoded.pcm.slice());
    utterance.bytes += decoded.pcm.length;
  }

  end(chatId: string): void {
    const utterance = this.utterance;
    if (!utterance || utterance.chatId !== chatId) return;
    this.utterance = null;
    this.host.touch();
    const recognizer = this.host.recognizer;
    if (!recognizer || utterance.bytes === 0) {
      this.host.send({ type: 'speechRecognized', chatId, text: '', isLast: true });
      return;
    }
    const pcm = new Uint8Array(utterance.bytes);
    let offset = 0;
    for (const chunk of utterance.chunks) {
      pcm.set(chunk, offset);
      offset += chunk.length;
    }
    const controller = new AbortController();
    const recognition = { chatId, controller };
    this.recognition = recognition;
    recognizer
      .recognize({ pcm, sampleRate: utterance.sampleRate, language: this.host.language }, controller.signal)
      .then(
        (text) => {
          if (controller.signal.aborted || this.closed) return;
          this.host.send({ type: 'speechRecognized', chatId, text, isLast: true });
          if (text !== '') this.host.ask(chatId, text);
        },
        (error) => {
          if (controller.signal.aborted || this.closed) return;
          this.host.warn(error, chatId);
          this.host.sendError('SPEECH_RECOGNITION_FAILED', undefined, chatId);
        },
      )
      .finally(() => {
        if (this.recognition === recognition) this.recognition = null;
      });
  }

  cancel(chatId: string): void {
    if (this.utterance?.chatId === chatId) this.drop();
    if (this.recognition?.chatId === chatId) this.cancelRecognition();
  }

  /** The session ended: nothing more is recognized or answered. */
  close(): void {
    this.closed = true;
    this.drop();
    this.cancelRecognition();
  }

  private drop(): void {
    this.utterance = null;
  }

  private cancelRecognition(): void {
    this.recognition?.controller.abort();
    this.recognition = null;
  }
}
