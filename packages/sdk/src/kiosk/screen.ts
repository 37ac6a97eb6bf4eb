/**
 * The screen of an unattended kiosk: kept on with the Screen Wake Lock (taken again whenever the page comes
 * back to the foreground, since the browser drops it when hidden) and full screen on the first tap.
 */
export class KioskScreen {
  private lock: { release(): Promise<void> } | null = null;
  private wanted = false;

  private readonly onVisibility = () => {
    if (this.wanted && document.visibilityState === 'visible') void this.keepAwake();
  };

  /** Asks for the wake lock where the browser has one; resolves whether it got it. */
  async keepAwake(): Promise<boolean> {
    this.wanted = true;
    document.addEventListener('visibilitychange', this.onVisibility);
    const wakeLock = (navigator as Navigator & { wakeLock?: { request(type: 'screen'): Promise<{ release(): Promise<void> }> } }).wakeLock;
    if (!wakeLock || this.lock) return !!this.lock;
    try {
      const lock = await wakeLock.request('screen');
      this.lock = lock;
      (lock as unknown as EventTarget).addEventListener?.('release', () => {
        if (this.lock === lock) this.lock = null;
      });
      return true;
    } catch {
      // Refused (page hidden, battery saver, policy): the kiosk runs on, the screen may dim.
      return false;
    }
  }

  get awake(): boolean {
    return this.lock !== null;
  }

  /** Full screen from a user gesture; a refusal is harmless. */
  enterFullscreen(): void {
    if (typeof document === 'undefined' || document.fullscreenElement || !document.documentElement.requestFullscreen) return;
    document.documentElement.requestFullscreen().catch(() => undefined);
  }

  release(): void {
    this.wanted = false;
    document.removeEventListener('visibilitychange', this.onVisibility);
    void this.lock?.release().catch(() => undefined);
    this.lock = null;
  }
}
