import { describe, expect, it } from 'vitest';
import DhKiosk from './kiosk-shell.component.js';

interface TemplateResult {
  strings: readonly string[];
  values: unknown[];
}

const isTemplate = (value: unknown): value is TemplateResult => !!value && typeof value === 'object' && 'strings' in value;

/** The text of a Lit template result, nested ones included, in order. */
function text(result: unknown): string {
  const { strings, values } = result as TemplateResult;
  return strings
    .map((part, i) => {
      const value = values[i];
      const shown = typeof value === 'string' || typeof value === 'number' ? String(value) : isTemplate(value) ? text(value) : '';
      return part + shown;
    })
    .join('')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The event handlers bound in a template result (`@click=${…}`), nested ones included, in order. */
function handlers(result: unknown): Array<() => void> {
  return (result as TemplateResult).values.flatMap((value) =>
    typeof value === 'function' ? [value as () => void] : isTemplate(value) ? handlers(value) : [],
  );
}

/** The kiosk rendered now (willUpdate first, as Lit does before render). */
function rendered(kiosk: DhKiosk): unknown {
  const internals = kiosk as unknown as { willUpdate(): void; render(): unknown };
  internals.willUpdate();
  return internals.render();
}

describe('<dh-kiosk>', () => {
  it('is defined as dh-kiosk', () => {
    DhKiosk.define();
    expect(customElements.get('dh-kiosk')).toBe(DhKiosk);
  });

  it('shows a welcome while starting, then the attract screen with its suggestion', () => {
    const kiosk = new DhKiosk();
    expect(text(rendered(kiosk))).toBe('One moment…');
    kiosk.state = 'attract';
    expect(text(rendered(kiosk))).toBe('Tap the screen or say hello Start');
    kiosk.suggestion = 'Where is the showroom?';
    expect(text(rendered(kiosk))).toBe('Tap the screen or say hello Try asking Where is the showroom? Start');
    kiosk.language = 'zh_CN';
    expect(text(rendered(kiosk))).not.toContain('Tap the screen');
  });

  it('sends dh-kiosk-ask with the suggestion and dh-kiosk-start from the attract screen, bubbling out of its shadow root', () => {
    const kiosk = new DhKiosk();
    kiosk.state = 'attract';
    kiosk.suggestion = 'What can you do?';
    const events: Array<{ type: string; detail: unknown; bubbles: boolean; composed: boolean }> = [];
    for (const type of ['dh-kiosk-ask', 'dh-kiosk-start', 'dh-kiosk-continue'] as const) {
      kiosk.addEventListener(type, (event) =>
        events.push({ type, detail: event.detail, bubbles: event.bubbles, composed: event.composed }),
      );
    }
    for (const handler of handlers(rendered(kiosk))) handler();
    expect(events).toEqual([
      { type: 'dh-kiosk-ask', detail: { text: 'What can you do?' }, bubbles: true, composed: true },
      { type: 'dh-kiosk-start', detail: {}, bubbles: true, composed: true },
    ]);
  });

  it('counts down "still there?" while active, announcing it once, and sends dh-kiosk-continue', () => {
    const kiosk = new DhKiosk();
    kiosk.state = 'active';
    expect(text(rendered(kiosk))).toBe('');
    kiosk.countdownSeconds = 20;
    const first = text(rendered(kiosk));
    expect(first).toContain('Are you still there? This conversation ends in 20 seconds.');
    expect(first).toContain('This conversation ends in 20 s.');
    kiosk.countdownSeconds = 19;
    const next = text(rendered(kiosk));
    // The live region keeps its first words; only the visible counter ticks.
    expect(next).toContain('ends in 20 seconds');
    expect(next).toContain('This conversation ends in 19 s.');
    const continued: unknown[] = [];
    kiosk.addEventListener('dh-kiosk-continue', (event) => continued.push(event.detail));
    for (const handler of handlers(rendered(kiosk))) handler();
    expect(continued).toEqual([{}]);
    kiosk.countdownSeconds = null;
    expect(text(rendered(kiosk))).toBe('');
  });

  it('covers the digital human with the offline or busy card, with the time to the next try', () => {
    const kiosk = new DhKiosk();
    kiosk.state = 'offline';
    kiosk.retryInSeconds = 5;
    expect(text(rendered(kiosk))).toContain('Reconnecting… The assistant is offline for a moment and will be back by itself.');
    expect(text(rendered(kiosk))).toContain('Trying again in 5 s');
    kiosk.state = 'busy';
    kiosk.retryInSeconds = 0;
    const busy = text(rendered(kiosk));
    expect(busy).toContain('All assistants are busy');
    expect(busy).not.toContain('Trying again');
  });

  it('says "trying again now" on the outage card while a try is under way, and announces it politely once', () => {
    const kiosk = new DhKiosk();
    kiosk.state = 'offline';
    kiosk.retryInSeconds = 0;
    kiosk.retrying = true;
    const trying = text(rendered(kiosk));
    expect(trying).toContain('Trying again now…');
    // Once in the live region (its own node), once on the card (hidden from screen readers, so not read twice).
    expect(trying.split('Trying again now…')).toHaveLength(3);
    kiosk.retrying = false;
    kiosk.retryInSeconds = 4;
    const waiting = text(rendered(kiosk));
    expect(waiting).not.toContain('Trying again now');
    expect(waiting).toContain('Trying again in 4 s');
    kiosk.state = 'busy';
    kiosk.retrying = true;
    kiosk.language = 'zh_CN';
    expect(text(rendered(kiosk))).toContain('正在重试…');
    // Not over the welcome of a first session or a reset: that is no retry.
    kiosk.state = 'resetting';
    expect(text(rendered(kiosk))).not.toContain('正在重试');
  });
});
