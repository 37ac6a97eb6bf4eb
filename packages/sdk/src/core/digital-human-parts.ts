import { isLanguageCode, type ErrorCode, type LanguageCode, type LiveKitJoinInfo } from '@dhkit/protocol';
import type { AvatarSurface } from '../avatar/avatar-surface.js';
import type { StreamedAvatar } from '../avatar/livekit-surface.js';
import { startStreamedAvatar } from '../avatar/stream-avatar.js';
import { SessionConnection } from '../channel/session-connection.js';
import { SleepController, type WakeupType } from '../voice/sleep-controller.js';
import { VoiceController } from '../voice/voice-controller.js';
import { defaultConfig, mergeConfig, type DigitalHumanConfig } from './config.js';
import { Conversation } from './conversation.js';
import { DHKitError } from './errors.js';
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
 * playback), voice, sleep, language requests, the streamed avatar and the view, and the job state they
 * share. The session's life from create() to destroy() is digital-human-session.ts; `DigitalHuman` puts the
 * public API on top. Each part gets callbacks, never this object.
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
  /** A new one for each session, made by connect() (digital-human-session.ts); its audio once the session is ready. */
  protected conversation!: Conversation;
  protected readonly voice: VoiceController;
  protected readonly languageRequest = new LanguageRequest();
  protected readonly sleepState: SleepController;
  /** Aborted on teardown: removes every listener on the view and the window at once. */
  protected readonly listening = new AbortController();

  protected constructor(protected readonly options: ResolvedOptions) {
    this.log = createLogger(options.logLevel);
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
    this.element.state = this.job.state;
    made.bridge?.(this.viewHooks(), this.listening.signal);
    globalThis.addEventListener?.('pagehide', () => this.handlePageHide(), { signal: this.listening.signal });
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
      audioMade: (player) => {
        player.resume();
        player.setMuted(this.config.defaultMuteRemoteAudio);
        this.surface?.attachAnalyser(player.analyser);
        return player;
      },
      visemes: (cues) => this.surface?.setVisemeTimeline(cues),
      language: () => this.language,
      log: this.log,
    });
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

  /** The page is going away (digital-human-session.ts). */
  protected abstract handlePageHide(): void;

  /** The session is over: the server ended it, or the channel was lost for good (digital-human-session.ts). */
  protected abstract endSession(code: number, reason: string, endReason: string | null): void;

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

  protected get language(): LanguageCode | undefined {
    return this.job.language ?? undefined;
  }

  protected get languageList(): LanguageCode[] {
    return this.connection.info?.robot?.languages?.filter(isLanguageCode) ?? [];
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
