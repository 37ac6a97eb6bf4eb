import { isLanguageCode, type InteractionMode, type LanguageCode } from '@dhkit/protocol';
import { WAKEUP_TYPES, type WakeupType } from '../voice/sleep-controller.js';
import type { HandsFreeOptions } from '../voice/voice-input.js';
import { newChatId, validateDrivenText, validateExtendParam, validateQuestion } from './chat.js';
import { mergeConfig, type DigitalHumanConfig } from './config.js';
import { DigitalHumanSession } from './digital-human-session.js';
import { DHKitError, toDHKitError } from './errors.js';
import type { DigitalHumanEventListeners, DigitalHumanEventMap, DigitalHumanEventName, JobInfo, Listener } from './events.js';
import type { ResolvedOptions } from './options.js';
import type { ViewHooks } from './view-events.js';

export type { ResolvedOptions };

/**
 * One digital human on the page: the public API (docs/sdk-api.md) over its session's life
 * (digital-human-session.ts) and its parts (digital-human-parts.ts).
 * Made by `create()`; several may live on one page, they share nothing.
 */
export class DigitalHuman extends DigitalHumanSession {
  // No constructor of its own: DigitalHumanSession's is protected, so only start() makes one (and the core bundle
  // has one constructor fewer to carry).

  /** @internal Used by create(): makes the digital human at once (so audio may start in a click) and opens it. */
  static start(options: ResolvedOptions): { human: DigitalHuman; ready: Promise<DigitalHuman> } {
    let human: DigitalHuman;
    try {
      human = new DigitalHuman(options);
    } catch (error) {
      throw toDHKitError(error, 'INTERNAL_ERROR');
    }
    return { human, ready: human.open() };
  }

  // ---- public API ----

  /** Merges `config` into the current config and updates the view. Unknown keys warn and are ignored. */
  setConfig(config: Partial<DigitalHumanConfig>): void {
    const { config: merged, changed } = mergeConfig(this.config, config, (m) => this.log.warn(m));
    if (!changed.length) return;
    this.config = merged;
    this.element.config = merged;
    if (changed.includes('enableLocalWakeup') || changed.includes('sleepAfterIdleSeconds')) this.sleepState.activity();
  }

  /** Adds several listeners at once: `{speakingStart: fn, error: fn}`. */
  addEventListeners(listeners: DigitalHumanEventListeners): void {
    this.addListeners(listeners);
  }

  on<K extends DigitalHumanEventName>(event: K, listener: Listener<DigitalHumanEventMap[K]>): this {
    this.emitter.on(event, listener);
    return this;
  }

  off<K extends DigitalHumanEventName>(event: K, listener: Listener<DigitalHumanEventMap[K]>): this {
    this.emitter.off(event, listener);
    return this;
  }

  /**
   * Enters chat mode. 'AUDIO' is hands-free voice: the microphone opens (the browser asks for permission)
   * and the VAD sends each utterance (`vad.endSilenceMs`, default 600 ms, ends one). Rejects with
   * MICROPHONE_PERMISSION_DENIED, MICROPHONE_UNAVAILABLE or VOICE_INPUT_NOT_CONFIGURED.
   */
  async startChat(options: { interactionMode?: InteractionMode; vad?: HandsFreeOptions } = {}): Promise<void> {
    this.assertLive();
    const mode = options?.interactionMode ?? 'TEXT';
    if (mode !== 'TEXT' && mode !== 'AUDIO') throw new DHKitError('INVALID_REQUEST', `Unknown interactionMode ${JSON.stringify(mode)}.`);
    this.conversation.player.resume();
    this.sleepState.wakeup();
    this.sleepState.activity();
    if (mode === 'AUDIO') await this.voice.startHandsFree(options?.vad);
    else await this.voice.stopHandsFree();
    if (this.job.state !== 'CHATTING' || this.job.interactionMode !== mode) this.setJob({ state: 'CHATTING', interactionMode: mode });
  }

  /** Leaves chat mode: stops any speech and listening; the session stays open (a later question starts a chat again). */
  stopChat(): void {
    if (this.job.state === 'ENDED') return;
    this.voice.stop();
    this.conversation.interrupt(true);
    if (this.job.state === 'CHATTING') this.setJob({ state: 'READY', interactionMode: null });
  }

  /**
   * Asks a question in text. Starts a TEXT chat when none is on; interrupts what the avatar is saying.
   * Throws QUESTION_EMPTY, QUESTION_TOO_LONG, NOT_IN_TEXT_MODE or SESSION_ENDED.
   */
  sendTextQuestion(question: { text: string; extendParam?: Record<string, unknown> } | string): { chatId: string } {
    this.assertLive();
    const text = validateQuestion(typeof question === 'string' ? question : question?.text, this.language);
    const extendParam = typeof question === 'string' ? undefined : validateExtendParam(question?.extendParam);
    if (this.job.state === 'CHATTING' && this.job.interactionMode !== 'TEXT') throw DHKitError.fromCode('NOT_IN_TEXT_MODE', this.language);
    if (this.job.state !== 'CHATTING') this.setJob({ state: 'CHATTING', interactionMode: 'TEXT' });
    return { chatId: this.ask(newChatId(), text, extendParam) };
  }

  /**
   * Makes the avatar say `text`, in pieces that share one chatId until `isLast` (default true). The first
   * piece of a new utterance interrupts what the avatar is saying.
   */
  sendDrivenText(piece: { text: string; isLast?: boolean }): { chatId: string } {
    this.assertLive();
    const { text, isLast } = validateDrivenText(piece?.text, piece?.isLast);
    return { chatId: this.conversation.drive(text, isLast, newChatId) };
  }

  /** Switches the running chat between 'TEXT' and 'AUDIO' (hands-free voice). */
  async interactionModeSwitch(options: { interactionMode: InteractionMode; vad?: HandsFreeOptions }): Promise<void> {
    await this.startChat(options);
  }

  /** The running chat's mode, or null while not chatting. */
  get activeInteractionMode(): InteractionMode | null {
    return this.job.state === 'CHATTING' ? this.job.interactionMode : null;
  }

  /**
   * Push-to-talk (the mic button): the avatar stops and everything said until `stopUserSpeak()` is one
   * question. Works in either mode and needs no VAD model.
   */
  async startUserSpeak(): Promise<void> {
    this.assertLive();
    this.conversation.player.resume();
    await this.voice.startPushToTalk();
  }

  /** Ends push-to-talk: the utterance is recognized (`speechRecognized`) and answered. */
  stopUserSpeak(): { chatId: string | null } {
    return { chatId: this.voice.stopPushToTalk() };
  }

  /**
   * Sends audio from another source (a kiosk's microphone array) as one spoken question: mono PCM as
   * Int16Array or Float32Array at `sampleRate`. Returns the chatId of the answer.
   */
  sendCustomLocalAudio(audio: { data: Int16Array | Float32Array; sampleRate: number }): { chatId: string } {
    this.assertLive();
    this.conversation.player.resume();
    return { chatId: this.voice.sendCustomAudio(audio?.data, audio?.sampleRate) };
  }

  /** Chooses the microphone by `deviceId` (from `navigator.mediaDevices.enumerateDevices()`); '' = default. */
  async setAudioInputDevice(options: { deviceId: string }): Promise<void> {
    await this.voice.setDevice(options?.deviceId);
  }

  /**
   * Wakes the avatar from sleep (`enterActive {type}`): a kiosk's sensor saw someone ('RADAR', 'INFRARED',
   * 'CAMERA'), or 'VOICE'. Returns false when it was awake (the idle countdown restarts).
   */
  wakeup(options: { type: WakeupType }): boolean {
    this.assertLive();
    const type = options?.type;
    if (!WAKEUP_TYPES.includes(type)) throw new DHKitError('INVALID_REQUEST', `wakeup type must be one of ${WAKEUP_TYPES.join(', ')}.`);
    const woke = this.sleepState.wakeup(type);
    if (!woke) this.sleepState.activity();
    return woke;
  }

  /** Puts the avatar to sleep now (`enterSleep`): it stops talking and ignores speech until woken. */
  sleep(): boolean {
    this.assertLive();
    return this.sleepState.sleep();
  }

  /** Whether the avatar is asleep. */
  get isSleeping(): boolean {
    return this.sleepState.asleep;
  }

  /** Stops the avatar's speech at once and tells the server to cancel the turn. */
  interruptSpeaking(): void {
    if (this.job.state === 'ENDED') return;
    this.conversation.interrupt(true);
  }

  muteRemoteAudio(): void {
    this.conversation.player.setMuted(true);
    this.streamed?.setMuted(true);
  }

  unmuteRemoteAudio(): void {
    this.conversation.player.resume();
    this.conversation.player.setMuted(false);
    this.streamed?.setMuted(false);
  }

  /**
   * Switches the conversation's language (one of `getLanguageInfo().languageList`): later answers, voice and
   * the built-in UI use it. Resolves when the server agreed; rejects with LANGUAGE_NOT_SUPPORTED.
   */
  changeLanguage(options: { langCode: LanguageCode }): Promise<void> {
    this.assertLive();
    const language = options?.langCode;
    if (!isLanguageCode(language) || !this.languageList.includes(language)) {
      return Promise.reject(DHKitError.fromCode('LANGUAGE_NOT_SUPPORTED', this.language));
    }
    if (language === this.job.language) return Promise.resolve();
    const agreed = this.languageRequest.wait(language, DHKitError.fromCode('LANGUAGE_NOT_SUPPORTED', this.language));
    if (!this.connection.send({ type: 'changeLanguage', language })) {
      this.languageRequest.handleRefused(DHKitError.fromCode('NETWORK_ERROR', this.language));
    }
    return agreed;
  }

  /** The language in use and the robot's languages. */
  getLanguageInfo(): { currentLanguage: LanguageCode; languageList: LanguageCode[] } {
    return this.languageInfo();
  }

  getJobInfo(): JobInfo {
    return this.jobInfo();
  }

  /**
   * Ends the session (bye), stops audio, removes the element. Safe to call more than once. Before the
   * session is ready it cancels create() (CANCELLED) and frees the session's slot before it resolves.
   */
  destroy(): Promise<void> {
    return this.shutdown();
  }

  protected viewHooks(): ViewHooks {
    return {
      human: this,
      gesture: () => {
        this.conversation.player.resume();
        this.streamed?.resumeAudio();
      },
      report: (error) => this.emitError(error.code, error.message, true),
      // The server's idle deadline moves; the view takes its countdown away itself.
      continueSession: () => this.connection.send({ type: 'stillHere' }),
    };
  }
}
