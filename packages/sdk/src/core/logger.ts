/**
 * What goes where:
 * - error: something the integrator must fix or the visitor notices (session lost, listener threw).
 * - warn:  the SDK carried on but ignored something (unknown config key, malformed frame, late audio).
 * - info:  lifecycle milestones (session admitted, channel open, session ended).
 * - debug: per-message traffic (turns, clauses, heartbeats).
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];

export interface Logger {
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  info(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

export function createLogger(level: LogLevel = 'warn', prefix = '[dhkit]'): Logger {
  const rank = LOG_LEVELS.indexOf(level);
  const noop = () => {};
  const at = (minRank: number, method: 'error' | 'warn' | 'info' | 'debug') =>
    rank >= minRank ? (...args: unknown[]) => console[method](prefix, ...args) : noop;
  return { error: at(1, 'error'), warn: at(2, 'warn'), info: at(3, 'info'), debug: at(4, 'debug') };
}
