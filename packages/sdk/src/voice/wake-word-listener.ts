/**
 * While the avatar sleeps with hands-free voice on: the microphone's frames go to the wake-word model (in the
 * models' Worker) instead of the VAD; a score over the threshold wakes the avatar. With the models in their Worker,
 * the frames go there straight from the capture worklet (`connect`): a sleeping kiosk's page then hears only each
 * 80 ms chunk's score, not every 32 ms frame twice (there and back); where the models run on the page, `hear` gets them.
 */
import { DHKitError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Microphone } from './microphone.js';
import { keep, type VoiceDiagnostics } from './voice-diagnostics.js';
import type { FrameWakeWord, VoiceModels, WakeWordScores } from './voice-models.js';
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
  /** The microphone whose frames go straight to the Worker now, for which wake, and how to give them back. */
  private routed: { microphone: Microphone; wake: WakeWordOptions; end(): void } | null = null;
  /** Counts `connect` calls: one that finds a newer one when its detector has loaded stands down. */
  private connects = 0;

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
        this.scored(await detector.push(frame), detector, wake, stillAsleep);
      })
      .catch((error: unknown) => this.log.warn('wake word failed on a frame', error));
  }

  /**
   * While listening, sends `microphone`'s frames straight to the models' Worker, where they run there; null (or not
   * listening, or models on the page) gives the frames back to the page, to `hear` or the VAD.
   */
  async connect(microphone: Microphone | null, stillAsleep: () => boolean): Promise<void> {
    const attempt = ++this.connects;
    const wake = this.wake;
    if (this.routed && (this.routed.microphone !== microphone || this.routed.wake !== wake)) this.disconnect();
    if (!microphone || !wake || this.routed || !this.detector) return;
    const detector = await this.detector.catch(() => null);
    const route = detector?.route;
    if (attempt !== this.connects || this.wake !== wake || !detector || !route) return;
    const end = route.connect(microphone, (heard) => {
      if (heard instanceof Error) this.log.warn('wake word failed on a frame', heard);
      else if (this.wake === wake) this.scored(heard, detector, wake, stillAsleep);
    });
    this.diagnostics.wakeWordRoutedToWorker++;
    this.routed = { microphone, wake, end };
  }

  async release(): Promise<void> {
    this.disconnect();
    const detector = await this.detector?.catch(() => null);
    this.detector = null;
    await detector?.release().catch(() => undefined);
  }

  private disconnect(): void {
    this.routed?.end();
    this.routed = null;
  }

  /** A chunk's scores: kept for diagnostics, and the avatar woken by one over the threshold. */
  private scored({ scores, ms }: WakeWordScores, detector: FrameWakeWord, wake: WakeWordOptions, stillAsleep: () => boolean): void {
    if (!scores.length) return;
    keep(this.diagnostics.wakeWordMs, ms / scores.length);
    for (const score of scores) keep(this.diagnostics.wakeWordScores, score);
    if (this.wake === wake && stillAsleep() && Math.max(...scores) >= wake.threshold) {
      detector.reset();
      wake.onWake();
    }
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
