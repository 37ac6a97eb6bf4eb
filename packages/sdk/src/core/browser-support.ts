import { DHKitError } from './errors.js';

export interface BrowserSupport {
  supported: boolean;
  /** The missing features, by name (empty when supported). */
  missing: string[];
}

/** Checks that this browser has what the SDK needs; `missing` names what is not there. */
export function checkBrowserSupport(): BrowserSupport {
  const g = globalThis as Record<string, unknown> & { crypto?: Crypto };
  const checks: [string, boolean][] = [
    ['WebSocket', typeof g.WebSocket === 'function'],
    ['AudioContext', typeof g.AudioContext === 'function' || typeof g.webkitAudioContext === 'function'],
    ['customElements', typeof g.customElements === 'object' && g.customElements !== null],
    ['fetch', typeof g.fetch === 'function'],
    ['Promise', typeof g.Promise === 'function'],
    ['TextDecoder', typeof g.TextDecoder === 'function'],
    ['crypto.getRandomValues', typeof g.crypto?.getRandomValues === 'function'],
    ['requestAnimationFrame', typeof g.requestAnimationFrame === 'function'],
    ['CanvasRenderingContext2D', typeof g.CanvasRenderingContext2D === 'function'],
    ['ShadowRoot', typeof g.ShadowRoot === 'function'],
  ];
  const missing = checks.filter(([, ok]) => !ok).map(([name]) => name);
  return { supported: missing.length === 0, missing };
}

/** A new AudioContext (webkit-prefixed on old Safari). */
export function newAudioContext(): AudioContext {
  const g = globalThis as unknown as { AudioContext?: typeof AudioContext; webkitAudioContext?: typeof AudioContext };
  const Context = g.AudioContext ?? g.webkitAudioContext;
  if (!Context) throw new DHKitError('BROWSER_NOT_SUPPORTED', 'AudioContext missing');
  return new Context({ latencyHint: 'interactive' });
}
