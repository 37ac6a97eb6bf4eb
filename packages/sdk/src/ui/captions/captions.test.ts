import { describe, expect, it } from 'vitest';
import DhCaptions from './captions.component.js';

type Internals = { media: unknown[]; openFrom(target: unknown): boolean };

/** What a click inside the answer hits: an element carrying our `data-dh-media` index (or nothing of ours). */
const clickOn = (index: string | null) => ({ closest: () => (index === null ? null : { dataset: { dhMedia: index } }) });

describe('<dh-captions>', () => {
  it('is defined as dh-captions', () => {
    DhCaptions.define();
    expect(customElements.get('dh-captions')).toBe(DhCaptions);
  });

  it('opens the picture clicked in the media viewer (dh-media-open with the answer media and its index)', () => {
    const captions = new DhCaptions();
    const items = [
      { kind: 'image', url: 'https://x.example/a.png' },
      { kind: 'video', url: 'https://x.example/b.mp4' },
    ];
    (captions as unknown as Internals).media = items;
    captions.mediaViewer = true;
    const opened: Array<{ index: number; count: number }> = [];
    captions.addEventListener('dh-media-open', (event) => opened.push({ index: event.detail.index, count: event.detail.items.length }));
    expect((captions as unknown as Internals).openFrom(clickOn('1'))).toBe(true);
    expect(opened).toEqual([{ index: 1, count: 2 }]);
  });

  it('opens nothing without the viewer, off our media, or for an index it does not know', () => {
    const captions = new DhCaptions();
    (captions as unknown as Internals).media = [{ kind: 'image', url: 'https://x.example/a.png' }];
    const opened: unknown[] = [];
    captions.addEventListener('dh-media-open', (event) => opened.push(event.detail));
    captions.mediaViewer = false;
    expect((captions as unknown as Internals).openFrom(clickOn('0'))).toBe(false);
    captions.mediaViewer = true;
    expect((captions as unknown as Internals).openFrom(clickOn(null))).toBe(false);
    expect((captions as unknown as Internals).openFrom(clickOn('7'))).toBe(false);
    expect(opened).toEqual([]);
  });
});
