import type { ClientMessage, ErrorCode, LanguageCode } from '@dhkit/protocol';
import { newChatId } from '../core/chat.js';
import { loadVoiceChunk } from '../chunks/lazy-chunks.js';
import { DHKitError, toDHKitError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { BrowserRecognition } from './browser-recognition.js';
import { sendAudioUtterance } from './custom-audio.js';
import type { HandsFreeOptions, VoiceDiagnostics, VoiceHost, VoiceInput, WakeWordOptions } from './voice-input.js';

/** What the voice controller needs from outside, as callbacks. */
export interface VoiceControllerHost {
  /** The server's `/sdk` URL (no trailing slash). */
  sdkBase: string;
  log: Logger;
  /** `asrMode: 'browser'` asks for the browser's own speech recognition. */
  prefersBrowserRecognition(): boolean;
  /** The robot takes voice input (server-side recognition). */
  voiceInputAllowed(): boolean;
  language(): LanguageCode | undefined;
  sendMessage(message: ClientMessage): boolean;
  sendBinary(frame: Uint8Array): boolean;
  isAvatarSpeaking(): boolean;
  bargeInEnabled(): boolean;
  /** Stops the avatar at once (local playback and the server turn). */
  interrupt(): void;
  /** An utterance went up to the server's recognition; its answer carries `chatId`. */
  utteranceSent(chatId: string, handsFree: boolean): void;
  /** What the browser's recognition heard so far (`isLast`: final). */
  recognized(chatId: string, text: string, isLast: boolean): void;
  /** A final text heard by the browser's recognition, to be asked as a question. */
  ask(chatId: string, text: string): void;
  error(code: ErrorCode, detail: string): void;
}

/**
 * The visitor's voice: server-side recognition of audio from the microphone (push-to-talk, hands-free,
 * injected audio) or the browser's own recognition (`asrMode: 'browser'`). Voice input lives in the voice
 * chunk, loaded on first use; injected audio needs no chunk.
 */
export class VoiceController {
  private input: VoiceInput | null = null;
  private loading: Promise<VoiceInput> | null = null;
  /** The microphone chosen before voice input was loaded. */
  private deviceId: string | undefined;
  private closed = false;
  private browser: BrowserRecognition | null = null;
  /** The chat of the utterance the browser's recognition is hearing. */
  private browserChatId: string | null = null;

  constructor(private readonly host: VoiceControllerHost) {}

  /** Voice pipeline timings (browser tests and `npm run bench:voice`); empty until voice is used. */
  get diagnostics(): VoiceDiagnostics | undefined {
    return this.input?.diagnostics;
  }

  /** Hands-free listening: every utterance is a question. */
  async startHandsFree(vad: HandsFreeOptions | undefined): Promise<void> {
    if (this.usesBrowserRecognition()) return this.listenInBrowser(true);
    await this.withInput((input) => input.startHandsFree(vad));
  }

  /** Leaves hands-free listening (a TEXT chat); push-to-talk stays possible. */
  async stopHandsFree(): Promise<void> {
    this.browser?.abort();
    if (this.input?.activeMode === 'handsFree') await this.input.stop();
  }

  /** Push-to-talk: the avatar stops and everything said until `stopPushToTalk()` is one question. */
  async startPushToTalk(): Promise<void> {
    if (this.usesBrowserRecognition()) {
      this.host.interrupt();
      return this.listenInBrowser(false);
    }
    await this.withInput((input) => input.startPushToTalk());
  }

  stopPushToTalk(): string | null {
    if (this.browser?.active) {
      // The final result (and its question) follows when the browser has finished recognising.
      const chatId = (this.browserChatId ??= newChatId());
      this.browser.stop();
      return chatId;
    }
    return this.input?.stopPushToTalk() ?? null;
  }

  sendCustomAudio(data: Int16Array | Float32Array, sampleRate: number): string {
    this.assertAllowed();
    try {
      return this.input ? this.input.sendCustomAudio(data, sampleRate) : sendAudioUtterance(this.voiceHost(), data, sampleRate);
    } catch (error) {
      throw toDHKitError(error);
    }
  }

  async setDevice(deviceId: string | undefined): Promise<void> {
    this.assertAllowed();
    this.deviceId = deviceId;
    await this.input?.setDevice(deviceId).catch((error: unknown) => Promise.reject(toDHKitError(error)));
  }

  /** Asleep, speech is ignored and only the wake word (if given) is listened for. */
  setSleeping(sleeping: boolean, wake?: WakeWordOptions): void {
    this.input?.setSleeping(sleeping, wake);
  }

  /** Stops listening of either kind; the microphone is released. */
  stop(): void {
    void this.input?.stop();
    this.browser?.abort();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.browser?.abort();
    await this.input?.close().catch(() => undefined);
  }

  /** Whether speech goes to the browser's own recognition: asked for, and this browser has it. */
  private usesBrowserRecognition(): boolean {
    if (!this.host.prefersBrowserRecognition()) return false;
    if (BrowserRecognition.isAvailable()) return true;
    this.host.log.warn("asrMode 'browser': this browser has no SpeechRecognition; using the server's speech recognition");
    return false;
  }

  /** Listens with the browser's recognition: interim text as speechRecognized, each final text asked. */
  private listenInBrowser(handsFree: boolean): void {
    this.browser ??= new BrowserRecognition({
      result: (text, isFinal) => {
        const chatId = (this.browserChatId ??= newChatId());
        if (isFinal) this.browserChatId = null;
        this.host.recognized(chatId, text, isFinal);
        if (isFinal && text !== '') this.host.ask(chatId, text);
      },
      error: (code, detail) => this.host.error(code, detail),
    });
    this.browserChatId = null;
    this.browser.start(this.host.language() ?? 'en_US', handsFree);
  }

  private assertAllowed(): void {
    if (!this.host.voiceInputAllowed()) throw DHKitError.fromCode('VOICE_INPUT_NOT_CONFIGURED', this.host.language());
  }

  /** Runs `use` on voice input, loading the voice chunk first; its errors become this bundle's DHKitErrors. */
  private async withInput(use: (input: VoiceInput) => Promise<void>): Promise<void> {
    this.assertAllowed();
    // The chunk comes with the app's bundle, or from the server's /sdk/ (chunks/lazy-chunks.ts).
    this.loading ??= loadVoiceChunk(this.host.sdkBase).then(
      async (chunk) => {
        const input = new chunk.VoiceInput(this.voiceHost());
        if (this.deviceId) await input.setDevice(this.deviceId);
        this.input = input;
        if (this.closed) await input.close();
        return input;
      },
      (error: unknown) => {
        this.loading = null;
        throw error;
      },
    );
    try {
      await use(await this.loading);
    } catch (error) {
      throw toDHKitError(error);
    }
  }

  private voiceHost(): VoiceHost {
    return {
      ...this.host,
      newChatId,
      utteranceSent: (chatId) => this.host.utteranceSent(chatId, this.input?.activeMode === 'handsFree'),
    };
  }
}
