/**
 * Voice input of one digital human: push-to-talk, hands-free (VAD) and injected audio, sent up the channel
 * as utterances (utterance-upload.ts). It rides in the lazy voice chunk with the capture worklet and the models,
 * which run in a Worker (voice-models.ts); their model and wasm files always come from the server's `/sdk/voice/`.
 */
import { DHKitError } from '../core/errors.js';
import { sendAudioUtterance } from './custom-audio.js';
import { openMicrophone, type Microphone } from './microphone.js';
import { microphoneError } from './microphone-error.js';
import { UtteranceUpload } from './utterance-upload.js';
import { VadSegmenter, type SegmenterOptions } from './vad-segmenter.js';
import { keep, newVoiceDiagnostics, type VoiceDiagnostics } from './voice-diagnostics.js';
import type { VoiceHost } from './voice-host.js';
import { openVoiceModels, type FrameVad, type VadResult, type VoiceModels } from './voice-models.js';
import { WakeWordListener, type WakeWordOptions } from './wake-word-listener.js';

export type { VoiceDiagnostics } from './voice-diagnostics.js';
export type { VoiceHost } from './voice-host.js';
export type { WakeWordOptions } from './wake-word-listener.js';

export interface HandsFreeOptions {
  /** Silence that ends an utterance, 200..2000 ms (default 600). */
  endSilenceMs?: number;
}

export class VoiceInput {
  private microphone: Microphone | null = null;
  private models: Promise<VoiceModels> | null = null;
  private vad: FrameVad | null = null;
  private segmenter: VadSegmenter | null = null;
  private mode: 'off' | 'push' | 'handsFree' = 'off';
  private deviceId: string | undefined;
  private readonly upload: UtteranceUpload;
  private closed = false;
  readonly diagnostics: VoiceDiagnostics = newVoiceDiagnostics();
  /** Asleep: speech is ignored; only the wake word (if configured) is listened for. */
  private sleeping = false;
  private readonly wakeWord: WakeWordListener;
  /** The microphone whose frames go straight to the VAD in the models' Worker, and how to give them back. */
  private vadRoute: { microphone: Microphone; end(): void } | null = null;

  constructor(private readonly host: VoiceHost) {
    this.upload = new UtteranceUpload(host, () => {
      if (this.mode === 'push') this.mode = 'off';
    });
    this.wakeWord = new WakeWordListener(() => this.voiceModels(), this.diagnostics, host.log);
  }

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
    const endSilenceMs = Math.max(200, Math.min(2000, options.endSilenceMs ?? 600));
    if (!this.vad) {
      try {
        this.vad = await (await this.voiceModels()).loadVad();
      } catch (error) {
        throw new DHKitError('MICROPHONE_UNAVAILABLE', 'The voice activity model could not be loaded from the server.', { cause: error });
      }
    }
    this.segmenter = new VadSegmenter({ endSilenceMs } satisfies Partial<SegmenterOptions>);
    this.upload.cancel();
    this.mode = 'handsFree';
    await this.ensureMicrophone();
    this.routeFrames();
  }

  /** Push-to-talk: everything from now until `stopPushToTalk` is one utterance. Interrupts the avatar. */
  async startPushToTalk(): Promise<void> {
    this.upload.cancel();
    this.mode = 'push';
    this.routeFrames();
    this.host.interrupt();
    await this.ensureMicrophone();
    if (this.mode === 'push' && !this.upload.active) this.upload.begin([]);
  }

  /** Ends the push-to-talk utterance: it is recognized and answered. Returns its chatId, if one was sent. */
  stopPushToTalk(): string | null {
    if (this.mode !== 'push') return null;
    const chatId = this.upload.end();
    this.mode = 'off';
    void this.closeMicrophone();
    return chatId;
  }

  /**
   * Sends audio from another source (a kiosk's microphone array, a recording) as one utterance: mono PCM,
   * Int16 or Float32 (−1..1), at any sample rate (resampled to 16 kHz here). Returns its chatId.
   */
  sendCustomAudio(samples: Int16Array | Float32Array, sampleRate: number): string {
    return sendAudioUtterance(this.host, samples, sampleRate, () => this.upload.cancel());
  }

  /**
   * Asleep: speech no longer makes utterances (a running one is dropped); with `wake`, the wake-word models
   * are loaded and the hands-free microphone's audio goes to them instead of the VAD.
   */
  setSleeping(sleeping: boolean, wake?: WakeWordOptions): void {
    this.sleeping = sleeping;
    this.wakeWord.listen(sleeping ? (wake ?? null) : null);
    this.routeFrames();
    this.segmenter?.reset();
    if (!sleeping) {
      this.vad?.reset();
      return;
    }
    this.upload.cancel();
  }

  /** Stops listening (the microphone is released); a running utterance is dropped. */
  async stop(): Promise<void> {
    this.mode = 'off';
    this.upload.cancel();
    await this.closeMicrophone();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
    await this.vad?.release().catch(() => undefined);
    this.vad = null;
    await this.wakeWord.release();
    const models = await this.models?.catch(() => null);
    this.models = null;
    models?.close();
  }

  // ---- internals ----

  /** The models' Worker (or this thread), started once, when hands-free voice or the wake word first needs it. */
  private voiceModels(): Promise<VoiceModels> {
    this.models ??= openVoiceModels(`${this.host.sdkBase}/voice`, this.host.log).then((models) => {
      this.diagnostics.inferenceThread = models.thread;
      return models;
    });
    return this.models;
  }

  private async ensureMicrophone(): Promise<void> {
    if (this.microphone) return;
    if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      throw new DHKitError(
        'MICROPHONE_UNAVAILABLE',
        'This page cannot use a microphone (it needs https or localhost, and a browser with getUserMedia).',
      );
    }
    let microphone: Microphone;
    try {
      microphone = await openMicrophone({ assetBase: `${this.host.sdkBase}/voice`, deviceId: this.deviceId });
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
    this.routeFrames();
  }

  private async closeMicrophone(): Promise<void> {
    const microphone = this.microphone;
    this.microphone = null;
    this.routeFrames(); // the frames back to this microphone's port before it closes
    this.vad?.reset();
    this.segmenter?.reset();
    if (microphone) await microphone.close();
  }

  /**
   * Where the microphone's frames go. In hands-free mode with the models in their Worker, straight there from the
   * capture worklet: awake, to the VAD, which sends each frame back with its probability (the page handles a 32 ms
   * frame once instead of twice); asleep, to the wake word, which sends only each 80 ms chunk's scores. Otherwise
   * (push-to-talk, the models on the page) to `onFrame`.
   */
  private routeFrames(): void {
    const handsFree = this.mode === 'handsFree' ? this.microphone : null;
    const toVad = this.sleeping ? null : handsFree;
    if (this.vadRoute && this.vadRoute.microphone !== toVad) {
      this.vadRoute.end();
      this.vadRoute = null;
    }
    void this.wakeWord.connect(this.sleeping ? handsFree : null, () => this.sleeping && this.mode === 'handsFree');
    const route = this.vad?.route;
    if (!toVad || this.vadRoute || !route) return;
    const end = route.connect(toVad, (heard) => {
      if (heard instanceof Error) return this.host.log.warn('VAD failed on a frame', heard);
      this.heard(heard);
    });
    this.vadRoute = { microphone: toVad, end };
  }

  private onFrame(frame: Float32Array): void {
    if (this.mode === 'push') {
      this.upload.add(frame);
      return;
    }
    if (this.mode !== 'handsFree') return;
    if (this.sleeping) {
      this.wakeWord.hear(frame, () => this.sleeping && this.mode === 'handsFree');
      return;
    }
    if (!this.vad || !this.segmenter) return;
    const segmenter = this.segmenter;
    // The frame goes to the VAD (in the models' Worker, or on this page) and comes back with its probability.
    void this.vad.probability(frame).then(
      (result) => this.heard(result, segmenter),
      (error: unknown) => this.host.log.warn('VAD failed on a frame', error),
    );
  }

  /** A frame the VAD has heard: on to the segmenter that was listening when it was sent, if it still is. */
  private heard({ probability, ms, frame }: VadResult, segmenter = this.segmenter): void {
    keep(this.diagnostics.vadFrameMs, ms);
    if (this.mode !== 'handsFree' || !segmenter || this.segmenter !== segmenter || this.sleeping) return;
    this.segment(segmenter, frame, probability);
  }

  private segment(segmenter: VadSegmenter, frame: Float32Array, probability: number): void {
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
        this.upload.begin(event.frames);
      } else if (event.type === 'frame') {
        this.upload.add(event.frame);
      } else {
        keep(this.diagnostics.speechEnds, performance.now());
        this.upload.end();
      }
    }
  }
}
