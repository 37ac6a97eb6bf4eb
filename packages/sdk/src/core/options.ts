import type { DigitalHumanConfig } from '@dhkit/protocol';
import { normalizeServerAddress } from '../channel/server-address.js';
import type { ResolvedOptions } from './digital-human.js';
import { DHKitError } from './errors.js';
import type { DigitalHumanEventListeners } from './events.js';
import { isLogLevel, type LogLevel } from './logger.js';

export interface CreateOptions {
  /** The server's base URL: `https://host[:port][/path]`; a bare `host[:port]` means https. */
  serverAddress: string;
  robotId: string;
  /** Single-use code minted by your backend through the admin API. */
  onceCode: string;
  /** Id of the element to render into… */
  containerId?: string;
  /** …or the element itself (wins over containerId). */
  container?: HTMLElement;
  config?: Partial<DigitalHumanConfig>;
  eventListeners?: DigitalHumanEventListeners;
  /** Console verbosity; default 'warn'. */
  logLevel?: LogLevel;
}

/** Checks create()'s options apart from the container; throws INVALID_REQUEST naming what is wrong. */
export function checkCreateOptions(options: unknown): Omit<ResolvedOptions, 'container' | 'makeView'> {
  const invalid = (message: string) => new DHKitError('INVALID_REQUEST', `create: ${message}`);
  if (!options || typeof options !== 'object') throw invalid('options must be an object.');
  const o = options as Partial<CreateOptions>;
  const address = normalizeServerAddress(o.serverAddress);
  for (const key of ['robotId', 'onceCode'] as const) {
    if (typeof o[key] !== 'string' || !o[key]!.trim()) throw invalid(`${key} must be a non-empty string.`);
  }
  if (o.logLevel !== undefined && !isLogLevel(o.logLevel)) {
    throw invalid(`logLevel must be one of 'error', 'warn', 'info', 'debug', 'silent'.`);
  }
  if (o.eventListeners !== undefined && (typeof o.eventListeners !== 'object' || o.eventListeners === null)) {
    throw invalid('eventListeners must be an object of event name → function.');
  }
  return {
    address,
    robotId: o.robotId!.trim(),
    onceCode: o.onceCode!.trim(),
    config: o.config,
    eventListeners: o.eventListeners,
    logLevel: o.logLevel ?? 'warn',
  };
}
