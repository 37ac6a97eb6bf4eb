import { checkBrowserSupport } from './browser-support.js';
import { DigitalHuman } from './digital-human.js';
import { DHKitError } from './errors.js';
import { checkCreateOptions, type CreateOptions } from './options.js';

export type { CreateOptions };

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
 * Creates a digital human in the container: admits a session with the once-code, opens its channel,
 * renders `<digital-human>` and resolves once the avatar is idle and ready. Rejects with a DHKitError.
 */
export async function create(options: CreateOptions): Promise<DigitalHuman> {
  const support = checkBrowserSupport();
  if (!support.supported) {
    throw new DHKitError(
      'BROWSER_NOT_SUPPORTED',
      `${DHKitError.fromCode('BROWSER_NOT_SUPPORTED').message} Missing: ${support.missing.join(', ')}.`,
    );
  }
  const checked = checkCreateOptions(options);
  const container = resolveContainer(options);
  return DigitalHuman.open({ ...checked, container });
}
