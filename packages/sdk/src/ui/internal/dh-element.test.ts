import { describe, expect, it } from 'vitest';
import { DhElement } from './dh-element.js';
import './events.js';

class DhProbe extends DhElement {
  static override readonly tag = 'dh-probe-element';
  fire(text: string, cancelable: boolean): boolean {
    return this.emit('dh-question', { text }, { cancelable });
  }
}

describe('DhElement', () => {
  it('defines its tag once; a second define (a second copy of the SDK) keeps the first', () => {
    expect(customElements.get(DhProbe.tag)).toBeUndefined();
    DhProbe.define();
    expect(customElements.get(DhProbe.tag)).toBe(DhProbe);
    class DhProbeCopy extends DhElement {
      static override readonly tag = 'dh-probe-element';
    }
    expect(() => DhProbeCopy.define()).not.toThrow();
    expect(customElements.get(DhProbe.tag)).toBe(DhProbe);
  });

  it('emits bubbling, composed events with their detail; false when a cancelable one was canceled', () => {
    const probe = new DhProbe();
    const seen: Array<{ text: string; bubbles: boolean; composed: boolean }> = [];
    probe.addEventListener('dh-question', (event) => {
      seen.push({ text: event.detail.text, bubbles: event.bubbles, composed: event.composed });
      if (event.cancelable) event.preventDefault();
    });
    expect(probe.fire('hello', false)).toBe(true);
    expect(probe.fire('refused', true)).toBe(false);
    expect(seen).toEqual([
      { text: 'hello', bubbles: true, composed: true },
      { text: 'refused', bubbles: true, composed: true },
    ]);
  });
});
