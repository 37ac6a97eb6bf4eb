import { isLanguageCode } from '@dhkit/protocol';
import { packManifestUrl } from '../avatar/avatar-pack.js';
import { DigitalHumanParts } from './digital-human-parts.js';
import { DHKitError, toDHKitError } from './errors.js';
import type { ResolvedOptions } from './options.js';

/**
 * The life of one digital human's session over its parts (digital-human-parts.ts): admission, handshake and
 * first frame in create(), a new session on the same digital human, the end the server or the network
 * brings, and the one teardown that destroy() and a closing page share.
 */
export abstract class DigitalHumanSession extends DigitalHumanParts {
  /** Set once, by shutdown(): the teardown under way or done. */
  protected destroying?: Promise<void>;
  /** Rejects when destroy() comes before the session is ready, so create() stops waiting (for a first frame, say). */
  protected readonly cancelled: Promise<never>;
  protected cancel!: (error: DHKitError) => void;
  /** The new session being opened by startNewSession(): a second call meanwhile waits for it rather than open another. */
  private renewing?: Promise<void>;

  protected constructor(options: ResolvedOptions) {
    super(options);
    this.cancelled = new Promise<never>((_, reject) => (this.cancel = reject));
    this.cancelled.catch(() => {});
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
    // Admission first: it leaves before the pictures, which would otherwise take HTTP/1.1's six connections.
    const admitted = this.connection.admit();
    this.surface?.prefetch?.({ kind: 'pack', url: packManifestUrl(this.options.address.httpBase) });
    this.conversation = this.newConversation();
    const session = await Promise.race([admitted, this.cancelled]);
    // Livekit mode: the renderer's stream replaces the local avatar (docs/livekit.md).
    const streamed = session.mediaMode === 'livekit' && session.livekit ? this.streamAvatar(session.livekit) : null;
    streamed?.catch(() => {});
    // The robot's avatar pack loads while the channel opens; `drawn` waits for its first frame.
    if (!streamed) void this.surface?.load({ kind: 'pack', url: packManifestUrl(this.options.address.httpBase, session.robot?.avatar) });
    const welcome = await Promise.race([this.connection.openChannel(session), this.cancelled]);
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
    // The audio in a task of its own after ready: a browser's first AudioContext starts its audio service and holds the
    // main thread a while, which create() need not wait for. Chromium lets it play when the page had a click before
    // (create() from a click); where a browser wants the gesture itself (Safari), the visitor's next tap or key on the
    // element (view-bridge.ts) or question resumes it.
    setTimeout(() => {
      if (!this.destroying && this.job.state !== 'ENDED') this.conversation.player.resume();
    });
  }

  /**
   * Starts a new session on the same digital human ("start again", a kiosk's next visitor): ends the current
   * one if it is live, clears what it left on screen, then admits with a fresh once-code (create() needs a
   * function as `onceCode`). Resolves when the new session is ready; rejects like create() (the state is then
   * `ENDED`, and it may be called again). A call while one is under way shares it: the session it brings is
   * new for both callers, and two admissions side by side would each take a slot on the server.
   */
  startNewSession(): Promise<void> {
    return (this.renewing ??= this.renew().finally(() => delete this.renewing));
  }

  private async renew(): Promise<void> {
    if (this.destroying) throw DHKitError.fromCode('SESSION_ENDED', this.language);
    await this.connection.close();
    this.conversation.handleSessionOver();
    this.connection = this.newConnection();
    this.setJob({ jobId: '', sessionId: '', state: 'CONNECTING', interactionMode: null });
    try {
      await this.connect(Promise.resolve());
    } catch (error) {
      // Once destroy() is under way there is nothing to end: endSession() leaves it alone by itself.
      this.endSession(0, '', 'CLOSED');
      throw toDHKitError(error, 'INTERNAL_ERROR');
    }
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

  protected assertLive(): void {
    if (this.job.state === 'ENDED' || this.destroying) throw DHKitError.fromCode('SESSION_ENDED', this.language);
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
    await Promise.all([closed, this.conversation.close()]);
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
}
