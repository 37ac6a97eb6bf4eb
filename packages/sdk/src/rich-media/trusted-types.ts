/**
 * The SDK's one Trusted Types policy, `dhkit`, created on first use (never on import). Pages that enforce
 * `require-trusted-types-for 'script'` list it: `trusted-types dhkit lit-html`.
 *
 * It only turns an answer into TrustedHTML for the inert parse (a `<template>`'s contents, see parse-inert.ts)
 * and DOMPurify's own inert document; what reaches the page is the sanitized DOM, never this string. It refuses
 * script URLs. It stays private to this module.
 */

import { DHKitError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

export interface TrustedTypesPolicy {
  createHTML(input: string): unknown;
  createScriptURL(input: string): unknown;
}

interface TrustedTypesLike {
  createPolicy(name: string, rules: { createHTML(input: string): string; createScriptURL(input: string): string }): TrustedTypesPolicy;
}

const TRUSTED_TYPES_POLICY_NAME = 'dhkit';

let policy: TrustedTypesPolicy | null | undefined;

/**
 * The `dhkit` policy, or null where Trusted Types are not supported or the page does not allow the name (said
 * once, on `log`, when the policy is first asked for).
 */
export function dhkitTrustedTypesPolicy(log: Pick<Logger, 'warn'>): TrustedTypesPolicy | null {
  if (policy !== undefined) return policy;
  const factory = (globalThis as { trustedTypes?: TrustedTypesLike }).trustedTypes;
  if (!factory || typeof factory.createPolicy !== 'function') return (policy = null);
  try {
    policy = factory.createPolicy(TRUSTED_TYPES_POLICY_NAME, {
      createHTML: (input) => input,
      createScriptURL: () => {
        throw new DHKitError('INVALID_REQUEST', 'dhkit: script URLs are never created from answers');
      },
    });
  } catch (cause) {
    // The page's CSP does not list `dhkit` (or a second copy of the SDK created it first, without
    // 'allow-duplicates'): DOMPurify falls back to its own `dompurify` policy.
    log.warn(
      new DHKitError('BROWSER_NOT_SUPPORTED', `could not create the Trusted Types policy '${TRUSTED_TYPES_POLICY_NAME}'`, { cause }),
    );
    policy = null;
  }
  return policy;
}
