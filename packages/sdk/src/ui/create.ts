import { LocalCanvasAvatar } from '../avatar/local-canvas-avatar.js';
import { preloadStreamIfExpected } from '../avatar/stream-preload.js';
import { createWithView, type CreateOptions, type PendingDigitalHuman } from '../core/create.js';
import type { JobInfo } from '../core/events.js';
import type { ViewHooks } from '../core/view-events.js';
import type { ViewFactory } from '../core/view.js';
import { checkBrowserSupport } from './browser-support.js';
import { defineComponents } from './define-components.js';
import { bridgeView, viewActions } from './view-bridge.js';

/**
 * `<digital-human>` in the container, with the built-in avatar; it offers "start again" after an end when a
 * new session can follow (`onceCode` is a function).
 */
export const elementView =
  (canStartAgain: boolean): ViewFactory =>
  (container, log) => {
    defineComponents();
    const view = document.createElement('digital-human');
    view.canStartAgain = canStartAgain;
    const surface = new LocalCanvasAvatar(log);
    return {
      view,
      surface,
      bridge: (hooks, signal) => {
        bridgeView(view, viewActions(view, hooks), signal);
        surface.holdRestUntil(sessionSettled(hooks.human, signal));
        // On the page in the next task: create() has then asked for admission and the avatar's first pictures, which
        // no longer wait for the view's first render (its elements, styles and templates: the largest part of a cold
        // create() on the main thread). Not after a teardown (a create() that failed or was destroyed meanwhile).
        setTimeout(() => signal.aborted || container!.appendChild(view), 0);
      },
    };
  };

/**
 * Resolves once the first session has settled (ready, or ended: a kiosk keeps her avatar and tries again), true; or
 * false when the digital human is torn down first.
 */
function sessionSettled(human: ViewHooks['human'], signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = (settled: boolean) => {
      human.off('jobInfoChange', onJob);
      resolve(settled);
    };
    const onJob = (job: JobInfo) => job.state !== 'CONNECTING' && settle(true);
    human.on('jobInfoChange', onJob);
    signal.addEventListener('abort', () => settle(false), { once: true });
  });
}

/**
 * Creates a digital human in the container: admits a session with the once-code, opens its channel,
 * renders `<digital-human>` and resolves once the avatar is idle and ready. Rejects with a DHKitError.
 * `destroy()` on the returned promise cancels a create() that has not resolved yet (CANCELLED).
 */
export function create(options: CreateOptions): PendingDigitalHuman {
  const pending = createWithView(options, elementView(typeof options?.onceCode === 'function'), true, checkBrowserSupport);
  // After the admission request has left: a returning visitor of a streamed robot loads the LiveKit chunk meanwhile.
  pending.then(preloadStreamIfExpected(options), () => {});
  return pending;
}
