import { checkBrowserSupport, type BrowserSupport } from './browser-support.js';
import { DigitalHuman } from './digital-human.js';
import { DHKitError } from './errors.js';
import { checkCreateOptions, type CreateOptions } from './options.js';
import { headlessView, type ViewFactory } from './view.js';

export type { CreateOptions };

/**
 * What create() returns: the promise of a ready digital human, which can be destroyed before it resolves
 * (a framework component unmounted early). `destroy()` then cancels: the promise rejects with CANCELLED and
 * the session's slot on the server is free once `destroy()` resolves.
 */
export interface PendingDigitalHuman extends Promise<DigitalHuman> {
  destroy(): Promise<void>;
}

function resolveContainer(options: Partial<CreateOptions>): HTMLElement {
  if (options.container !== undefined) {
    if (typeof HTMLElement !== 'undefined' && options.container instanceof HTMLElement) return options.container;
    throw new DHKitError('INVALID_REQUEST', 'create: container must be an HTMLElement.');
  }
  if (typeof options.containerId !== 'string' || !options.containerId) {
    throw new DHKitError('INVALID_REQUEST', 'create: give containerId or container.');
  }
  const element = document.getElementById(options.containerId);
  if (!element) throw new DHKitError('INVALID_REQUEST', `create: no element with id '${options.containerId}'.`);
  return element;
}

/**
 * create() with a given view; `needsContainer` is false for the headless core. `support` checks the browser
 * (the built-in UI needs more of it than the headless core).
 */
export function createWithView(
  options: CreateOptions,
  makeView: ViewFactory,
  needsContainer: boolean,
  support: () => BrowserSupport = checkBrowserSupport,
): PendingDigitalHuman {
  let human: DigitalHuman | null = null;
  // Runs synchronously up to its first await, so the digital human (and its audio) is made inside the caller's click.
  const ready = (async () => {
    const { supported, missing } = support();
    if (!supported) {
      throw new DHKitError(
        'BROWSER_NOT_SUPPORTED',
        `${DHKitError.fromCode('BROWSER_NOT_SUPPORTED').message} Missing: ${missing.join(', ')}.`,
      );
    }
    const checked = checkCreateOptions(options);
    const container = needsContainer ? resolveContainer(options) : undefined;
    const started = DigitalHuman.start({ ...checked, container, makeView });
    human = started.human;
    return started.ready;
  })();
  return Object.assign(ready, { destroy: async () => human?.destroy() });
}

/**
 * Headless: admits a session, opens its channel and plays the avatar's voice, with no UI at all (draw your
 * own from the events). `containerId`/`container` are ignored. Resolves once the session is ready.
 */
export function createHeadless(options: CreateOptions): PendingDigitalHuman {
  return createWithView(options, headlessView, false);
}
