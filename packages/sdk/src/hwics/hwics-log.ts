/**
 * The compatibility layer's log: one logger at the level HwICSUiSdk was given (`create({logLevel})`,
 * `setLogLevel`), the same level its digital human gets, so `'none'` silences both.
 */
import { createLogger, type Logger, type LogLevel } from '../core/logger.js';

const PREFIX = '[dhkit HwICSUiSdk]';
let level: LogLevel = 'warn';
let log: Logger = createLogger(level, PREFIX);
/** What was warned about already: each thing once per page, so a call in a loop does not flood the console. */
const warned = new Set<string>();

export function hwicsLogLevel(): LogLevel {
  return level;
}

export function setHwicsLogLevel(next: LogLevel): void {
  level = next;
  log = createLogger(level, PREFIX);
}

export function hwicsLog(): Logger {
  return log;
}

/** Warns about `key` once per page. */
export function warnOnce(key: string, message: string): void {
  if (warned.has(key)) return;
  warned.add(key);
  log.warn(message);
}
