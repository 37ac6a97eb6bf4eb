/**
 * Voice input of one digital human: push-to-talk, hands-free (VAD) and injected audio, sent up the channel
 * as utterances (`audioStart` → client audio frames → `audioEnd`, docs/protocol.md). The heavy part — the
 * capture worklet, onnxruntime-web and the Silero model — is the lazy voice chunk, loaded only when voice is
 * first used; its model and wasm files always come from the server's `/sdk/voice/`.
 */
import { LIMITS, encodeClientAudioFrame, type ClientMessage, type LanguageCode } from '@dhkit/protocol';
import { loadVoiceChunk } from '../chunks/lazy-chunks.js';
import { DHKitError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Microphone, SegmenterOptions, SileroVad, VadSegmenter, WakeWordDetector, WakeWordName } from './engine.js';

type Engine = typeof import('./engine.js');

export interface VoiceHost {
  /** The server's `/sdk` URL (no trailing slash). */
  sdkBase: string;
  sendMessage(message: ClientMessage): boolean;
  sendBinary(frame: Uint8Array): boolean;
  newChatId(): string;
  /** The avatar is speaking now (barge-in applies). */
  isAvatarSpeaking(): boolean;
  /** Voice interrupts the avatar (barge-in), when `enableVadInterrupt` is on. */
  bargeInEnabled(): boolean;
  /** Stops the avatar at once (local playback and the server turn). */
  interrupt(): void;
  /** An utterance was sent; the answer will carry its chatId. */
  utteranceSent(chatId: string): void;
  language(): LanguageCode | undefined;
  log: Logger;
}

/** What the wake-word listener needs while the avatar sleeps. */
export interface WakeWordOptions {
  word: string;
  threshold: number;
  onWake(): void;
}

export interface HandsFreeOptions {
  /** Silence that ends an utterance, 200..2000 ms (default 600). */
  endSilenceMs?: number;
}

/** Frames of 20..100 ms keep the upload smooth; 32 ms frames are batched in pairs. */
const FRAMES_PER_UPLOAD = 2;
/** How many entries each diagnostics list keeps (the oldest go first). */
const DIAGNOSTICS_KEEP = 2048;

/**
 * Timings of the voice pipeline, for `npm run bench:voice` and the browser tests (not a public API; every
 * list is bounded). Times are `performance.now()` of the page.
 */
export interface VoiceDiagnostics {
  /** Time of each Silero `session.run`, ms; it runs on the page's main thread (onnxruntime-web wasm, one thread). */
  vadFrameMs: number[];
  /** When the segmenter decided speech started (after `minSpeechMs` of sustained speech). */
  speechStarts: number[];
  /** When the segmenter decided an utterance ended (after `endSilenceMs` of silence) and `audioEnd` went up. */
  speechEnds: number[];
  /** Barge-ins: the speech-start decision and the moment playback had been stopped. */
  bargeIns: Array<{ speechStartAt: number; stoppedAt: number }>;
  /** While asleep: the wake-word score of each 80 ms chunk, and the pipeline's time for it (ms). */
  wakeWordScores: number[];
  wakeWordMs: number[];
}

function keep<T>(list: T[], value: T): void {
  list.push(value);
  if (list.length > DIAGNOSTICS_KEEP) list.shift();
}

export class VoiceInput {
  private microphone: Microphone | null = null;
  private vad: SileroVad | null = null;
  private segmenter: VadSegmenter | null = null;
  private mode: 'off' | 'push' | 'handsFree' = 'off';
  private deviceId: string | undefined;
  /** The utterance being uploaded. */
  private utterance: { chatId: string; seq: number; pending: Float32Array[]; samples: number } | null = null;
  private closed = false;
  readonly diagnostics: VoiceDiagnostics = {
    vadFrameMs: [],
    speechStarts: [],
    speechEnds: [],
    bargeIns: [],
    wakeWordScores: [],
    wakeWordMs: [],
  };
  /** Asleep: speech is ignored; only the wake word (if configured) is listened for. */
  private sleeping = false;
  private wake: WakeWordOptions | null = null;
  private wakeDetector: Promise<WakeWordDetector | null> | null = null;

  constructor(private readonly host: VoiceHost) {}

  get activeMode(): 'off' | 'push' | 'handsFree' {
    return this.mode;
  }

  /** Chooses the microphone (a `deviceId` from `navigator.mediaDevices.enumerateDevices()`). */
  async setDevice(deviceId: string | undefined): Promise<void> {
    this.deviceId = deviceId || undefined;
    if (this.microphone) {
      const mode = this.mode;
      await this.closeMicrophone();
      if (mode !== 'off') await this.ensureMicrophone();
    }
  }

  /** Hands-free: the VAD cuts utterances; speech while the avatar talks interrupts it when barge-in is on. */
  async startHandsFree(options: HandsFreeOptions = {}): Promise<void> {
    const engine = await this.loadEngine();
    const endSilenceMs = Math.max(200, Math.min(2000, options.endSilenceMs ?? 600));
    if (!this.vad) {
      try {
        this.vad = await engine.SileroVad.load(`${this.host.sdkBase}/voice`);
      } catch (error) {
        throw new DHKitError('MICROPHONE_UNAVAILABLE', 'The voice activity model could not be loaded from the server.', { cause: error });
      }
    }
    this.segmenter = new engine.VadSegmenter({ endSilenceMs } satisfies Partial<SegmenterOptions>);
    this.cancelUtterance();
    this.mode = 'handsFree';
    await this.ensureMicrophone();
  }

  /** Push-to-talk: everything from now until `stopPushToTalk` is one utterance. Interrupts the avatar. */
  async startPushToTalk(): Promise<void> {
    await this.loadEngine();
    this.cancelUtterance();
    this.mode = 'push';
    this.host.interrupt();
    await this.ensureMicrophone();
    if (this.mode === 'push' && !this.utterance) this.beginUtterance([]);
  }

  /** Ends the push-to-talk utterance: it is recognized and answered. Returns its chatId, if one was sent. */
  stopPushToTalk(): string | null {
    if (this.mode !== 'push') return null;
    const chatId = this.endUtterance();
    this.mode = 'off';
    void this.closeMicrophone();
    return chatId;
  }

  /**
   * Sends audio from another source (a kiosk's microphone array, a recording) as one utterance: mono PCM,
   * Int16 or Float32 (−1..1), at any sample rate (resampled to 16 kHz here). Returns its chatId.
   */
  sendCustomAudio(samples: Int16Array | Float32Array, sampleRate: number): string {
    return sendAudioUtterance(this.host, samples, sampleRate, () => this.cancelUtterance());
  }

  /**
   * Asleep: speech no longer makes utterances (a running one is dropped); with `wake`, the wake-word models
   * are loaded and the hands-free microphone's audio goes to them instead of the VAD.
   */
  setSleeping(sleeping: boolean, wake?: WakeWordOptions): void {
    this.sleeping = sleeping;
    this.wake = sleeping ? (wake ?? null) : null;
    if (!sleeping) {
      this.segmenter?.reset();
      this.vad?.reset();
      return;
    }
    this.cancelUtterance();
    this.segmenter?.reset();
    if (wake) void this.wakeWordDetector(wake.word).then((detector) => detector?.reset());
  }

  /** Loads the wake-word models once (null when they cannot be loaded: sensors still wake the avatar). */
  private wakeWordDetector(word: string): Promise<WakeWordDetector | null> {
    this.wakeDetector ??= this.loadEngine()
      .then(async (engine) => {
        if (!(word in engine.WAKE_WORD_MODELS)) {
          throw new DHKitError(
            'INVALID_REQUEST',
            `unknown wake word "${word}"; shipped: ${Object.keys(engine.WAKE_WORD_MODELS).join(', ')}`,
          );
        }
        const detector = await engine.WakeWordDetector.load(`${this.host.sdkBase}/voice`, word as WakeWordName);
        this.host.log.info('wake word ready', word);
        return detector;
      })
      .catch((error: unknown) => {
        this.host.log.warn('wake word unavailable', error);
        return null;
      });
    return this.wakeDetector;
  }

  private listenForWakeWord(frame: Float32Array): void {
    const wake = this.wake;
    if (!wake || !this.wakeDetector) return;
    void this.wakeDetector
      .then(async (detector) => {
        if (!detector || this.wake !== wake) return;
        const started = performance.now();
        const scores = await detector.push(frame);
        if (!scores.length) return;
        keep(this.diagnostics.wakeWordMs, (performance.now() - started) / scores.length);
        for (const score of scores) keep(this.diagnostics.wakeWordScores, score);
        if (this.wake === wake && this.sleeping && Math.max(...scores) >= wake.threshold) {
          detector.reset();
          wake.onWake();
        }
      })
      .catch((error: unknown) => this.host.log.warn('wake word failed on a frame', error));
  }

  /** Stops listening (the microphone is released); a running utterance is dropped. */
  async stop(): Promise<void> {
    this.mode = 'off';
    this.cancelUtterance();
    await this.closeMicrophone();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
    await this.vad?.release().catch(() => undefined);
    this.vad = null;
    const detector = await this.wakeDetector?.catch(() => null);
    this.wakeDetector = null;
    await detector?.release().catch(() => undefined);
  }

  // ---- internals ----

  private loadEngine(): Promise<Engine> {
    // The chunk comes with the app's bundle, or from the server's /sdk/ (chunks/lazy-chunks.ts).
    return loadVoiceChunk(this.host.sdkBase);
  }

  private async ensureMicrophone(): Promise<void> {
    if (this.microphone) return;
    const engine = await this.loadEngine();
    if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      throw new DHKitError(
        'MICROPHONE_UNAVAILABLE',
        'This page cannot use a microphone (it needs https or localhost, and a browser with getUserMedia).',
      );
    }
    let microphone: Microphone;
    try {
      microphone = await engine.openMicrophone({ assetBase: `${this.host.sdkBase}/voice`, deviceId: this.deviceId });
    } catch (error) {
      throw microphoneError(error, this.host.language());
    }
    if (this.closed || this.mode === 'off') {
      await microphone.close();
      return;
    }
    this.microphone = microphone;
    microphone.onFrame = (frame) => this.onFrame(frame);
    this.host.log.info('microphone open', microphone.deviceId ?? '');
  }

  private async closeMicrophone(): Promise<void> {
    const microphone = this.microphone;
    this.microphone = null;
    this.vad?.reset();
    this.segmenter?.reset();
    if (microphone) await microphone.close();
  }

  private onFrame(frame: Float32Array): void {
    if (this.mode === 'push') {
      this.addFrame(frame);
      return;
    }
    if (this.mode !== 'handsFree') return;
    if (this.sleeping) {
      this.listenForWakeWord(frame);
      return;
    }
    if (!this.vad || !this.segmenter) return;
    const segmenter = this.segmenter;
    void this.vad.probability(frame).then(
      ({ probability, ms }) => {
        keep(this.diagnostics.vadFrameMs, ms);
        if (this.mode !== 'handsFree' || this.segmenter !== segmenter || this.sleeping) return;
        for (const event of segmenter.push(frame, probability)) {
          if (event.type === 'start') {
            const speechStartAt = performance.now();
            keep(this.diagnostics.speechStarts, speechStartAt);
            // The visitor talks over the avatar: stop it (barge-in), or ignore the speech (half duplex).
            if (this.host.isAvatarSpeaking()) {
              if (!this.host.bargeInEnabled()) {
                segmenter.reset();
                return;
              }
              this.host.interrupt();
              keep(this.diagnostics.bargeIns, { speechStartAt, stoppedAt: performance.now() });
            }
            this.beginUtterance(event.frames);
          } else if (event.type === 'frame') {
            this.addFrame(event.frame);
          } else {
            keep(this.diagnostics.speechEnds, performance.now());
            this.endUtterance();
          }
        }
      },
      (error: unknown) => this.host.log.warn('VAD failed on a frame', error),
    );
  }

  private beginUtterance(frames: Float32Array[]): void {
    const chatId = this.host.newChatId();
    if (!this.host.sendMessage({ type: 'audioStart', chatId, sampleRate: LIMITS.utteranceSampleRate, encoding: 'pcm_s16le' })) return;
    this.utterance = { chatId, seq: 0, pending: [], samples: 0 };
    for (const frame of frames) this.addFrame(frame);
  }

  private addFrame(frame: Float32Array): void {
    const utterance = this.utterance;
    if (!utterance) return;
    utterance.pending.push(frame);
    utterance.samples += frame.length;
    if (utterance.pending.length >= FRAMES_PER_UPLOAD) this.flush();
    // The server refuses utterances over 30 s: end it just before.
    if ((utterance.samples / LIMITS.utteranceSampleRate) * 1000 >= LIMITS.utteranceMaxMs - 500) {
      this.endUtterance();
      if (this.mode === 'push') this.mode = 'off';
    }
  }

  private flush(): void {
    const utterance = this.utterance;
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

  private endUtterance(): string | null {
    const utterance = this.utterance;
    if (!utterance) return null;
    this.flush();
    this.utterance = null;
    this.host.sendMessage({ type: 'audioEnd', chatId: utterance.chatId });
    this.host.utteranceSent(utterance.chatId);
    return utterance.chatId;
  }

  private cancelUtterance(): void {
    const utterance = this.utterance;
    if (!utterance) return;
    this.utterance = null;
    this.host.sendMessage({ type: 'audioCancel', chatId: utterance.chatId });
  }
}

/** getUserMedia's DOMExceptions → the catalog's two microphone codes. */
export function microphoneError(error: unknown, language?: LanguageCode): DHKitError {
  if (error instanceof DHKitError) return error;
  const name = (error as { name?: string } | null)?.name;
  if (name === 'NotAllowedError' || name === 'SecurityError') return DHKitError.fromCode('MICROPHONE_PERMISSION_DENIED', language, error);
  return DHKitError.fromCode('MICROPHONE_UNAVAILABLE', language, error);
}

/**
 * Sends audio from another source as one utterance (what `sendCustomAudio` does, also without a VoiceInput:
 * it needs no voice chunk). `beforeSend` runs once the audio is accepted, before anything goes up.
 */
export function sendAudioUtterance(
  host: VoiceHost,
  samples: Int16Array | Float32Array,
  sampleRate: number,
  beforeSend?: () => void,
): string {
  if (!(samples instanceof Int16Array || samples instanceof Float32Array) || !(sampleRate >= 8000 && sampleRate <= 192_000)) {
    throw new DHKitError('INVALID_REQUEST', 'sendCustomLocalAudio needs {data: Int16Array | Float32Array, sampleRate: 8000..192000}.');
  }
  const float = samples instanceof Float32Array ? samples : Float32Array.from(samples, (v) => v / 32768);
  const pcm = resample(float, sampleRate, LIMITS.utteranceSampleRate);
  if ((pcm.length / LIMITS.utteranceSampleRate) * 1000 > LIMITS.utteranceMaxMs) {
    throw new DHKitError('INVALID_REQUEST', `Audio is limited to ${LIMITS.utteranceMaxMs / 1000} s per utterance.`);
  }
  beforeSend?.();
  host.interrupt();
  const chatId = host.newChatId();
  if (!host.sendMessage({ type: 'audioStart', chatId, sampleRate: LIMITS.utteranceSampleRate, encoding: 'pcm_s16le' })) {
    throw DHKitError.fromCode('NETWORK_ERROR', host.language());
  }
  const chunk = 1600; // 100 ms
  for (let offset = 0, seq = 0; offset < pcm.length; offset += chunk, seq++) {
    host.sendBinary(encodeClientAudioFrame({ chatId, seq }, toPcm16(pcm.subarray(offset, offset + chunk))));
  }
  host.sendMessage({ type: 'audioEnd', chatId });
  host.utteranceSent(chatId);
  return chatId;
}

/** Float −1..1 → s16le bytes. */
export function toPcm16(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]));
    view.setInt16(i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return bytes;
}

/** Linear resampling (averaging when shrinking by a whole factor or more, which low-passes enough for ASR). */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return input;
  const ratio = fromRate / toRate;
  const output = new Float32Array(Math.floor(input.length / ratio));
  for (let i = 0; i < output.length; i++) {
    const start = i * ratio;
    if (ratio >= 2) {
      const end = Math.min(input.length, Math.floor(start + ratio));
      let sum = 0;
      for (let j = Math.floor(start); j < end; j++) sum += input[j];
      output[i] = sum / Math.max(1, end - Math.floor(start));
    } else {
      const index = Math.floor(start);
      const fraction = start - index;
      const next = input[Math.min(input.length - 1, index + 1)];
      output[i] = input[index] + (next - input[index]) * fraction;
    }
  }
  return output;
}
