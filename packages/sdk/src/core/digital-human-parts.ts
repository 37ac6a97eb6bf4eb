import { isLanguageCode, type ErrorCode, type LanguageCode, type LiveKitJoinInfo } from '@dhkit/protocol';
import type { AvatarSurface } from '../avatar/avatar-surface.js';
import { packManifestUrl } from '../avatar/avatar-pack.js';
import type { StreamedAvatar } from '../avatar/livekit-surface.js';
import { startStreamedAvatar } from '../avatar/stream-avatar.js';
import { SessionConnection } from '../channel/session-connection.js';
import { SleepController, type WakeupType } from '../voice/sleep-controller.js';
import { VoiceController } from '../voice/voice-controller.js';
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
import { createLogger, type Logger } from './logger.js';
import type { ResolvedOptions } from './options.js';
import { routeServerMessage, type SessionMessageHandlers } from './server-messages.js';
import type { ViewHooks } from './view-events.js';
import type { DigitalHumanView } from './view.js';

/**
 * The parts of one digital human, wired: the session connection, the conversation (with its audio
 * playback), voice, sleep, language requests and the view; the session's life from create() to destroy().
 * `DigitalHuman` puts the public API on top. Each part gets callbacks, never this object.
 */
export abstract class DigitalHumanParts {
  protected readonly emitter: TypedEmitter<DigitalHumanEventMap>;
  protected readonly log: Logger;
  protected config: DigitalHumanConfig;
  protected job: JobInfo;
  protected readonly element: DigitalHumanView;
  protected surface: AvatarSurface | null;
  /** Livekit media mode: the renderer's stream (a lazy chunk) in place of the local avatar. */
  protected streamed: StreamedAvatar | null = null;
  protected connection: SessionConnection;
  protected conversation: Conversation;
  protected readonly voice: VoiceController;
  protected readonly languageRequest = new LanguageRequest();
  protected readonly sleepState: SleepController;
  /** Aborted on teardown: removes every listener on the view and the window at once. */
  protected readonly listening = new AbortController();
  protected destroying: Promise<void> | null = null;
  /** Rejects when destroy() comes before the session is ready, so create() stops waiting (for a first frame, say). */
  protected readonly cancelled: Promise<never>;
  protected cancel!: (error: DHKitError) => void;

  protected constructor(private readonly options: ResolvedOptions) {
    this.log = createLogger(options.logLevel);
    this.cancelled = new Promise<never>((_, reject) => (this.cancel = reject));
    this.cancelled.catch(() => {});
    this.emitter = new TypedEmitter<DigitalHumanEventMap>(this.log);
    this.config = mergeConfig(defaultConfig(), options.config, (m) => this.log.warn(m)).config;
    this.job = {
      jobId: '',
      sessionId: '',
      robotId: options.robotId,
      state: 'CONNECTING',
      interactionMode: null,
      language: null,
      mediaMode: 'local',
    };
    if (options.eventListeners) this.addListeners(options.eventListeners);
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
    made.bridge?.(this.viewHooks(), this.listening.signal);
    if (typeof window !== 'undefined') window.addEventListener('pagehide', () => this.handlePageHide(), { signal: this.listening.signal });
  }

  /** Admission, channel handshake and first frame; the avatar draws while the network work runs. */
  protected async open(): Promise<this> {
    const drawn = (this.surface && this.element.attachSurface?.(this.surface)) || Promise.resolve();
    drawn.catch(() => {});
    try {
      this.emitter.emit('jobInfoChange', this.jobInfo());
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

  protected async connect(drawn: Promise<void>): Promise<void> {
    // Most robots show the default pack: its first frame loads while admission runs (the robot's own pack is known
    // only after it), so a first visit waits for admission and pictures side by side, not one after the other.
    this.surface?.prefetch?.({ kind: 'pack', url: packManifestUrl(this.options.address.httpBase, undefined) });
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
    this.setJob({
      jobId: session.jobId || session.sessionId,
      sessionId: session.sessionId,
      language,
      mediaMode: session.mediaMode,
      state: 'READY',
    });
    this.log.info('ready');
    this.sleepState.activity();
  }

  /**
   * Starts a new session on the same digital human ("start again", a kiosk's next visitor): ends the current
   * one if it is live, clears what it left on screen, then admits with a fresh once-code (create() needs a
   * function as `onceCode`). Resolves when the new session is ready; rejects like create() (the state is then
   * `ENDED`, and it may be called again).
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

  // ---- the parts, wired ----

  protected newConnection(): SessionConnection {
    const { address, robotId, onceCode, busyWaitMs } = this.options;
    return new SessionConnection({
      address,
      robotId,
      onceCode,
      busyWaitMs,
      log: this.log,
      events: {
        busy: (retryInMs, error) => {
          this.element.showBusy?.(retryInMs);
          // Each refusal, for pages that draw their own "all assistants are busy" (the headless core).
          if (error) this.emitter.emit('error', { code: error.code, message: error.message, retryInMs: retryInMs! });
        },
        message: (message) => routeServerMessage(message, this.conversation, this.sessionMessageHandlers, this.log),
        binary: (frame) => this.conversation.handleAudioFrame(frame),
        resuming: () => this.conversation.handleChannelResuming(),
        resumed: () => this.conversation.handleChannelResumed(),
        ended: (code, reason, endReason) => this.endSession(code, reason, endReason),
      },
    });
  }

  protected newConversation(): Conversation {
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

  protected newVoiceController(): VoiceController {
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

  /** What the view may do beyond the public API. */
  protected abstract viewHooks(): ViewHooks;

  protected readonly sessionMessageHandlers: SessionMessageHandlers = {
    handleLanguageChanged: (language) => this.handleLanguageChanged(language),
    handleError: (code, message) => {
      if (code === 'LANGUAGE_NOT_SUPPORTED') this.languageRequest.handleRefused(new DHKitError(code, message));
      // The view shows weak errors (the conversation goes on) only with enableWeakErrorInfo.
      this.emitError(code, message, true);
    },
    handleSessionEndMention: (restTime, reason) => {
      this.element.showEndCountdown?.(restTime, reason);
      this.emitter.emit('jobEndMention', { jobId: this.job.jobId, restTime, reason });
    },
    handleSessionEnd: (reason) => this.connection.handleSessionEnd(reason),
  };

  /** Sends a question (typed, or recognised in the browser) and waits for its answer. */
  protected ask(chatId: string, text: string, extendParam?: Record<string, unknown>): string {
    this.sleepState.wakeup();
    this.sleepState.activity();
    return this.conversation.ask(chatId, text, extendParam);
  }

  protected streamAvatar(join: LiveKitJoinInfo): Promise<void> {
    const host = {
      join,
      muted: this.config.defaultMuteRemoteAudio,
      clause: (text: string) => this.element.showClause?.(text),
      speakingStart: (chatId: string) => this.conversation.handleSpeakingStart(chatId),
      speakingStop: (chatId: string) => this.conversation.handleSpeakingStop(chatId),
      isInterrupted: (chatId: string) => this.conversation.player.isInterrupted(chatId),
      log: this.log,
    };
    const attach = async (streamed: StreamedAvatar) => {
      this.streamed = streamed;
      this.surface?.destroy();
      this.surface = streamed.surface;
      await this.element.attachSurface?.(streamed.surface);
    };
    return startStreamedAvatar(this.options.address.httpBase, host, attach, this.language).then(() => undefined);
  }

  protected handleSleep(): void {
    this.conversation.interrupt(false);
    const { enableLocalWakeup, wakeWord, wakeWordThreshold } = this.config;
    const wake = enableLocalWakeup
      ? { word: wakeWord, threshold: wakeWordThreshold, onWake: () => this.sleepState.wakeup('VOICE') }
      : undefined;
    this.voice.setSleeping(true, wake);
    this.updateAvatarState();
    this.log.info('asleep');
    this.emitter.emit('enterSleep', {});
  }

  protected handleWake(type: WakeupType | undefined): void {
    this.voice.setSleeping(false);
    this.updateAvatarState();
    this.log.info('awake', type ?? '');
    this.emitter.emit('enterActive', type ? { type } : {});
  }

  protected handleLanguageChanged(language: LanguageCode): void {
    if (language !== this.job.language) {
      this.element.language = language;
      this.setJob({ language });
      this.emitter.emit('languageInfoChange', this.languageInfo());
    }
    this.languageRequest.handleLanguageChanged(language);
  }

  /** The page is going away: a beacon frees the slot at once (a WebSocket frame may not leave a closing page). */
  protected handlePageHide(): void {
    if (this.job.state !== 'ENDED') this.connection.sendEndBeacon();
    void this.shutdown();
  }

  /** The session is over (the server ended it, or the channel was lost for good). */
  protected endSession(code: number, reason: string, endReason: string | null): void {
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

  protected get language(): LanguageCode | undefined {
    return this.job.language ?? undefined;
  }

  protected get languageList(): LanguageCode[] {
    return this.connection.info?.robot?.languages?.filter(isLanguageCode) ?? [];
  }

  protected assertLive(): void {
    if (this.job.state === 'ENDED' || this.destroying) throw DHKitError.fromCode('SESSION_ENDED', this.language);
  }

  protected setJob(patch: Partial<JobInfo>): void {
    this.job = { ...this.job, ...patch };
    this.element.state = this.job.state;
    this.updateAvatarState();
    this.emitter.emit('jobInfoChange', this.jobInfo());
  }

  protected updateAvatarState(): void {
    const listening = this.job.state === 'CHATTING' && this.job.interactionMode === 'AUDIO';
    this.surface?.setState(this.conversation.avatarState(this.sleepState?.asleep ?? false, listening));
  }

  protected emitError(code: ErrorCode, message: string, show: boolean): void {
    this.log.warn(`error ${code}: ${message}`);
    if (show) this.element.showError?.(code);
    this.emitter.emit('error', { code, message });
  }

  /** Releases everything: channel (with bye, or an end request before ready), audio, avatar, element. */
  protected async teardown(): Promise<void> {
    this.sleepState.stop();
    this.listening.abort();
    const closed = this.connection.close();
    await this.voice.close();
    this.surface?.destroy();
    this.languageRequest.handleRefused(DHKitError.fromCode('SESSION_ENDED', this.language));
    this.element.remove?.();
    await Promise.all([closed, this.conversation.player.close()]);
  }

  protected addListeners(listeners: DigitalHumanEventListeners): void {
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

  /** Ends everything once (destroy(), the page going away); before ready it cancels create(). */
  protected shutdown(): Promise<void> {
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

  protected jobInfo(): JobInfo {
    return { ...this.job };
  }

  protected languageInfo(): { currentLanguage: LanguageCode; languageList: LanguageCode[] } {
    return { currentLanguage: this.job.language ?? this.element.language, languageList: [...this.languageList] };
  }
}

function guessLanguage(): LanguageCode {
  return typeof navigator !== 'undefined' && /^zh\b/i.test(navigator.language) ? 'zh_CN' : 'en_US';
}
