import { isLanguageCode, type ErrorCode, type InteractionMode, type LanguageCode, type LiveKitJoinInfo } from '@dhkit/protocol';
import type { AvatarSurface } from '../avatar/avatar-surface.js';
import { packManifestUrl } from '../avatar/avatar-pack.js';
import type { StreamedAvatar } from '../avatar/livekit-surface.js';
import { startStreamedAvatar } from '../avatar/stream-avatar.js';
import type { OnceCodeSource } from '../channel/once-code.js';
import type { ServerAddress } from '../channel/server-address.js';
import { SessionConnection } from '../channel/session-connection.js';
import { SleepController, WAKEUP_TYPES, type WakeupType } from '../voice/sleep-controller.js';
import { VoiceController } from '../voice/voice-controller.js';
import type { HandsFreeOptions } from '../voice/voice-input.js';
import { newChatId, validateDrivenText, validateExtendParam, validateQuestion } from './chat.js';
import { defaultConfig, mergeConfig, type DigitalHumanConfig } from './config.js';
import { Conversation } from './conversation.js';
import { DHKitError, toDHKitError } from './errors.js';
import {
  EVENT_NAMES,
  TypedEmitter,
  type DigitalHumanEventListeners,
  type DigitalHumanEventMap,
  type DigitalHumanEventName,
  type JobInfo,
  type Listener,
} from './events.js';
import { LanguageRequest } from './language-request.js';
import { createLogger, type Logger, type LogLevel } from './logger.js';
import { routeServerMessage, type SessionMessageHandlers } from './server-messages.js';
import type { ViewActions } from './view-events.js';
import type { DigitalHumanView, ViewFactory } from './view.js';

/** Options of create(), checked and resolved. */
export interface ResolvedOptions {
  address: ServerAddress;
  robotId: string;
  onceCode: OnceCodeSource;
  /** Where the view goes; none for the headless core. */
  container?: HTMLElement;
  /** Makes the view: `<digital-human>` (the full SDK) or a headless one (`@dhkit/sdk/core`). */
  makeView: ViewFactory;
  config: unknown;
  eventListeners: DigitalHumanEventListeners | undefined;
  logLevel: LogLevel;
}

/**
 * One digital human on the page: a thin facade over its parts — the session connection, the conversation
 * (with its audio playback), voice, sleep, language requests and the view. Made by `create()`; several may
 * live on one page, they share nothing.
 */
export class DigitalHuman {
  private readonly emitter: TypedEmitter<DigitalHumanEventMap>;
  private readonly log: Logger;
  private config: DigitalHumanConfig;
  private job: JobInfo;
  private readonly element: DigitalHumanView;
  private surface: AvatarSurface | null;
  /** Livekit media mode: the renderer's stream (a lazy chunk) in place of the local avatar. */
  private streamed: StreamedAvatar | null = null;
  private connection: SessionConnection;
  private conversation: Conversation;
  private readonly voice: VoiceController;
  private readonly languageRequest = new LanguageRequest();
  private readonly sleepState: SleepController;
  /** Aborted on teardown: removes every listener on the view and the window at once. */
  private readonly listening = new AbortController();
  private destroying: Promise<void> | null = null;
  /** Rejects when destroy() comes before the session is ready, so create() stops waiting (for a first frame, say). */
  private readonly cancelled: Promise<never>;
  private cancel!: (error: DHKitError) => void;

  private constructor(private readonly options: ResolvedOptions) {
    this.log = createLogger(options.logLevel);
    this.cancelled = new Promise<never>((_, reject) => (this.cancel = reject));
    this.cancelled.catch(() => {});
    this.emitter = new TypedEmitter<DigitalHumanEventMap>(this.log);
    this.config = mergeConfig(defaultConfig(), options.config, (m) => this.log.warn(m)).config;
    this.job = { jobId: '', sessionId: '', robotId: options.robotId, state: 'CONNECTING', interactionMode: null, language: null, mediaMode: 'local' };
    if (options.eventListeners) this.addEventListeners(options.eventListeners);
    const made = options.makeView(options.container, this.log);
    this.element = made.view;
    this.surface = made.surface;
    this.connection = this.newConnection();
    this.conversation = this.newConversation();
    this.sleepState = new SleepController({
      enabled: () => this.config.enableLocalWakeup,
      idleSeconds: () => this.config.sleepAfterIdleSeconds,
      enterSleep: () => this.handleSleep(),
      enterActive: (type) => this.handleWake(type),
    });
    this.voice = this.newVoiceController();
    this.element.config = this.config;
    this.element.log = this.log;
    this.element.serverAddress = options.address.httpBase;
    this.element.language = guessLanguage();
    this.element.state = 'CONNECTING';
    made.bridge?.(this.viewActions(), this.listening.signal);
    if (typeof window !== 'undefined') window.addEventListener('pagehide', () => this.handlePageHide(), { signal: this.listening.signal });
  }

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

  /** Admission, channel handshake and first frame; the avatar draws while the network work runs. */
  private async open(): Promise<DigitalHuman> {
    const drawn = this.surface ? this.element.attachSurface(this.surface) : Promise.resolve();
    drawn.catch(() => {});
    try {
      this.emitter.emit('jobInfoChange', this.getJobInfo());
      await this.connect(drawn);
      return this;
    } catch (error) {
      if (this.destroying) {
        await this.destroying;
        const failure = toDHKitError(error);
        throw failure.code === 'CANCELLED' ? failure : DHKitError.fromCode('CANCELLED', undefined, error);
      }
      await this.teardown();
      // Network failures are already DHKitErrors (NETWORK_ERROR); anything else is our bug.
      throw toDHKitError(error, 'INTERNAL_ERROR');
    }
  }

  private async connect(drawn: Promise<void>): Promise<void> {
    const session = await Promise.race([this.connection.admit(), this.cancelled]);
    // Livekit mode: the renderer's stream replaces the local avatar (docs/livekit.md).
    const streamed = session.mediaMode === 'livekit' && session.livekit ? this.streamAvatar(session.livekit) : null;
    streamed?.catch(() => {});
    // The robot's avatar pack loads while the channel opens; `drawn` waits for its first frame.
    if (!streamed) void this.surface?.load({ kind: 'pack', url: packManifestUrl(this.options.address.httpBase, session.robot?.avatar) });
    const welcome = await Promise.race([this.connection.openChannel(), this.cancelled]);
    await Promise.race([streamed ?? drawn, this.cancelled]);
    if (this.destroying) throw DHKitError.fromCode('CANCELLED');
    if (this.job.state !== 'CONNECTING') throw DHKitError.fromCode('NETWORK_ERROR');
    const language = isLanguageCode(welcome.language) ? welcome.language : session.language;
    this.element.language = language;
    this.element.profile = session.robot ?? null;
    this.element.sessionId = session.sessionId;
    this.connection.markReady();
    this.setJob({ jobId: session.jobId || session.sessionId, sessionId: session.sessionId, language, mediaMode: session.mediaMode, state: 'READY' });
    this.log.info('ready');
    this.sleepState.activity();
  }

  /**
   * @internal A new session on the same digital human (a kiosk's "start again"): ends the current one if it
   * is live, then admits with a fresh once-code (create() needs a function as `onceCode` for this).
   */
  async startNewSession(): Promise<void> {
    if (this.destroying) throw DHKitError.fromCode('SESSION_ENDED', this.language);
    await this.connection.close();
    this.conversation.handleSessionOver();
    this.connection = this.newConnection();
    this.conversation = this.newConversation();
    this.setJob({ jobId: '', sessionId: '', state: 'CONNECTING', interactionMode: null });
    try {
      await this.connect(Promise.resolve());
    } catch (error) {
      if (!this.destroying) this.endSession(0, '', 'CLOSED');
      throw toDHKitError(error, 'INTERNAL_ERROR');
    }
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
    if (!listeners || typeof listeners !== 'object') return;
    for (const [name, listener] of Object.entries(listeners)) {
      if (!(EVENT_NAMES as readonly string[]).includes(name)) {
        this.log.warn(`unknown event '${name}' ignored.`);
        continue;
      }
      if (typeof listener !== 'function') continue;
      this.emitter.on(name as DigitalHumanEventName, listener as Listener<unknown>);
    }
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
    return { currentLanguage: this.job.language ?? this.element.language, languageList: [...this.languageList] };
  }

  getJobInfo(): JobInfo {
    return { ...this.job };
  }

  /**
   * Ends the session (bye), stops audio, removes the element. Safe to call more than once. Before the
   * session is ready it cancels create() (CANCELLED) and frees the session's slot before it resolves.
   */
  destroy(): Promise<void> {
    if (!this.destroying) {
      this.cancel(DHKitError.fromCode('CANCELLED'));
      const wasEnded = this.job.state === 'ENDED';
      this.destroying = this.teardown().then(() => {
        if (!wasEnded) this.setJob({ state: 'ENDED', interactionMode: null });
        this.emitter.removeAllListeners();
      });
    }
    return this.destroying;
  }

  // ---- the parts, wired ----

  private newConnection(): SessionConnection {
    const { address, robotId, onceCode } = this.options;
    return new SessionConnection({
      address,
      robotId,
      onceCode,
      log: this.log,
      events: {
        message: (message) => routeServerMessage(message, this.conversation, this.sessionMessageHandlers, this.log),
        binary: (frame) => this.conversation.handleAudioFrame(frame),
        resuming: () => this.conversation.handleChannelResuming(),
        resumed: () => this.conversation.handleChannelResumed(),
        ended: (code, reason, endReason) => this.endSession(code, reason, endReason),
      },
    });
  }

  private newConversation(): Conversation {
    const conversation = new Conversation({
      emit: (event, payload) => this.emitter.emit(event, payload),
      activity: () => this.sleepState.activity(),
      stateChanged: () => this.updateAvatarState(),
      view: this.element,
      streamed: () => this.streamed,
      send: (message) => this.connection.send(message),
      visemes: (cues) => this.surface?.setVisemeTimeline(cues),
      language: () => this.language,
      log: this.log,
    });
    conversation.player.resume();
    conversation.player.setMuted(this.config.defaultMuteRemoteAudio);
    this.surface?.attachAnalyser(conversation.player.analyser);
    return conversation;
  }

  private newVoiceController(): VoiceController {
    return new VoiceController({
      sdkBase: `${this.options.address.httpBase}/sdk`,
      log: this.log,
      prefersBrowserRecognition: () => this.config.asrMode === 'browser',
      voiceInputAllowed: () => !(this.connection.info && this.connection.info.robot?.voiceInput === false),
      language: () => this.language ?? this.connection.info?.language,
      sendMessage: (message) => this.connection.send(message),
      sendBinary: (frame) => this.connection.sendBinary(frame),
      isAvatarSpeaking: () => this.conversation.avatarSpeaking,
      bargeInEnabled: () => this.config.enableVadInterrupt,
      interrupt: () => this.conversation.interrupt(false),
      utteranceSent: (chatId, handsFree) => {
        this.sleepState.wakeup();
        this.sleepState.activity();
        // Push-to-talk and injected audio outside a chat start a TEXT chat, so typing keeps working.
        if (this.job.state !== 'CHATTING') this.setJob({ state: 'CHATTING', interactionMode: handsFree ? 'AUDIO' : 'TEXT' });
        this.conversation.handleUtteranceSent(chatId);
      },
      recognized: (chatId, text, isLast) => this.emitter.emit('speechRecognized', { chatId, text, isLast }),
      ask: (chatId, text) => {
        if (this.job.state !== 'ENDED') this.ask(chatId, text);
      },
      error: (code, detail) => this.emitError(code, `${DHKitError.fromCode(code, this.language).message} (${detail})`, true),
    });
  }

  private viewActions(): ViewActions {
    return {
      ask: (text) => this.sendTextQuestion({ text }),
      interrupt: () => this.interruptSpeaking(),
      startSpeaking: () => this.startUserSpeak(),
      stopSpeaking: () => this.stopUserSpeak(),
      setListening: (listening) => (this.element.listening = listening),
      setDevice: (deviceId) => this.setAudioInputDevice({ deviceId }),
      changeLanguage: (langCode) => this.changeLanguage({ langCode }),
      gesture: () => {
        this.conversation.player.resume();
        this.streamed?.resumeAudio();
      },
      report: (error) => this.emitError(error.code, error.message, true),
    };
  }

  private readonly sessionMessageHandlers: SessionMessageHandlers = {
    handleLanguageChanged: (language) => this.handleLanguageChanged(language),
    handleError: (code, message) => {
      if (code === 'LANGUAGE_NOT_SUPPORTED') this.languageRequest.handleRefused(new DHKitError(code, message));
      // The view shows weak errors (the conversation goes on) only with enableWeakErrorInfo.
      this.emitError(code, message, true);
    },
    handleSessionEndMention: (restTime) => this.emitter.emit('jobEndMention', { jobId: this.job.jobId, restTime }),
    handleSessionEnd: (reason) => this.connection.handleSessionEnd(reason),
  };

  /** Sends a question (typed, or recognised in the browser) and waits for its answer. */
  private ask(chatId: string, text: string, extendParam?: Record<string, unknown>): string {
    this.sleepState.wakeup();
    this.sleepState.activity();
    return this.conversation.ask(chatId, text, extendParam);
  }

  private streamAvatar(join: LiveKitJoinInfo): Promise<void> {
    const host = {
      join,
      muted: this.config.defaultMuteRemoteAudio,
      clause: (text: string) => this.element.showClause(text),
      speakingStart: (chatId: string) => this.conversation.handleSpeakingStart(chatId),
      speakingStop: (chatId: string) => this.conversation.handleSpeakingStop(chatId),
      isInterrupted: (chatId: string) => this.conversation.player.isInterrupted(chatId),
      log: this.log,
    };
    const attach = (streamed: StreamedAvatar) => {
      this.streamed = streamed;
      this.surface?.destroy();
      this.surface = streamed.surface;
      return this.element.attachSurface(streamed.surface);
    };
    return startStreamedAvatar(this.options.address.httpBase, host, attach, this.language).then(() => undefined);
  }

  private handleSleep(): void {
    this.conversation.interrupt(false);
    const { enableLocalWakeup, wakeWord, wakeWordThreshold } = this.config;
    const wake = enableLocalWakeup ? { word: wakeWord, threshold: wakeWordThreshold, onWake: () => this.sleepState.wakeup('VOICE') } : undefined;
    this.voice.setSleeping(true, wake);
    this.updateAvatarState();
    this.log.info('asleep');
    this.emitter.emit('enterSleep', {});
  }

  private handleWake(type: WakeupType | undefined): void {
    this.voice.setSleeping(false);
    this.updateAvatarState();
    this.log.info('awake', type ?? '');
    this.emitter.emit('enterActive', type ? { type } : {});
  }

  private handleLanguageChanged(language: LanguageCode): void {
    if (language !== this.job.language) {
      this.element.language = language;
      this.setJob({ language });
      this.emitter.emit('languageInfoChange', this.getLanguageInfo());
    }
    this.languageRequest.handleLanguageChanged(language);
  }

  /** The page is going away: a beacon frees the slot at once (a WebSocket frame may not leave a closing page). */
  private handlePageHide(): void {
    if (this.job.state !== 'ENDED') this.connection.sendEndBeacon();
    void this.destroy();
  }

  /** The session is over (the server ended it, or the channel was lost for good). */
  private endSession(code: number, reason: string, endReason: string | null): void {
    if (this.destroying || this.job.state === 'ENDED') return;
    if (!endReason) {
      this.log.error(`channel lost (${code}${reason ? ` ${reason}` : ''})`);
      this.emitError('NETWORK_ERROR', DHKitError.fromCode('NETWORK_ERROR', this.language).message, false);
    }
    this.conversation.handleSessionOver();
    const wasConnecting = this.job.state === 'CONNECTING';
    this.setJob({ state: 'ENDED', interactionMode: null });
    if (!wasConnecting) this.emitter.emit('jobEnd', { jobId: this.job.jobId, reason: endReason ?? 'CLOSED' });
  }

  private get language(): LanguageCode | undefined {
    return this.job.language ?? undefined;
  }

  private get languageList(): LanguageCode[] {
    return this.connection.info?.robot?.languages?.filter(isLanguageCode) ?? [];
  }

  private assertLive(): void {
    if (this.job.state === 'ENDED' || this.destroying) throw DHKitError.fromCode('SESSION_ENDED', this.language);
  }

  private setJob(patch: Partial<JobInfo>): void {
    this.job = { ...this.job, ...patch };
    this.element.state = this.job.state;
    this.updateAvatarState();
    this.emitter.emit('jobInfoChange', this.getJobInfo());
  }

  private updateAvatarState(): void {
    const listening = this.job.state === 'CHATTING' && this.job.interactionMode === 'AUDIO';
    this.surface?.setState(this.conversation.avatarState(this.sleepState?.asleep ?? false, listening));
  }

  private emitError(code: ErrorCode, message: string, show: boolean): void {
    this.log.warn(`error ${code}: ${message}`);
    if (show) this.element.showError(code);
    this.emitter.emit('error', { code, message });
  }

  /** Releases everything: channel (with bye, or an end request before ready), audio, avatar, element. */
  private async teardown(): Promise<void> {
    this.sleepState.stop();
    this.listening.abort();
    const closed = this.connection.close();
    await this.voice.close();
    this.surface?.destroy();
    this.languageRequest.handleRefused(DHKitError.fromCode('SESSION_ENDED', this.language));
    this.element.remove();
    await Promise.all([closed, this.conversation.player.close()]);
  }
}

function guessLanguage(): LanguageCode {
  return typeof navigator !== 'undefined' && /^zh\b/i.test(navigator.language) ? 'zh_CN' : 'en_US';
}
