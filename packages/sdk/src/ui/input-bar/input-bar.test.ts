import { describe, expect, it } from 'vitest';
import DhInputBar from './input-bar.component.js';

type Internals = { onStop(): void; onMic(): void; tooltipShown: boolean };

function record(bar: DhInputBar): string[] {
  const seen: string[] = [];
  bar.addEventListener('dh-interrupt', () => seen.push('interrupt'));
  bar.addEventListener('dh-mic', (event) => seen.push(`mic ${event.detail.action}`));
  return seen;
}

describe('<dh-input-bar>', () => {
  it('is defined as dh-input-bar', () => {
    DhInputBar.define();
    expect(customElements.get('dh-input-bar')).toBe(DhInputBar);
  });

  it('the stop button interrupts; the mic button starts, then stops, listening', () => {
    const bar = new DhInputBar();
    const seen = record(bar);
    bar.voiceAvailable = true;
    (bar as unknown as Internals).onStop();
    (bar as unknown as Internals).onMic();
    bar.listening = true;
    (bar as unknown as Internals).onMic();
    expect(seen).toEqual(['interrupt', 'mic start', 'mic stop']);
  });

  it('without voice, the mic button explains (a tooltip) instead of asking for the microphone', () => {
    const bar = new DhInputBar();
    const seen = record(bar);
    bar.voiceAvailable = false;
    (bar as unknown as Internals).onMic();
    expect(seen).toEqual([]);
    expect((bar as unknown as Internals).tooltipShown).toBe(true);
  });
});
