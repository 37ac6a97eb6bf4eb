/**
 * Sleep and wake-up of one digital human (`enableLocalWakeup`): after `sleepAfterIdleSeconds` without
 * interaction it sleeps; it wakes on the wake word (heard by the voice chunk) or on `wakeup({type})` from a
 * kiosk's sensor. Small and model-free, so it lives in the main bundle; the wake-word models are lazy.
 */
export type WakeupType = 'RADAR' | 'INFRARED' | 'CAMERA' | 'VOICE';
export const WAKEUP_TYPES: readonly WakeupType[] = ['RADAR', 'INFRARED', 'CAMERA', 'VOICE'];

export interface SleepHost {
  /** `enableLocalWakeup`. */
  enabled(): boolean;
  /** `sleepAfterIdleSeconds`; 0 or less: never sleeps on its own. */
  idleSeconds(): number;
  enterSleep(): void;
  enterActive(type: WakeupType | undefined): void;
}

export class SleepController {
  private sleeping = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly host: SleepHost) {}

  get asleep(): boolean {
    return this.sleeping;
  }

  /** Something happened (a question, an answer, speech): the idle countdown starts again. */
  activity(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const seconds = this.host.idleSeconds();
    if (this.sleeping || !this.host.enabled() || !(seconds > 0)) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sleep();
    }, seconds * 1000);
  }

  /** Returns false when already asleep. */
  sleep(): boolean {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.sleeping) return false;
    this.sleeping = true;
    this.host.enterSleep();
    return true;
  }

  /** Returns false when already awake. */
  wakeup(type?: WakeupType): boolean {
    if (!this.sleeping) return false;
    this.sleeping = false;
    this.host.enterActive(type);
    this.activity();
    return true;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
