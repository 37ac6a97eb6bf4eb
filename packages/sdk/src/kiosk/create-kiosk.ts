import { checkBrowserSupport } from '../ui/browser-support.js';
import { DHKitError } from '../core/errors.js';
import { createLogger, isLogLevel } from '../core/logger.js';
import { defineComponents } from '../ui/define-components.js';
import DhKiosk from '../ui/kiosk-shell/kiosk-shell.component.js';
import { Kiosk } from './kiosk.js';
import { resolveKioskOptions, type KioskCreateOptions } from './kiosk-options.js';

export type { KioskCreateOptions, KioskOptions } from './kiosk-options.js';
export type { Kiosk, KioskEventMap, KioskState } from './kiosk.js';

function resolveContainer(options: KioskCreateOptions): HTMLElement {
  if (options.container instanceof HTMLElement) return options.container;
  const element = typeof options.containerId === 'string' ? document.getElementById(options.containerId) : null;
  if (!element) throw new DHKitError('INVALID_REQUEST', 'createKiosk: give containerId (of an existing element) or container.');
  return element;
}

/**
 * A kiosk: a digital human that runs all day unattended in the container (docs/kiosk.md). `onceCode` is a
 * function, called for every session (the first, each next visitor, each recovery). Resolves once the first
 * session is ready — or, when the server cannot be reached yet, once the kiosk shows that it is reconnecting
 * (it keeps trying by itself). Rejects only for wrong options (INVALID_REQUEST) or an unsupported browser.
 */
export async function createKiosk(options: KioskCreateOptions): Promise<Kiosk> {
  const support = checkBrowserSupport();
  if (!support.supported) throw new DHKitError('BROWSER_NOT_SUPPORTED', `Missing: ${support.missing.join(', ')}.`);
  if (!options || typeof options.onceCode !== 'function') {
    throw new DHKitError('INVALID_REQUEST', 'createKiosk: onceCode must be a function that returns a fresh once-code.');
  }
  // Checked before the digital human (and its logger) exists: a logger at the level the page asked for.
  const settings = resolveKioskOptions(options.kiosk, createLogger(isLogLevel(options.logLevel) ? options.logLevel : undefined));
  const container = resolveContainer(options);
  defineComponents();
  DhKiosk.define();
  const shell = document.createElement('dh-kiosk');
  container.appendChild(shell);
  const kiosk = new Kiosk(options, settings, shell);
  await kiosk.openSession();
  return kiosk;
}
