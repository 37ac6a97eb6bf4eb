import { ERROR_CATALOG, isErrorCode, type ErrorCode } from '@dhkit/protocol';
import { toDHKitError } from '../core/errors.js';

/**
 * What most HwICSUiSdk methods resolve with: `{result: true}`, or `{result: false, errorCode, errorMsg}`.
 * The reference SDK reports failures this way instead of rejecting, so pages written for it check `result`.
 */
export interface UISdkResult {
  result: boolean;
  /** The MetaStudio code (`MSS.…`) where dhkit's catalog has one, else dhkit's own code. */
  errorCode?: string;
  errorMsg?: string;
  /** dhkit's catalog code, for pages that want it. */
  dhkitCode?: ErrorCode;
}

/** The reference's code for a dhkit catalog code: its `MSS.…` code where one exists, else the dhkit code. */
export function compatCode(code: ErrorCode): string {
  return (ERROR_CATALOG[code] as { compat?: string }).compat ?? code;
}

/** A failed result from anything thrown (a DHKitError keeps its code; anything else is INTERNAL_ERROR). */
export function failure(error: unknown): UISdkResult {
  const known = toDHKitError(error);
  return { result: false, errorCode: compatCode(known.code), errorMsg: known.message, dhkitCode: known.code };
}

/** Runs `work` and reports its outcome as a result merged with what it returned; never rejects. */
export async function settle<T extends object>(work: () => T | Promise<T>): Promise<UISdkResult & Partial<T>> {
  try {
    const value = await work();
    return { ...value, result: true };
  } catch (error) {
    return failure(error) as UISdkResult & Partial<T>;
  }
}

/**
 * The error create() rejects with and the `error` event carries: `{code, message}` as in the reference
 * (`code` is the `MSS.…` code where there is one), plus dhkit's own `dhkitCode`.
 */
export class ICSError extends Error {
  readonly code: string;
  readonly dhkitCode: ErrorCode;

  constructor(dhkitCode: ErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ICSError';
    this.code = compatCode(dhkitCode);
    this.dhkitCode = dhkitCode;
  }

  static from(error: unknown): ICSError {
    const known = toDHKitError(error);
    return new ICSError(known.code, known.message, error);
  }
}

/** The `error` event's payload in the reference's shape. */
export function errorPayload(event: { code: string; message: string }): { code: string; message: string; dhkitCode?: ErrorCode } {
  return isErrorCode(event.code) ? { code: compatCode(event.code), message: event.message, dhkitCode: event.code } : event;
}
