import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AsyncQueue } from './async-queue.js';

describe('AsyncQueue', () => {
  it('hands items over in order, to a consumer that waited and to one that did not', async () => {
    const queue = new AsyncQueue<number>();
    const first = queue.next();
    queue.push(1);
    queue.push(2);
    expect(await first).toBe(1);
    expect(queue.buffered).toEqual([2]);
    expect(await queue.next()).toBe(2);
  });

  it('after close: buffered items first, then undefined; an error is thrown once they are taken', async () => {
    const queue = new AsyncQueue<string>();
    queue.push('a');
    queue.close(new Error('synthesis broke'));
    queue.push('ignored');
    expect(queue.hasBuffered()).toBe(true);
    expect(await queue.next()).toBe('a');
    await expect(queue.next()).rejects.toThrow('synthesis broke');

    const clean = new AsyncQueue<string>();
    const waiting = clean.next();
    clean.close();
    expect(await waiting).toBeUndefined();
  });

  it('an abort ends a wait without an item and leaves no listener behind', async () => {
    const queue = new AsyncQueue<number>();
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) {
      const waiting = queue.next(controller.signal);
      queue.push(i);
      expect(await waiting).toBe(i);
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    const waiting = queue.next(controller.signal);
    controller.abort();
    expect(await waiting).toBeUndefined();
  });

  it('iterates until closed', async () => {
    const queue = new AsyncQueue<number>();
    setTimeout(() => {
      queue.push(1);
      queue.push(2);
      queue.close();
    }, 5);
    const seen: number[] = [];
    for await (const item of queue) seen.push(item);
    expect(seen).toEqual([1, 2]);
  });
});
