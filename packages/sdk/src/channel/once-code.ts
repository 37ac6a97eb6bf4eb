import { DHKitError, toDHKitError } from '../core/errors.js';

/** What `create({onceCode})` accepts: a code, or an async function that mints a fresh one from your backend. */
export type OnceCodeOption = string | (() => string | Promise<string>);

/** Hands out the once-code for each new session. */
export type OnceCodeSource = () => Promise<string>;

/**
 * A string is single use, so it serves the first session only; a function is called for every session
 * (first admission, a new session after the last ended), so framework remounts and kiosk resets get a fresh code.
 */
export function onceCodeSource(option: OnceCodeOption): OnceCodeSource {
  if (typeof option === 'string') {
    let spent = false;
    return async () => {
      if (spent) throw new DHKitError('ONCE_CODE_INVALID', 'The once-code was spent; give create() a function as onceCode.');
      spent = true;
      return option.trim();
    };
  }
  return async () => {
    let code: unknown;
    try {
      code = await option();
    } catch (error) {
      throw toDHKitError(error, 'ONCE_CODE_INVALID');
    }
    if (typeof code !== 'string' || !code.trim()) {
      throw new DHKitError('ONCE_CODE_INVALID', 'The onceCode function must resolve to a non-empty string.');
    }
    return code.trim();
  };
}
