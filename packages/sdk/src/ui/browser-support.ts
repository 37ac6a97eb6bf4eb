import { checkBrowserSupport as checkCoreSupport, type BrowserSupport } from '../core/browser-support.js';

/** Checks that this browser has what the SDK with its built-in UI needs; `missing` names what is not there. */
export function checkBrowserSupport(): BrowserSupport {
  const support = checkCoreSupport(['requestAnimationFrame', 'CanvasRenderingContext2D', 'ShadowRoot']);
  if (typeof customElements !== 'object' || !customElements) support.missing.push('customElements');
  return { supported: support.missing.length === 0, missing: support.missing };
}
