/**
 * The SDK as visitors get it: loaded at run time from this server's /sdk/ (never bundled into the console), so
 * "Try it" runs the very build the server serves and answer previews go through the SDK's own sanitizer.
 */
import type * as Sdk from '@dhkit/sdk';

export type DhkitSdk = typeof Sdk;

let loading: Promise<DhkitSdk> | null = null;

export function loadSdk(): Promise<DhkitSdk> {
  // A URL held in a variable: the bundler leaves it alone and the browser resolves it against this origin.
  const url = '/sdk/dhkit.esm.js';
  loading ??= import(/* @vite-ignore */ url) as Promise<DhkitSdk>;
  return loading;
}
