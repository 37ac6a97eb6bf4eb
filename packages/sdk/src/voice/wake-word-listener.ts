/**
 * While the avatar sleeps with hands-free voice on: the microphone's frames go to the wake-word model (in the
 * models' Worker) instead of the VAD; a score over the threshold wakes the avatar.
 */
import { DHKitError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { keep, type VoiceDiagnostics } from './voice-diagnostics.js';
import type { FrameWakeWord, VoiceModels } from './voice-models.js';
import { WAKE_WORD_MODELS, type WakeWordName } from './wake-word.js';

/** What the wake-word listener needs while the avatar sleeps. */
export interface WakeWordOptions {
  word: string;
  threshold: number;
  onWake(): void;
}

export class WakeWordListener {
  private wake: WakeWordOptions | null = null;
  private detector: Promise<FrameWakeWord | null> | null = null;

  constructor(
    private readonly models: () => Promise<VoiceModels>,
    private readonly diagnostics: VoiceDiagnostics,
    private readonly log: Logger,
  ) {}

  /** Listens for `wake` (loading its models once), or stops listening (null). */
  listen(wake: WakeWordOptions | null): void {
    this.wake = wake;
    if (wake) void this.load(wake.word).then((detector) => detector?.reset());
  }

  /** A microphone frame while asleep (it is handed to the Worker: the caller must not use it afterwards). */
  hear(frame: Float32Array, stillAsleep: () => boolean): void {
    const wake = this.wake;
    if (!wake || !this.detector) return;
    void this.detector
      .then(async (detector) => {
        if (!detector || this.wake !== wake) return;
        const { scores, ms } = await detector.push(frame);
        if (!scores.length) return;
        keep(this.diagnostics.wakeWordMs, ms / scores.length);
        for (const score of scores) keep(this.diagnostics.wakeWordScores, score);
        if (this.wake === wake && stillAsleep() && Math.max(...scores) >= wake.threshold) {
          detector.reset();
          wake.onWake();
        }
      })
      .catch((error: unknown) => this.log.warn('wake word failed on a frame', error));
  }

  async release(): Promise<void> {
    const detector = await this.detector?.catch(() => null);
    this.detector = null;
    await detector?.release().catch(() => undefined);
  }

  /** Loads the wake-word models once (null when they cannot be loaded: sensors still wake the avatar). */
  private load(word: string): Promise<FrameWakeWord | null> {
    this.detector ??= this.models()
      .then(async (models) => {
        if (!(word in WAKE_WORD_MODELS)) {
          throw new DHKitError('INVALID_REQUEST', `unknown wake word "${word}"; shipped: ${Object.keys(WAKE_WORD_MODELS).join(', ')}`);
        }
        const detector = await models.loadWakeWord(word as WakeWordName);
        this.log.info('wake word ready', word);
        return detector;
      })
      .catch((error: unknown) => {
        this.log.warn('wake word unavailable', error);
        return null;
      });
    return this.detector;
  }
}
