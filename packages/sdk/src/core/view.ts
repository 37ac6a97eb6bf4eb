import type { LanguageCode, RobotProfile } from '@dhkit/protocol';
import type { AvatarSurface } from '../avatar/avatar-surface.js';
import type { DigitalHumanConfig } from './config.js';
import type { EndMentionReason, JobState } from './events.js';
import type { Logger } from './logger.js';
import type { ViewHooks } from './view-events.js';

/**
 * What a DigitalHuman drives: `<digital-human>` with the built-in UI, or nothing at all (the headless core,
 * `@dhkit/sdk/core`). The view reports the visitor's actions as `dh-*` events on itself. What it shows is
 * optional: a view that draws nothing leaves those methods out.
 */
export interface DigitalHumanView extends EventTarget {
  config: DigitalHumanConfig;
  language: LanguageCode;
  state: JobState;
  speaking: boolean;
  listening: boolean;
  /** The robot as the session describes it (languages, hot questions, media allowlist, AI label). */
  profile: RobotProfile | null;
  /** The server's HTTP base; answers' media resolve against it. */
  serverAddress: string;
  sessionId: string;
  /** The digital human's logger, so the view's warnings honour `logLevel`. */
  log: Logger;
  /** The clause being spoken (plain text). */
  showClause?(text: string): void;
  /** Clears the clause after a short linger. */
  clearClauseSoon?(): void;
  /** One `semanticRecognized` segment; a new chatId starts a new answer. */
  addAnswer?(chatId: string, text: string, isLast: boolean): void;
  /** The answer shown is complete (interrupted). */
  endAnswer?(): void;
  /** An error for the visitor, by catalog code; weak ones show only with `enableWeakErrorInfo`. */
  showError?(code: string): void;
  /**
   * The session ends in `seconds` (`jobEndMention`) for `reason`: a countdown whose continue control postpones
   * an idle timeout (`dh-continue`) or acknowledges the maximum duration; null takes it away.
   */
  showEndCountdown?(seconds: number | null, reason?: EndMentionReason): void;
  /** All assistants are busy; the next try is in `retryInMs`. null: no longer waiting. */
  showBusy?(retryInMs: number | null): void;
  /** Mounts the avatar surface; resolves on its first frame. */
  attachSurface?(surface: AvatarSurface): Promise<void>;
  remove?(): void;
}

/**
 * Makes the view (and its avatar surface, if it draws one) for a container; both log through `log`. A view
 * that reports the visitor's actions comes with `bridge`, which connects them to the digital human until
 * `signal` aborts (the UI's, so the headless core carries none of it).
 */
export type ViewFactory = (
  container: HTMLElement | undefined,
  log: Logger,
) => { view: DigitalHumanView; surface: AvatarSurface | null; bridge?: (hooks: ViewHooks, signal: AbortSignal) => void };

/** The headless view: an event target that keeps what the digital human sets on it, and draws nothing. */
export const headlessView: ViewFactory = () => ({ view: new EventTarget() as DigitalHumanView, surface: null });
