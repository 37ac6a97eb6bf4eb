import type { ErrorCode, LanguageCode } from '@dhkit/protocol';
import type { DigitalHuman } from '../core/digital-human.js';
import { DHKitError } from '../core/errors.js';
import { TypedEmitter, type Listener } from '../core/events.js';
import { t } from '../i18n/i18n.js';
import { hotQuestionsFor } from '../ui/hot-questions/hot-questions-select.js';
import type DhKiosk from '../ui/kiosk-shell/kiosk-shell.component.js';
import type { KioskState } from '../ui/kiosk-shell/kiosk-shell.component.js';
import { Backoff } from '../core/backoff.js';
import type { KioskCreateOptions, ResolvedKioskOptions } from './kiosk-options.js';
import { KioskDigitalHuman } from './kiosk-digital-human.js';
import { Presence } from './presence.js';
import { SessionKeeper } from './session-keeper.js';
import { KioskScreen } from './screen.js';

export type { KioskState };

/** Events of a kiosk. */
export interface KioskEventMap {
  /** The kiosk changed state: attract (no one there), active, resetting, offline, busy. */
  stateChange: { state: KioskState };
  /** A fresh session is ready for the next visitor. */
  sessionStart: { jobId: string };
  /** A try to start a session failed; the kiosk tries again by itself after `retryInMs`. */
  error: { code: ErrorCode; message: string; retryInMs: number };
}

/** Codes that mean "come back later" rather than "something is down". */
const BUSY_CODES: ReadonlySet<ErrorCode> = new Set(['CONCURRENCY_LIMIT', 'SERVER_BUSY', 'ONCE_CODE_LOCKED']);
/** How often a kiosk checks that its server is still reachable while it holds a session. */
const HEALTH_CHECK_MS = 5000;
const HEALTH_TIMEOUT_MS = 4000;

/**
 * A digital human that runs all day unattended (`createKiosk()`). It holds one session at a time in a
 * `<dh-kiosk>` frame: an attract loop while no one is there, a fresh session after each visitor leaves, and
 * offline and busy screens that recover by themselves with back-off, without a page reload.
 */
export class Kiosk {
  private readonly emitter = new TypedEmitter<KioskEventMap>();
  private readonly screen = new KioskScreen();
  private readonly presence: Presence;
  private readonly sessions: SessionKeeper;
  private dh: DigitalHuman | null = null;
  private destroyed = false;
  /** Someone tapped or spoke while the fresh session was being opened: she starts active, not in the attract loop. */
  private visitorWaiting = false;
  private attractTimers: ReturnType<typeof setInterval>[] = [];
  private healthTimer: ReturnType<typeof setInterval> | undefined;
  private healthFailures = 0;

  /** @internal Made by createKiosk(). */
  constructor(
    private readonly options: KioskCreateOptions,
    private readonly settings: ResolvedKioskOptions,
    private readonly shell: DhKiosk,
  ) {
    const backoff = new Backoff({ initialMs: settings.retryInitialMs, maxMs: settings.retryMaxMs });
    this.sessions = new SessionKeeper(
      {
        open: (signal) => this.openFresh(signal),
        opened: () => this.sessionOpened(),
        failed: (error, retryInMs) => this.sessionFailed(error, retryInMs),
        retryCountdown: (seconds) => (this.shell.retryInSeconds = seconds),
      },
      backoff,
    );
    this.presence = new Presence({
      resetAfterSeconds: () => this.settings.resetAfterSeconds,
      warnBeforeResetSeconds: () => this.settings.warnBeforeResetSeconds,
      countdown: (seconds) => (this.shell.countdownSeconds = seconds),
      left: () => void this.reset(),
    });
    shell.addEventListener('pointerdown', this.onTap);
    shell.addEventListener('keydown', this.onKey);
    shell.addEventListener('dh-question', this.onActivity);
    shell.addEventListener('dh-kiosk-start', this.onStart);
    shell.addEventListener('dh-kiosk-continue', this.onContinue);
    shell.addEventListener('dh-kiosk-ask', this.onAsk);
    if (typeof window !== 'undefined') window.addEventListener('online', this.onOnline);
    if (settings.wakeLock) void this.screen.keepAwake();
  }

  /** What the kiosk is doing now. */
  get state(): KioskState {
    return this.shell.state;
  }

  /** The current session's digital human (null while offline, busy or between visitors). */
  get current(): DigitalHuman | null {
    const state = this.dh?.getJobInfo().state;
    return state === 'READY' || state === 'CHATTING' ? this.dh : null;
  }

  /** The `<dh-kiosk>` frame. */
  get element(): HTMLElement {
    return this.shell;
  }

  /** Whether the screen wake lock is held. */
  get screenAwake(): boolean {
    return this.screen.awake;
  }

  on<K extends keyof KioskEventMap>(event: K, listener: Listener<KioskEventMap[K]>): this {
    this.emitter.on(event, listener);
    return this;
  }

  off<K extends keyof KioskEventMap>(event: K, listener: Listener<KioskEventMap[K]>): this {
    this.emitter.off(event, listener);
    return this;
  }

  /** Clears the conversation now and gets a fresh session ready for the next visitor. */
  async reset(): Promise<void> {
    if (this.destroyed) return;
    // A reset asked for while a fresh session is being opened is that session (SessionKeeper.request()).
    if (!this.sessions.busyOpening) this.setState('resetting');
    await this.sessions.request();
  }

  /** A sensor saw someone ('RADAR', 'INFRARED', 'CAMERA'): the avatar wakes and the kiosk leaves the attract loop. */
  wakeup(options: { type: 'RADAR' | 'INFRARED' | 'CAMERA' | 'VOICE' }): void {
    if (this.dh?.isSleeping) this.dh.wakeup(options);
    this.visitorSeen();
  }

  /** Ends the session and removes the frame. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.sessions.stop();
    this.stopTimers();
    this.presence.stop();
    this.screen.release();
    if (typeof window !== 'undefined') window.removeEventListener('online', this.onOnline);
    const dh = this.dh;
    this.dh = null;
    await dh?.destroy();
    this.shell.remove();
    this.emitter.removeAllListeners();
  }

  /** @internal The first session (createKiosk()); later ones come through reset() and the keeper's retries. */
  openSession(): Promise<void> {
    return this.sessions.request();
  }

  /**
   * A fresh session for the next visitor (or after an outage): the first through create(), every later one
   * through the same digital human's `startNewSession()`, which clears what the last visitor left on screen.
   */
  private async openFresh(signal: AbortSignal): Promise<void> {
    this.stopTimers();
    this.presence.stop();
    this.shell.countdownSeconds = null;
    // Shown (and announced) only over the offline or busy card: the first session and a reset have their own welcome.
    this.shell.retrying = true;
    const dh = this.dh;
    if (!dh) return this.createFirst(signal);
    // The keeper gave up on this try (it took too long): she goes, and the next try starts with a fresh digital
    // human, since a startNewSession() of hers now would only wait on the one that hangs.
    const cancel = () => this.drop(dh);
    signal.addEventListener('abort', cancel, { once: true });
    try {
      await dh.startNewSession();
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  }

  private drop(dh: DigitalHuman): void {
    if (this.dh === dh) this.dh = null;
    void dh.destroy();
  }

  private sessionOpened(): void {
    const dh = this.dh;
    if (!dh || this.destroyed) return;
    const generation = this.sessions.generation;
    this.shell.retrying = false;
    this.healthFailures = 0;
    this.shell.language = dh.getLanguageInfo().currentLanguage;
    this.healthTimer = setInterval(() => void this.checkHealth(generation), HEALTH_CHECK_MS);
    this.emitter.emit('sessionStart', { jobId: dh.getJobInfo().jobId });
    this.enterAttract(dh);
    // Someone tapped while the veil was up: they are here already.
    if (this.visitorWaiting) this.visitorActive();
    this.visitorWaiting = false;
  }

  /**
   * The kiosk's one digital human, with its first session; every later session is a `startNewSession()`. She
   * stays when that first session fails (busy, offline), so the busy or offline card covers her, not an empty frame.
   */
  private async createFirst(signal: AbortSignal): Promise<void> {
    const { human, ready } = KioskDigitalHuman.startIn({
      ...this.options,
      container: this.shell,
      containerId: undefined,
      // A busy server is the kiosk's to show (its busy screen), not the element's: one try per session.
      busyWaitMs: 0,
    });
    this.dh = human;
    this.wire(human);
    // The keeper gave up on this try (it took too long): she goes, and the next try starts afresh.
    const cancel = () => this.drop(human);
    signal.addEventListener('abort', cancel, { once: true });
    try {
      await ready;
    } finally {
      signal.removeEventListener('abort', cancel);
    }
  }

  private wire(dh: DigitalHuman): void {
    const live = () => !this.destroyed;
    dh.on('speakingStart', () => live() && this.presence.speakingStarted());
    dh.on('speakingStop', () => live() && this.presence.speakingStopped());
    dh.on('speechRecognized', (e) => live() && e.text && this.visitorActive());
    dh.on('enterActive', () => live() && this.visitorActive());
    dh.on('languageInfoChange', (e) => live() && (this.shell.language = e.currentLanguage));
    dh.on('jobEnd', (e) => {
      if (!live()) return;
      // A lost channel means the server or the network is gone: show it, and come back with back-off.
      if (e.reason === 'CLOSED') this.sessions.lost(DHKitError.fromCode('NETWORK_ERROR'));
      else void this.reset();
    });
  }

  /** The attract loop: she idles (asleep when wake-up is on), greets now and then, hot questions rotate. */
  private enterAttract(dh: DigitalHuman): void {
    this.setState('attract');
    if (this.options.config?.enableLocalWakeup) dh.sleep();
    const language = (): LanguageCode => dh.getLanguageInfo().currentLanguage;
    const element = this.shell.querySelector('digital-human');
    let index = 0;
    const rotate = () => {
      const questions = hotQuestionsFor(element?.profile?.hotQuestions, language());
      this.shell.suggestion = questions.length ? questions[index++ % questions.length] : '';
    };
    rotate();
    this.attractTimers.push(setInterval(rotate, this.settings.attractRotateSeconds * 1000));
    if (this.settings.greetEverySeconds > 0) {
      const greet = () => {
        if (this.state !== 'attract' || dh.isSleeping) return;
        try {
          dh.sendDrivenText({ text: this.settings.greeting ?? t(language(), 'kioskGreeting') });
        } catch {
          // The session just ended; the jobEnd handler takes over.
        }
      };
      this.attractTimers.push(setInterval(greet, this.settings.greetEverySeconds * 1000));
    }
  }

  /** A tap, a key or a presence sensor: someone is there, even while the fresh session is still being opened. */
  private visitorSeen(): void {
    if (this.state === 'starting' || this.state === 'resetting') this.visitorWaiting = true;
    this.visitorActive();
  }

  private visitorActive(): void {
    if (this.state === 'attract') {
      this.attractTimers.forEach(clearInterval);
      this.attractTimers = [];
      this.setState('active');
    }
    if (this.state === 'active') this.presence.activity();
  }

  /** A try failed or the session was lost: the offline or busy screen, until the keeper's next try. */
  private sessionFailed(error: DHKitError, retryInMs: number): void {
    this.stopTimers();
    this.presence.stop();
    this.visitorWaiting = false;
    this.shell.retrying = false;
    // Whatever the visitor saw is gone with the session; the next one starts clean (startNewSession).
    this.shell.querySelector('digital-human')?.clearConversation();
    this.setState(BUSY_CODES.has(error.code) ? 'busy' : 'offline');
    this.emitter.emit('error', { code: error.code, message: error.message, retryInMs });
  }

  /** A server that stopped answering (or a network that went away) while a session is held. */
  private async checkHealth(mine: number): Promise<void> {
    const base = this.options.serverAddress.replace(/\/+$/, '');
    const url = /^https?:\/\//.test(base) ? `${base}/healthz` : `https://${base}/healthz`;
    try {
      // no-cors: only reachability matters, and /healthz needs no CORS headers for that.
      await fetch(url, { mode: 'no-cors', cache: 'no-store', credentials: 'omit', signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
      this.healthFailures = 0;
    } catch {
      if (mine !== this.sessions.generation || this.destroyed) return;
      // Two misses in a row: one can be a blip the channel rides out by itself.
      if (++this.healthFailures >= 2) this.sessions.lost(DHKitError.fromCode('NETWORK_ERROR'));
    }
  }

  private setState(state: KioskState): void {
    if (this.shell.state === state) return;
    this.shell.state = state;
    if (state !== 'active') this.shell.countdownSeconds = null;
    this.emitter.emit('stateChange', { state });
  }

  private stopTimers(): void {
    clearInterval(this.healthTimer);
    this.attractTimers.forEach(clearInterval);
    this.attractTimers = [];
    this.healthTimer = undefined;
  }

  private readonly onTap = (event: Event) => {
    if (this.settings.fullscreenOnTap) this.screen.enterFullscreen();
    // The attract screen's own buttons act on click; leaving the attract state now would remove them first.
    const onButton = event.composedPath().some((node) => node instanceof HTMLButtonElement && this.shell.shadowRoot?.contains(node));
    if (!onButton) this.visitorSeen();
  };

  private readonly onKey = () => this.visitorSeen();

  /** Continue on the kiosk's countdown: the visitor is there, so the server's idle clock starts over too. */
  private readonly onContinue = () => {
    this.visitorActive();
    this.shell.querySelector('digital-human')?.dispatchEvent(new CustomEvent('dh-continue'));
  };
  private readonly onActivity = () => this.visitorActive();

  /** Start: the question field takes the focus (the start button it replaces is gone). */
  private readonly onStart = () => {
    this.visitorActive();
    const bar = this.shell.querySelector('digital-human')?.shadowRoot?.querySelector('dh-input-bar');
    void bar?.updateComplete.then(() => bar.shadowRoot?.querySelector<HTMLElement>('input, textarea')?.focus());
  };

  private readonly onAsk = (event: Event) => {
    this.visitorActive();
    const text = (event as CustomEvent<{ text: string }>).detail?.text;
    try {
      if (text) this.dh?.sendTextQuestion({ text });
    } catch {
      // The session just ended; the jobEnd handler takes over.
    }
  };

  /** The network is back: try now rather than at the end of the wait (never beside a try under way). */
  private readonly onOnline = () => {
    if (this.state === 'offline' && this.sessions.waitingToRetry) void this.sessions.request();
  };
}
