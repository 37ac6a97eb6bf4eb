export interface BrowserSupport {
  supported: boolean;
  /** The missing features, by name (empty when supported). */
  missing: string[];
}

/**
 * Checks that this browser has what the headless core needs (the full SDK checks the UI's needs too:
 * ui/browser-support.ts); `missing` names what is not there. `names` are globals that must be functions.
 */
export function checkBrowserSupport(names: readonly string[] = []): BrowserSupport {
  const g = globalThis as Record<string, unknown> & { crypto?: Crypto };
  // No webkitAudioContext: a Safari that still needs the prefix (before 14.1) lacks Object.hasOwn too (15.4).
  const missing = ['WebSocket', 'AudioContext', 'fetch', 'Promise', 'TextDecoder', ...names].filter(
    (name) => typeof g[name] !== 'function',
  );
  if (typeof g.crypto?.getRandomValues !== 'function') missing.push('crypto.getRandomValues');
  return { supported: missing.length === 0, missing };
}
