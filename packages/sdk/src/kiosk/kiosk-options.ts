import type { CreateOptions } from '../core/create.js';
import { DHKitError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/** How a kiosk behaves; every field is optional. */
export interface KioskOptions {
  /** Seconds without input, voice or speech after which the conversation is cleared and a fresh session waits. Default 60. */
  resetAfterSeconds?: number;
  /** Seconds before the reset that a "still there?" countdown with a continue button shows. Default 10. */
  warnBeforeResetSeconds?: number;
  /** Seconds between the hot questions the attract screen rotates through. Default 6. */
  attractRotateSeconds?: number;
  /** Seconds between greetings while no one is there; 0 never greets. Default 90. */
  greetEverySeconds?: number;
  /** What she says when she greets (default: a short hello in the session's language). */
  greeting?: string;
  /** First and longest wait (ms) between tries to reach a server that is down or busy. Default 1 000 and 30 000. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Keep the screen on (Screen Wake Lock) where the browser has it. Default true. */
  wakeLock?: boolean;
  /** Go full screen on the first tap. Default true. */
  fullscreenOnTap?: boolean;
}

export type ResolvedKioskOptions = Required<Omit<KioskOptions, 'greeting'>> & { greeting: string | undefined };

/** createKiosk()'s options: create()'s, with a once-code function (each visitor gets a fresh session). */
export interface KioskCreateOptions extends Omit<CreateOptions, 'onceCode'> {
  /** Returns a fresh once-code from your backend; called for every new session (next visitor, recovery). */
  onceCode: () => Promise<string>;
  kiosk?: KioskOptions;
}

const DEFAULTS: ResolvedKioskOptions = {
  resetAfterSeconds: 60,
  warnBeforeResetSeconds: 10,
  attractRotateSeconds: 6,
  greetEverySeconds: 90,
  greeting: undefined,
  retryInitialMs: 1000,
  retryMaxMs: 30_000,
  wakeLock: true,
  fullscreenOnTap: true,
};

/** Fills the defaults; INVALID_REQUEST names a field of the wrong type; an unknown field is a warning on `log`. */
export function resolveKioskOptions(options: KioskOptions | undefined, log: Pick<Logger, 'warn'>): ResolvedKioskOptions {
  const resolved = { ...DEFAULTS };
  for (const [key, value] of Object.entries(options ?? {})) {
    if (value === undefined) continue;
    if (!(key in DEFAULTS)) {
      log.warn(`unknown kiosk option '${key}' ignored.`);
      continue;
    }
    const expected = key === 'greeting' ? 'string' : typeof DEFAULTS[key as keyof ResolvedKioskOptions];
    if (typeof value !== expected || (typeof value === 'number' && !(value >= 0))) {
      throw new DHKitError('INVALID_REQUEST', `createKiosk: kiosk.${key} must be a ${expected === 'number' ? 'number ≥ 0' : expected}.`);
    }
    (resolved as Record<string, unknown>)[key] = value;
  }
  if (resolved.warnBeforeResetSeconds >= resolved.resetAfterSeconds) resolved.warnBeforeResetSeconds = 0;
  return resolved;
}
