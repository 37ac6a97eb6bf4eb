import {
  decodeAudioFrame,
  isErrorCode,
  isLanguageCode,
  type ErrorCode,
  type InteractionMode,
  type LanguageCode,
  type LiveKitJoinInfo,
  type QuestionMessage,
  type ServerMessage,
  type SessionInfo,
} from '@dhkit/protocol';
import { isViseme, type AvatarState, type AvatarSurface, type VisemeCue } from '../avatar/avatar-surface.js';
import { packManifestUrl } from '../avatar/avatar-pack.js';
import type { StreamedAvatar } from '../avatar/livekit-surface.js';
import { requestSession } from '../channel/admission.js';
import { SessionChannel, type ChannelHandlers } from '../channel/channel.js';
import { isFinalClose, retryResume } from '../channel/resume.js';
import { channelUrl, sessionEndUrl, type ServerAddress } from '../channel/server-address.js';
import { AudioPlayer } from '../playback/audio-player.js';
import { BrowserRecognition } from '../voice/browser-recognition.js';
import { SleepController, WAKEUP_TYPES, type WakeupType } from '../voice/sleep-controller.js';
import { VoiceInput, type HandsFreeOptions } from '../voice/voice-input.js';
import { newAudioContext } from './browser-support.js';
import { newChatId, validateDrivenText, validateExtendParam, validateQuestion } from './chat.js';
import { defaultConfig, mergeConfig, type DigitalHumanConfig } from './config.js';
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
import { createLogger, type Logger, type LogLevel } from './logger.js';
import type { DigitalHumanView, ViewFactory } from './view.js';

/** Media mode `livekit`: how long create() waits for the avatar stream's first frame after admission. */
const STREAM_TIMEOUT_MS = 20_000;

/** Options of create(), checked and resolved. */
export interface ResolvedOptions {
  address: ServerAddress;
  robotId: string;
  onceCode: string;
  /** Where the view goes; none for the headless core. */
  container?: HTMLElement;
  /** Makes the view: `<digital-human>` (the full SDK) or a headless one (`@dhkit/sdk/core`). */
  makeView: ViewFactory;
  config: unknown;
  eventListeners: DigitalHumanEventListeners | undefined;
  logLevel: LogLevel;
}

/**
 * One digital human on the page: a session with the server, its audio playback, its avatar and its view.
 * Made by `create()`; several may live on one page, they share nothing.
 */
export class DigitalHuman {
  private readonly emitter = new TypedEmitter<DigitalHumanEventMap>();
  private readonly log: Logger;
  private config: DigitalHumanConfig;
  private job: JobInfo;
  private readonly element: DigitalHumanView;
  private surface: AvatarSurface | null;
  /** Livekit media mode: the renderer's stream (a lazy chunk) in place of the local avatar. */
  private streamed: StreamedAvatar | null = null;
  /** The changeLanguage() waiting for the server's languageChanged. */
  private languageRequest: { language: LanguageCode; resolve: () => void; reject: (error: DHKitError) => void } | null = null;
  private readonly player: AudioPlayer;
  private channel: SessionChannel | null = null;
  private session: SessionInfo | null = null;
  /** Chats asked or driven whose turnEnd has not come yet. */
  private readonly pendingChats = new Set<string>();
  private readonly speakingChats = new Set<string>();
  /** The question waiting for its first audio (the avatar looks thoughtful meanwhile). */
  private thinkingChatId: string | null = null;
  /** The driven utterance being sent piece by piece, until isLast. */
  private drivenChatId: string | null = null;
  private sessionEndReason: string | null = null;
  private destroying: Promise<void> | null = null;
  /** Reconnecting after a lost channel (the session lives on at the server for its lease TTL). */
  private resuming = false;
  /**
   * The last question until the server starts its turn: a question sent in the instant a network blip
   * kills the socket is lost with it, so a resumed channel asks it again (same chatId).
   */
  private unansweredQuestion: QuestionMessage | null = null;
  /** The browser's own speech recognition (`asrMode: 'browser'`), and the chat of the utterance it hears. */
  private browserAsr: BrowserRecognition | null = null;
  private browserAsrChatId: string | null = null;
  /** Voice input (push-to-talk, hands-free, injected audio); made when first used. */
  private voice: VoiceInput | null = null;
  /** Idle sleep and wake-up (`enableLocalWakeup`). */
  private readonly sleepState = new SleepController({
    enabled: () => this.config.enableLocalWakeup,
    idleSeconds: () => this.config.sleepAfterIdleSeconds,
    enterSleep: () => {
      this.interruptActive(false);
      this.voice?.setSleeping(true, this.config.enableLocalWakeup ? {
        word: this.config.wakeWord,
        threshold: this.config.wakeWordThreshold,
        onWake: () => this.sleepState.wakeup('VOICE'),
      } : undefined);
      this.updateAvatarState();
      this.log.info('asleep');
      this.emitter.emit('enterSleep', {});
    },
    enterActive: (type) => {
      this.voice?.setSleeping(false);
      this.updateAvatarState();
      this.log.info('awake', type ?? '');
      this.emitter.emit('enterActive', type ? { type } : {});
    },
  });
  private readonly onGesture = () => {
    this.player.resume();
    this.streamed?.resumeAudio();
  };
  /**
   * The page is going away: say bye, and send a beacon too (a WebSocket frame may not leave a closing
   * page), so the server frees the slot at once instead of after the lease TTL.
   */
  private readonly onPageHide = () => {
    const session = this.session;
    if (session && this.job.state !== 'ENDED' && typeof navigator !== 'undefined' && navigator.sendBeacon) {
      try {
        navigator.sendBeacon(
          sessionEndUrl(this.options.address, session.sessionId),
          new Blob([JSON.stringify({ token: session.token })], { type: 'text/plain' }),
        );
      } catch {
        // best effort: the lease runs out anyway
      }
    }
    void this.destroy();
  };

  private constructor(private readonly options: ResolvedOptions) {
    this.log = createLogger(options.logLevel);
    this.config = mergeConfig(defaultConfig(), options.config, (m) => console.warn(`[dhkit] ${m}`)).config;
    this.job = {
      jobId: '',
      sessionId: '',
      robotId: options.robotId,
      state: 'CONNECTING',
      interactionMode: null,
      language: null,
      mediaMode: 'local',
    };
    if (options.eventListeners) this.addEventListeners(options.eventListeners);

    // Created here, synchronously inside create(), so a create() called from a click may start audio.
    this.player = new AudioPlayer(
      newAudioContext(),
      {
        speakingStart: (chatId) => this.onSpeakingStart(chatId),
        speakingStop: (chatId) => this.onSpeakingStop(chatId),
        clauseStart: (_chatId, _clauseId, text) => this.element.showClause(text),
        // Timings from the speech engine drive the mouth; names outside the viseme set are dropped.
        visemes: (cues) => this.surface?.setVisemeTimeline(cues && cues.filter((cue): cue is VisemeCue => isViseme(cue.viseme))),
      },
      this.log,
    );
    this.player.resume();
    this.player.setMuted(this.config.defaultMuteRemoteAudio);

    const made = options.makeView(options.container);
    this.element = made.view;
    this.surface = made.surface;
    this.element.config = this.config;
    this.element.serverAddress = options.address.httpBase;
    this.element.language = guessLanguage();
    this.element.state = 'CONNECTING';
    this.element.addEventListener('dh-question', this.onQuestionSubmitted);
    this.element.addEventListener('dh-interrupt', this.onInterruptPressed);
    this.element.addEventListener('dh-mic', this.onMicPressed);
    this.element.addEventListener('dh-device-change', this.onDevicePicked);
    this.element.addEventListener('dh-language-change', this.onLanguageChosen);
    this.element.addEventListener('dh-media-blocked', this.onMediaBlocked);
    this.element.addEventListener('pointerdown', this.onGesture);
    this.element.addEventListener('keydown', this.onGesture);
    if (typeof window !== 'undefined') window.addEventListener('pagehide', this.onPageHide);

    this.surface?.attachAnalyser(this.player.analyser);
  }

  /** @internal Used by create(): admission, channel handshake and first frame, in that order of need. */
  static async open(options: ResolvedOptions): Promise<DigitalHuman> {
    let dh: DigitalHuman;
    try {
      dh = new DigitalHuman(options);
    } catch (error) {
      throw toDHKitError(error, 'INTERNAL_ERROR');
    }
    // The avatar draws while the network work runs, so the page shows it at once.
    const drawn = dh.surface ? dh.element.attachSurface(dh.surface) : Promise.resolve();
    drawn.catch(() => {});
    try {
      dh.emitter.emit('jobInfoChange', dh.getJobInfo());
      const session = await requestSession(options.address, { robotId: options.robotId, onceCode: options.onceCode });
      dh.session = session;
      // Livekit mode: the renderer's stream replaces the local avatar (docs/livekit.md).
      const streamed = session.mediaMode === 'livekit' && session.livekit ? dh.streamAvatar(session.livekit) : null;
      streamed?.catch(() => {});
      // The robot's avatar pack loads while the channel opens; `drawn` waits for its first frame.
      if (!streamed) void dh.surface?.load({ kind: 'pack', url: packManifestUrl(options.address.httpBase, session.robot?.avatar) });
      dh.log.info('session admitted', session.sessionId);
      const channel = new SessionChannel(
        channelUrl(options.address, session.channelPath),
        session.token,
        session.heartbeatIntervalMs,
        dh.log,
      );
      dh.channel = channel;
      const welcome = await channel.open(dh.channelHandlers);
      await (streamed ?? drawn);
      if (dh.job.state !== 'CONNECTING') throw DHKitError.fromCode('NETWORK_ERROR');
      const language = isLanguageCode(welcome.language) ? welcome.language : session.language;
      dh.element.language = language;
      dh.element.profile = session.robot ?? null;
      dh.element.sessionId = session.sessionId;
      dh.setJob({
        jobId: session.jobId || session.sessionId,
        sessionId: session.sessionId,
        language,
        mediaMode: session.mediaMode,
        state: 'READY',
      });
      dh.log.info('ready');
      dh.sleepState.activity();
      return dh;
    } catch (error) {
      await dh.teardown();
      // Network failures are already DHKitErrors (NETWORK_ERROR); anything else is our bug.
      throw toDHKitError(error, 'INTERNAL_ERROR');
    }
  }

  // ---- public API ----

  /** Merges `config` into the current config and updates the view. Unknown keys warn and are ignored. */
  setConfig(config: Partial<DigitalHumanConfig>): void {
    const { config: merged, changed } = mergeConfig(this.config, config, (m) => console.warn(`[dhkit] ${m}`));
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
        console.warn(`[dhkit] unknown event '${name}' ignored.`);
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
    this.player.resume();
    this.sleepState.wakeup();
    this.sleepState.activity();
    if (mode === 'AUDIO' && this.usesBrowserAsr()) this.listenInBrowser(true);
    else if (mode === 'AUDIO') await this.voiceInput().startHandsFree(options?.vad);
    else {
      this.browserAsr?.abort();
      if (this.voice?.activeMode === 'handsFree') await this.voice.stop();
    }
    if (this.job.state !== 'CHATTING' || this.job.interactionMode !== mode) {
      this.setJob({ state: 'CHATTING', interactionMode: mode });
    }
  }

  /** Leaves chat mode: stops any speech and listening; the session stays open (a later question starts a chat again). */
  stopChat(): void {
    if (this.job.state === 'ENDED') return;
    void this.voice?.stop();
    this.browserAsr?.abort();
    this.interruptActive(true);
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
    if (this.job.state === 'CHATTING' && this.job.interactionMode !== 'TEXT') {
      throw DHKitError.fromCode('NOT_IN_TEXT_MODE', this.language);
    }
    if (this.job.state !== 'CHATTING') this.setJob({ state: 'CHATTING', interactionMode: 'TEXT' });
    return { chatId: this.ask(newChatId(), text, extendParam) };
  }

  /** Sends a question (typed, or recognised in the browser) and waits for its answer. */
  private ask(chatId: string, text: string, extendParam?: Record<string, unknown>): string {
    this.player.resume();
    this.interruptActive(false);
    this.sleepState.wakeup();
    this.sleepState.activity();
    const message = { type: 'question' as const, chatId, text, ...(extendParam ? { extendParam } : {}) };
    this.send(message);
    this.unansweredQuestion = message;
    this.pendingChats.add(chatId);
    this.thinkingChatId = chatId;
    this.updateAvatarState();
    return chatId;
  }

  /** Whether speech goes to the browser's own recognition: asked for, and this browser has it. */
  private usesBrowserAsr(): boolean {
    if (this.config.asrMode !== 'browser') return false;
    if (BrowserRecognition.isAvailable()) return true;
    this.log.warn("asrMode 'browser': this browser has no SpeechRecognition; using the server's speech recognition");
    return false;
  }

  /** Listens with the browser's recognition: interim text as speechRecognized, each final text asked. */
  private listenInBrowser(handsFree: boolean): void {
    this.browserAsr ??= new BrowserRecognition({
      result: (text, isFinal) => {
        const chatId = (this.browserAsrChatId ??= newChatId());
        if (isFinal) this.browserAsrChatId = null;
        this.emitter.emit('speechRecognized', { chatId, text, isLast: isFinal });
        if (isFinal && text !== '' && this.job.state !== 'ENDED') this.ask(chatId, text);
      },
      error: (code, detail) => this.emitError(code, `${DHKitError.fromCode(code, this.language).message} (${detail})`, true),
    });
    this.browserAsrChatId = null;
    this.browserAsr.start(this.language ?? this.session?.language ?? 'en_US', handsFree);
  }

  /**
   * Makes the avatar say `text`, in pieces that share one chatId until `isLast` (default true). The first
   * piece of a new utterance interrupts what the avatar is saying.
   */
  sendDrivenText(piece: { text: string; isLast?: boolean }): { chatId: string } {
    this.assertLive();
    const { text, isLast } = validateDrivenText(piece?.text, piece?.isLast);
    this.player.resume();
    if (!this.drivenChatId) {
      this.interruptActive(false);
      this.drivenChatId = newChatId();
      this.pendingChats.add(this.drivenChatId);
    }
    const chatId = this.drivenChatId;
    this.send({ type: 'drivenText', chatId, text, isLast });
    if (isLast) this.drivenChatId = null;
    return { chatId };
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
    this.player.resume();
    if (this.usesBrowserAsr()) {
      this.interruptActive(false);
      return this.listenInBrowser(false);
    }
    await this.voiceInput().startPushToTalk();
  }

  /** Ends push-to-talk: the utterance is recognized (`speechRecognized`) and answered. */
  stopUserSpeak(): { chatId: string | null } {
    if (this.browserAsr?.active) {
      // The final result (and its question) follows when the browser has finished recognising.
      const chatId = (this.browserAsrChatId ??= newChatId());
      this.browserAsr.stop();
      return { chatId };
    }
    return { chatId: this.voice?.stopPushToTalk() ?? null };
  }

  /**
   * Sends audio from another source (a kiosk's microphone array) as one spoken question: mono PCM as
   * Int16Array or Float32Array at `sampleRate`. Returns the chatId of the answer.
   */
  sendCustomLocalAudio(audio: { data: Int16Array | Float32Array; sampleRate: number }): { chatId: string } {
    this.assertLive();
    this.player.resume();
    return { chatId: this.voiceInput().sendCustomAudio(audio?.data, audio?.sampleRate) };
  }

  /** Chooses the microphone by `deviceId` (from `navigator.mediaDevices.enumerateDevices()`); '' = default. */
  async setAudioInputDevice(options: { deviceId: string }): Promise<void> {
    await this.voiceInput().setDevice(options?.deviceId);
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
    this.interruptActive(true);
  }

  muteRemoteAudio(): void {
    this.player.setMuted(true);
    this.streamed?.setMuted(true);
  }

  unmuteRemoteAudio(): void {
    this.player.resume();
    this.player.setMuted(false);
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
    this.languageRequest?.reject(DHKitError.fromCode('LANGUAGE_NOT_SUPPORTED', this.language));
    return new Promise<void>((resolve, reject) => {
      this.languageRequest = { language, resolve, reject };
      try {
        this.send({ type: 'changeLanguage', language });
      } catch (error) {
        this.languageRequest = null;
        reject(toDHKitError(error));
      }
    });
  }

  /** The language in use and the robot's languages. */
  getLanguageInfo(): { currentLanguage: LanguageCode; languageList: LanguageCode[] } {
    return { currentLanguage: this.job.language ?? this.element.language, languageList: [...this.languageList] };
  }

  getJobInfo(): JobInfo {
    return { ...this.job };
  }

  /** Ends the session (bye), stops audio, removes the element. Safe to call more than once. */
  destroy(): Promise<void> {
    if (!this.destroying) {
      const wasEnded = this.job.state === 'ENDED';
      this.destroying = this.teardown().then(() => {
        if (!wasEnded) this.setJob({ state: 'ENDED', interactionMode: null });
        this.emitter.removeAllListeners();
      });
    }
    return this.destroying;
  }

  // ---- internals ----

  /**
   * Loads the livekit chunk and swaps the local avatar for the renderer's stream; resolves on its first
   * frame. A chunk that does not load, a room that cannot be joined, or a stream that never shows (WebRTC
   * blocked on the visitor's network, say) is a NETWORK_ERROR, the last after STREAM_TIMEOUT_MS.
   */
  private async streamAvatar(join: LiveKitJoinInfo): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const chunk: typeof import('../avatar/livekit-surface.js') = await import(/* @vite-ignore */ /* webpackIgnore: true */ `${this.options.address.httpBase}/sdk/livekit.esm.js`);
      const streamed = (this.streamed = chunk.streamAvatar({
        join,
        muted: this.config.defaultMuteRemoteAudio,
        clause: (text) => this.element.showClause(text),
        speakingStart: (chatId) => this.onSpeakingStart(chatId),
        speakingStop: (chatId) => this.onSpeakingStop(chatId),
        isInterrupted: (chatId) => this.player.isInterrupted(chatId),
        log: this.log,
      }));
      this.surface?.destroy();
      this.surface = streamed.surface;
      const shown = this.element.attachSurface(streamed.surface);
      await Promise.race([
        Promise.all([streamed.surface.connect(), shown]),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no video from the avatar stream')), STREAM_TIMEOUT_MS))),
      ]);
    } catch (error) {
      throw DHKitError.fromCode('NETWORK_ERROR', this.language, error);
    } finally {
      clearTimeout(timer);
    }
  }

  private get language(): LanguageCode | undefined {
    return this.job.language ?? undefined;
  }

  private get languageList(): LanguageCode[] {
    return this.session?.robot?.languages?.filter(isLanguageCode) ?? [];
  }

  private voiceInput(): VoiceInput {
    if (this.session && this.session.robot?.voiceInput === false) {
      throw DHKitError.fromCode('VOICE_INPUT_NOT_CONFIGURED', this.language);
    }
    this.voice ??= new VoiceInput({
      sdkBase: `${this.options.address.httpBase}/sdk`,
      sendMessage: (message) => !!this.channel?.send(message),
      sendBinary: (frame) => !!this.channel?.sendBinary(frame),
      newChatId,
      isAvatarSpeaking: () => this.speakingChats.size > 0 || this.player.activeChatIds.length > 0,
      bargeInEnabled: () => this.config.enableVadInterrupt,
      interrupt: () => this.interruptActive(false),
      utteranceSent: (chatId) => {
        this.sleepState.wakeup();
        this.sleepState.activity();
        // Push-to-talk and injected audio outside a chat start a TEXT chat, so typing keeps working.
        if (this.job.state !== 'CHATTING') {
          this.setJob({ state: 'CHATTING', interactionMode: this.voice?.activeMode === 'handsFree' ? 'AUDIO' : 'TEXT' });
        }
        this.thinkingChatId = chatId;
        this.updateAvatarState();
      },
      language: () => this.language,
      log: this.log,
    });
    return this.voice;
  }

  private assertLive(): void {
    if (this.job.state === 'ENDED' || this.destroying) throw DHKitError.fromCode('SESSION_ENDED', this.language);
  }

  private send(message: Parameters<SessionChannel['send']>[0]): void {
    if (!this.channel?.send(message)) throw DHKitError.fromCode('NETWORK_ERROR', this.language);
  }

  /** Stops local playback of every active chat; tells the server when something was going on (or `always`). */
  private interruptActive(always: boolean): void {
    const active = this.pendingChats.size > 0 || this.speakingChats.size > 0 || this.player.activeChatIds.length > 0;
    if (active || always) this.channel?.send({ type: 'interrupt' });
    if (this.drivenChatId) this.pendingChats.add(this.drivenChatId);
    this.player.interrupt(this.pendingChats);
    this.streamed?.interrupt();
    this.pendingChats.clear();
    this.drivenChatId = null;
    this.thinkingChatId = null;
    this.unansweredQuestion = null;
    this.speakingChats.clear();
    this.element.speaking = false;
    this.element.showClause('');
    this.element.endAnswer();
    this.updateAvatarState();
  }

  private setJob(patch: Partial<JobInfo>): void {
    this.job = { ...this.job, ...patch };
    this.element.state = this.job.state;
    this.updateAvatarState();
    this.emitter.emit('jobInfoChange', this.getJobInfo());
  }

  private updateAvatarState(): void {
    let state: AvatarState = 'idle';
    // Asleep: the idle pose (the avatar surface has no separate sleep pose yet).
    if (this.sleepState.asleep) state = 'idle';
    else if (this.speakingChats.size > 0) state = 'speaking';
    else if (this.thinkingChatId) state = 'thinking';
    else if (this.job.state === 'CHATTING' && this.job.interactionMode === 'AUDIO') state = 'listening';
    this.surface?.setState(state);
  }

  private emitError(code: ErrorCode, message: string, show: boolean): void {
    this.log.warn(`error ${code}: ${message}`);
    if (show) this.element.showError(code);
    this.emitter.emit('error', { code, message });
  }

  private onSpeakingStart(chatId: string): void {
    this.sleepState.activity();
    this.speakingChats.add(chatId);
    if (this.thinkingChatId === chatId) this.thinkingChatId = null;
    this.element.speaking = true;
    this.updateAvatarState();
    this.emitter.emit('speakingStart', { chatId });
  }

  private onSpeakingStop(chatId: string): void {
    this.sleepState.activity();
    this.speakingChats.delete(chatId);
    if (this.speakingChats.size === 0) {
      this.element.speaking = false;
      this.element.clearClauseSoon();
    }
    this.updateAvatarState();
    this.emitter.emit('speakingStop', { chatId });
  }

  private onServerMessage(message: ServerMessage): void {
    switch (message.type) {
      case 'turnStart':
        this.log.debug('turnStart', message.chatId, message.kind);
        if (this.unansweredQuestion?.chatId === message.chatId) this.unansweredQuestion = null;
        if (!this.player.isInterrupted(message.chatId)) this.pendingChats.add(message.chatId);
        break;
      case 'semantic':
        if (this.player.isInterrupted(message.chatId)) return;
        this.element.addAnswer(message.chatId, String(message.text ?? ''), !!message.isLast);
        this.emitter.emit('semanticRecognized', { chatId: message.chatId, text: String(message.text ?? ''), isLast: !!message.isLast });
        break;
      case 'speech':
        this.log.debug('speech', message.chatId, message.clauseId, message.text);
        this.player.announceClause(message);
        break;
      case 'turnEnd':
        this.log.debug('turnEnd', message.chatId, message.reason);
        this.pendingChats.delete(message.chatId);
        if (this.thinkingChatId === message.chatId) this.thinkingChatId = null;
        this.player.endChat(message.chatId);
        this.streamed?.turnEnded(message.chatId);
        this.updateAvatarState();
        break;
      case 'languageChanged':
        this.onLanguageChanged(message.language);
        break;
      case 'error': {
        const code = isErrorCode(message.code) ? message.code : 'INTERNAL_ERROR';
        if (code === 'LANGUAGE_NOT_SUPPORTED' && this.languageRequest) {
          this.languageRequest.reject(new DHKitError(code, String(message.message ?? code)));
          this.languageRequest = null;
        }
        // The view shows weak errors (the conversation goes on) only with enableWeakErrorInfo.
        this.emitError(code, String(message.message ?? code), true);
        break;
      }
      case 'speechRecognized': {
        const text = String(message.text ?? '');
        this.emitter.emit('speechRecognized', { chatId: message.chatId, text, isLast: !!message.isLast });
        if (message.isLast && text === '' && this.thinkingChatId === message.chatId) {
          this.thinkingChatId = null;
          this.updateAvatarState();
        }
        break;
      }
      case 'pong':
        this.log.debug('pong, rtt ms', Date.now() - message.t);
        break;
      case 'sessionEndMention':
        this.log.info('sessionEndMention', message.reason, message.restTime);
        this.emitter.emit('jobEndMention', { jobId: this.job.jobId, restTime: Number(message.restTime) || 0 });
        break;
      case 'sessionEnd':
        this.log.info('sessionEnd', message.reason);
        this.sessionEndReason = message.reason;
        break;
      default:
        this.log.debug('ignored message', (message as { type: string }).type);
    }
  }

  private onAudioFrame(bytes: Uint8Array): void {
    const frame = decodeAudioFrame(bytes);
    if (!frame) {
      this.log.warn('ignored a malformed binary frame');
      return;
    }
    this.player.enqueue(frame);
  }

  private readonly channelHandlers: ChannelHandlers = {
    message: (message) => this.onServerMessage(message),
    binary: (frame) => this.onAudioFrame(frame),
    lost: (event) => this.onChannelLost(event.code, event.reason),
  };

  private onChannelLost(code: number, reason: string): void {
    if (this.destroying || this.job.state === 'ENDED') return;
    const session = this.session;
    if (!this.sessionEndReason && !isFinalClose(code) && session && this.job.state !== 'CONNECTING') {
      void this.resume(session, code, reason);
      return;
    }
    this.endAfterLoss(code, reason);
  }

  /** Reopens the channel with the same token, backing off, within the session's lease TTL. */
  private async resume(session: SessionInfo, code: number, reason: string): Promise<void> {
    if (this.resuming) return;
    this.resuming = true;
    this.log.info(`channel lost (${code}${reason ? ` ${reason}` : ''}); resuming`);
    // What was playing belongs to a turn the server has cancelled; a question still waiting for its turn
    // is asked again once the channel is back.
    const reask = this.unansweredQuestion;
    if (reask) this.pendingChats.delete(reask.chatId);
    this.player.interrupt(this.pendingChats);
    this.streamed?.interrupt();
    this.pendingChats.clear();
    this.speakingChats.clear();
    this.thinkingChatId = null;
    this.drivenChatId = null;
    this.element.speaking = false;
    this.element.showClause('');
    this.updateAvatarState();
    try {
      const channel = await retryResume(
        async () => {
          const next = new SessionChannel(
            channelUrl(this.options.address, session.channelPath),
            session.token,
            session.heartbeatIntervalMs,
            this.log,
          );
          try {
            await next.open(this.channelHandlers, { resume: true });
          } catch (error) {
            next.abandon();
            throw error;
          }
          return next;
        },
        {
          windowMs: session.leaseTtlMs || 30_000,
          cancelled: () => !!this.destroying || this.job.state === 'ENDED',
        },
      );
      if (this.destroying || this.job.state === 'ENDED') {
        channel.close();
        return;
      }
      this.channel = channel;
      this.log.info('channel resumed');
      if (reask && this.unansweredQuestion === reask) {
        this.send(reask);
        this.pendingChats.add(reask.chatId);
        this.thinkingChatId = reask.chatId;
        this.updateAvatarState();
      }
    } catch {
      this.endAfterLoss(code, reason);
    } finally {
      this.resuming = false;
    }
  }

  private endAfterLoss(code: number, reason: string): void {
    if (this.destroying || this.job.state === 'ENDED') return;
    const endReason = this.sessionEndReason ?? 'CLOSED';
    if (!this.sessionEndReason) {
      this.log.error(`channel lost (${code}${reason ? ` ${reason}` : ''})`);
      this.emitError('NETWORK_ERROR', DHKitError.fromCode('NETWORK_ERROR', this.language).message, false);
    }
    this.player.interrupt(this.pendingChats);
    this.pendingChats.clear();
    this.speakingChats.clear();
    this.thinkingChatId = null;
    this.element.speaking = false;
    this.element.showClause('');
    const wasConnecting = this.job.state === 'CONNECTING';
    this.setJob({ state: 'ENDED', interactionMode: null });
    if (!wasConnecting) this.emitter.emit('jobEnd', { jobId: this.job.jobId, reason: endReason });
    void this.player.close();
  }

  private readonly onQuestionSubmitted = (event: Event) => {
    const detail = (event as CustomEvent<{ text: string }>).detail;
    try {
      this.sendTextQuestion({ text: detail?.text });
    } catch (error) {
      event.preventDefault();
      const failure = toDHKitError(error);
      this.emitError(failure.code, failure.message, true);
    }
  };

  private readonly onInterruptPressed = () => this.interruptSpeaking();

  /** The visitor chose a microphone in the picker (`enableDeviceSetting`). */
  private readonly onDevicePicked = (event: Event) => {
    const deviceId = (event as CustomEvent<{ deviceId: string }>).detail?.deviceId ?? '';
    this.setAudioInputDevice({ deviceId }).catch((error: unknown) => {
      const failure = toDHKitError(error, 'MICROPHONE_UNAVAILABLE');
      this.emitError(failure.code, failure.message, true);
    });
  };

  private readonly onMicPressed = (event: Event) => {
    if ((event as CustomEvent<{ action: 'start' | 'stop' }>).detail?.action === 'stop') {
      this.stopUserSpeak();
      this.element.listening = false;
      return;
    }
    this.element.listening = true;
    this.startUserSpeak().catch((error: unknown) => {
      this.element.listening = false;
      const failure = toDHKitError(error);
      this.emitError(failure.code, failure.message, true);
    });
  };

  private readonly onLanguageChosen = (event: Event) => {
    this.changeLanguage({ langCode: (event as CustomEvent<{ langCode: LanguageCode }>).detail?.langCode }).catch((error: unknown) => {
      const failure = toDHKitError(error);
      this.emitError(failure.code, failure.message, true);
    });
  };

  private readonly onMediaBlocked = (event: Event) => {
    const dropped = (event as CustomEvent<{ dropped: Array<{ kind: string; value: string }> }>).detail?.dropped ?? [];
    const what = dropped.map((item) => `${item.kind} ${item.value}`).join(', ');
    this.emitError('MEDIA_BLOCKED', `Left out of the answer by the media policy: ${what}`, true);
  };

  private onLanguageChanged(language: LanguageCode): void {
    if (!isLanguageCode(language)) return;
    const request = this.languageRequest;
    this.languageRequest = null;
    if (language !== this.job.language) {
      this.element.language = language;
      this.setJob({ language });
      this.emitter.emit('languageInfoChange', this.getLanguageInfo());
    }
    if (request?.language === language) request.resolve();
  }

  /** Releases everything: channel (with bye), audio, avatar, element. */
  private async teardown(): Promise<void> {
    this.sleepState.stop();
    this.browserAsr?.abort();
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.onPageHide);
    this.channel?.close();
    await this.voice?.close().catch(() => undefined);
    this.surface?.destroy();
    this.languageRequest?.reject(DHKitError.fromCode('SESSION_ENDED', this.language));
    this.languageRequest = null;
    this.element.removeEventListener('dh-question', this.onQuestionSubmitted);
    this.element.removeEventListener('dh-interrupt', this.onInterruptPressed);
    this.element.removeEventListener('dh-mic', this.onMicPressed);
    this.element.removeEventListener('dh-device-change', this.onDevicePicked);
    this.element.removeEventListener('dh-language-change', this.onLanguageChosen);
    this.element.removeEventListener('dh-media-blocked', this.onMediaBlocked);
    this.element.removeEventListener('pointerdown', this.onGesture);
    this.element.removeEventListener('keydown', this.onGesture);
    this.element.remove();
    await this.player.close();
  }
}

function guessLanguage(): LanguageCode {
  return typeof navigator !== 'undefined' && /^zh\b/i.test(navigator.language) ? 'zh_CN' : 'en_US';
}
