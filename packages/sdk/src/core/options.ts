import type { DigitalHumanConfig } from '@dhkit/protocol';
import { onceCodeSource, type OnceCodeOption } from '../channel/once-code.js';
import { BUSY_WAIT_MS } from '../channel/busy-retry.js';
import { normalizeServerAddress } from '../channel/server-address.js';
import { DHKitError } from './errors.js';
import type { DigitalHumanEventListeners } from './events.js';
import type { ViewFactory } from './view.js';
import type { OnceCodeSource } from '../channel/once-code.js';
import type { ServerAddress } from '../channel/server-address.js';
import { isLogLevel, LOG_LEVELS, type LogLevel } from './logger.js';

export interface CreateOptions {
  /** The server's base URL: `https://host[:port][/path]`; a bare `host[:port]` means https. */
  serverAddress: string;
  robotId: string;
  /**
   * Single-use code minted by your backend through the admin API, or an async function that fetches a fresh
   * one; the function is called whenever a session is needed (framework remounts, a new session later).
   */
  onceCode: OnceCodeOption;
  /** Id of the element to render into… */
  containerId?: string;
  /** …or the element itself (wins over containerId). */
  container?: HTMLElement;
  config?: Partial<DigitalHumanConfig>;
  eventListeners?: DigitalHumanEventListeners;
  /** Console verbosity; default 'warn'. */
  logLevel?: LogLevel;
  /**
   * How long (ms) admission keeps trying by itself while all assistants are busy (CONCURRENCY_LIMIT,
   * SERVER_BUSY), with back-off and honouring Retry-After; each refusal fires `error` with `retryInMs`.
   * Default 120 000; 0 fails at once.
   */
  busyWaitMs?: number;
}

/** Checks create()'s options apart from the container; throws INVALID_REQUEST naming what is wrong. */
export function checkCreateOptions(options: unknown): Omit<ResolvedOptions, 'container' | 'makeView'> {
  const invalid = (message: string) => new DHKitError('INVALID_REQUEST', `create: ${message}`);
  if (!options || typeof options !== 'object') throw invalid('options must be an object.');
  const o = options as Partial<CreateOptions>;
  const address = normalizeServerAddress(o.serverAddress);
  if (typeof o.robotId !== 'string' || !o.robotId.trim()) throw invalid('robotId must be a non-empty string.');
  if (typeof o.onceCode !== 'function' && (typeof o.onceCode !== 'string' || !o.onceCode.trim())) {
    throw invalid('onceCode must be a non-empty string or a function returning one.');
  }
  if (o.logLevel !== undefined && !isLogLevel(o.logLevel)) {
    throw invalid(`logLevel must be one of ${LOG_LEVELS.join(', ')}.`);
  }
  if (o.busyWaitMs !== undefined && !(typeof o.busyWaitMs === 'number' && o.busyWaitMs >= 0))
    throw invalid('busyWaitMs must be a number >= 0.');
  if (o.eventListeners !== undefined && (typeof o.eventListeners !== 'object' || o.eventListeners === null)) {
    throw invalid('eventListeners must be an object of event name -> function.');
  }
  return {
    address,
    robotId: o.robotId!.trim(),
    onceCode: onceCodeSource(o.onceCode!),
    config: o.config,
    eventListeners: o.eventListeners,
    logLevel: o.logLevel ?? 'warn',
    busyWaitMs: o.busyWaitMs ?? BUSY_WAIT_MS,
  };
}

/** Options of create(), checked and resolved. */
export interface ResolvedOptions {
  address: ServerAddress;
  robotId: string;
  onceCode: OnceCodeSource;
  /** Where the view goes; none for the headless core. */
  container?: HTMLElement;
  /** Makes the view: `<digital-human>` (the full SDK) or a headless one (`@dhkit/sdk/core`). */
  makeView: ViewFactory;
  config: unknown;
  eventListeners: DigitalHumanEventListeners | undefined;
  logLevel: LogLevel;
  /** How long admission keeps trying while all assistants are busy (ms). */
  busyWaitMs: number;
}
