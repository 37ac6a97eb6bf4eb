import { isWeakError } from '../../i18n/i18n.js';

/** How many toasts show at once; older ones give way. */
const MAX_TOASTS = 3;
/** How long a toast stays (ms): errors long enough to read twice, weak ones shorter. */
export const TOAST_MS = { error: 8000, weak: 5000 } as const;

export interface Toast {
  id: number;
  /** A catalog code (its visitor text is looked up when drawn, so it follows a language switch). */
  code: string;
  weak: boolean;
}

/** Whether an error is shown to the visitor: every error, weak ones only with `enableWeakErrorInfo`. */
export function shouldShowError(code: string, enableWeakErrorInfo: boolean, weak = isWeakError(code)): boolean {
  return !weak || enableWeakErrorInfo;
}

/**
 * Adds a toast: the same code again replaces the earlier one (it moves to the end, its timer restarts),
 * and at most `max` stay, the newest.
 */
export function addToast(list: readonly Toast[], toast: Toast, max = MAX_TOASTS): Toast[] {
  const next = list.filter((existing) => existing.code !== toast.code);
  next.push(toast);
  return next.slice(-max);
}

/** Errors about the visitor's question itself: the next question the SDK accepts makes them stale. */
export const QUESTION_ERRORS: readonly string[] = ['QUESTION_EMPTY', 'QUESTION_TOO_LONG'];

/** The toasts left when those of `codes` are closed. */
export function withoutCodes(list: readonly Toast[], codes: readonly string[]): Toast[] {
  return list.filter((toast) => !codes.includes(toast.code));
}
