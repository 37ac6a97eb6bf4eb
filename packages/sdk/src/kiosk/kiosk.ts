import type { ErrorCode, LanguageCode } from '@dhkit/protocol';
import type { DigitalHuman } from '../core/digital-human.js';
import { DHKitError, toDHKitError } from '../core/errors.js';
import { TypedEmitter, type Listener } from '../core/events.js';
import { t } from '../i18n/i18n.js';
import { create } from '../ui/create.js';
import { hotQuestionsFor } from '../ui/hot-questions/hot-questions-select.js';
import type DhKiosk from '../ui/kiosk-shell/kiosk-shell.component.js';
import type { KioskState } from '../ui/kiosk-shell/kiosk-shell.component.js';
import { Backoff } from '../core/backoff.js';
import type { KioskCreateOptions, ResolvedKioskOptions } from './kiosk-options.js';
import { Presence } from './presence.js';
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
  private readonly backoff: Backoff;
  private readonly screen = new KioskScreen();
  private readonly presence: Presence;
  private dh: DigitalHuman | null = null;
  private destroyed = false;
  /** Bumped for every session opened, so late callbacks of an old one are ignored. */
  private generation = 0;
  private retryTimer: ReturnType<typeof setInterval> | undefined;
  private attractTimers: ReturnType<typeof setInterval>[] = [];
  private healthTimer: ReturnType<typeof setInterval> | undefined;
  private healthFailures = 0;

  /** @internal Made by createKiosk(). */
  constructor(
    private readonly options: KioskCreateOptions,
    private readonly settings: ResolvedKioskOptions,
    private readonly shell: DhKiosk,
  ) {
    this.backoff = new Backoff({ initialMs: settings.retryInitialMs, maxMs: settings.retryMaxMs });
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
    this.setState('resetting');
    await this.openSession();
  }

  /** A sensor saw someone ('RADAR', 'INFRARED', 'CAMERA'): the avatar wakes and the kiosk leaves the attract loop. */
  wakeup(options: { type: 'RADAR' | 'INFRARED' | 'CAMERA' | 'VOICE' }): void {
    if (this.dh?.isSleeping) this.dh.wakeup(options);
    this.visitorActive();
  }

  /** Ends the session and removes the frame. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.generation++;
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

  /**
   * @internal A fresh session for the next visitor (or after an outage): the first through create(), every
   * later one through the same digital human's `startNewSession()`, which clears what the last visitor left
   * on screen. On failure it schedules the next try.
   */
  async openSession(): Promise<void> {
    const mine = ++this.generation;
    this.stopTimers();
    this.presence.stop();
    this.shell.countdownSeconds = null;
    try {
      const dh = this.dh ? await this.dh.startNewSession().then(() => this.dh!) : await this.createFirst();
      if (mine !== this.generation || this.destroyed) return;
      this.backoff.reset();
      this.healthFailures = 0;
      this.shell.language = dh.getLanguageInfo().currentLanguage;
      this.healthTimer = setInterval(() => void this.checkHealth(mine), HEALTH_CHECK_MS);
      this.emitter.emit('sessionStart', { jobId: dh.getJobInfo().jobId });
      this.enterAttract(dh);
    } catch (error) {
      if (mine !== this.generation || this.destroyed) return;
      this.retryLater(toDHKitError(error, 'NETWORK_ERROR'));
    }
  }

  /** The kiosk's one digital human, with its first session; every later session is a `startNewSession()`. */
  private async createFirst(): Promise<DigitalHuman> {
    const dh = await create({
      ...this.options,
      container: this.shell,
      containerId: undefined,
      // A busy server is the kiosk's to show (its busy screen), not the element's: one try per session.
      busyWaitMs: 0,
    });
    if (this.destroyed) {
      await dh.destroy();
      throw DHKitError.fromCode('CANCELLED');
    }
    // The kiosk starts the next session by itself; the element's own "start again" would compete with it.
    const element = this.shell.querySelector('digital-human');
    if (element) element.canStartAgain = false;
    this.dh = dh;
    this.wire(dh);
    return dh;
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
      if (e.reason === 'CLOSED') this.retryLater(DHKitError.fromCode('NETWORK_ERROR'));
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

  private visitorActive(): void {
    if (this.state === 'attract') {
      this.attractTimers.forEach(clearInterval);
      this.attractTimers = [];
      this.setState('active');
    }
    if (this.state === 'active') this.presence.activity();
  }

  private retryLater(error: DHKitError): void {
    this.stopTimers();
    this.presence.stop();
    // Whatever the visitor saw is gone with the session; the next one starts clean (startNewSession).
    this.shell.querySelector('digital-human')?.clearConversation();
    const delay = this.backoff.next(error.retryAfterMs);
    this.setState(BUSY_CODES.has(error.code) ? 'busy' : 'offline');
    this.emitter.emit('error', { code: error.code, message: error.message, retryInMs: delay });
    const due = Date.now() + delay;
    const mine = this.generation;
    const tick = () => {
      const left = Math.max(0, Math.ceil((due - Date.now()) / 1000));
      this.shell.retryInSeconds = left;
      if (left === 0 && mine === this.generation) {
        clearInterval(this.retryTimer);
        void this.openSession();
      }
    };
    tick();
    this.retryTimer = setInterval(tick, Math.min(1000, delay));
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
      if (mine !== this.generation || this.destroyed) return;
      // Two misses in a row: one can be a blip the channel rides out by itself.
      if (++this.healthFailures >= 2) this.retryLater(DHKitError.fromCode('NETWORK_ERROR'));
    }
  }

  private setState(state: KioskState): void {
    if (this.shell.state === state) return;
    this.shell.state = state;
    if (state !== 'active') this.shell.countdownSeconds = null;
    this.emitter.emit('stateChange', { state });
  }

  private stopTimers(): void {
    clearInterval(this.retryTimer);
    clearInterval(this.healthTimer);
    this.attractTimers.forEach(clearInterval);
    this.attractTimers = [];
    this.retryTimer = undefined;
    this.healthTimer = undefined;
  }

  private readonly onTap = (event: Event) => {
    if (this.settings.fullscreenOnTap) this.screen.enterFullscreen();
    // The attract screen's own buttons act on click; leaving the attract state now would remove them first.
    const onButton = event.composedPath().some((node) => node instanceof HTMLButtonElement && this.shell.shadowRoot?.contains(node));
    if (!onButton) this.visitorActive();
  };

  private readonly onKey = () => this.visitorActive();

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

  private readonly onOnline = () => {
    if (this.state === 'offline') void this.openSession();
  };
}
