import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from './deadline-queue.js';

describe('DeadlineQueue', () => {
  it('gives the due items earliest first and keeps the rest', () => {
    const queue = new DeadlineQueue<string>();
    const times = [50, 10, 40, 30, 20, 60, 0, 70];
    times.forEach((at, i) => queue.schedule(`item-${i}`, at));
    expect(queue.takeDue(35)).toEqual(['item-6', 'item-1', 'item-4', 'item-3']);
    expect(queue.size).toBe(4);
    expect(queue.takeDue(34)).toEqual([]);
    expect(queue.takeDue(1000)).toEqual(['item-2', 'item-0', 'item-5', 'item-7']);
    expect(queue.size).toBe(0);
  });

  it('keeps one deadline per item: scheduling again replaces it, earlier or later; a deleted item never comes', () => {
    const queue = new DeadlineQueue<string>();
    queue.schedule('later', 10);
    queue.schedule('later', 100);
    queue.schedule('earlier', 100);
    queue.schedule('earlier', 5);
    queue.schedule('gone', 1);
    queue.delete('gone');
    expect(queue.takeDue(50)).toEqual(['earlier']);
    expect(queue.takeDue(99)).toEqual([]);
    expect(queue.takeDue(100)).toEqual(['later']);
  });

  it('stays bounded in entries when items are rescheduled over and over', () => {
    const queue = new DeadlineQueue<number>();
    for (let i = 0; i < 100; i++) queue.schedule(i, i);
    for (let round = 1; round <= 1000; round++) queue.schedule(round % 100, 1000 + round);
    expect(queue.size).toBe(100);
    expect(queue.entries).toBeLessThanOrEqual(2 * 100 + 64 + 1);
    const taken = queue.takeDue(Number.POSITIVE_INFINITY);
    expect(taken).toHaveLength(100);
    expect(new Set(taken).size).toBe(100);
  });

  it('orders many random deadlines like a sort', () => {
    const queue = new DeadlineQueue<number>();
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const deadlines = Array.from({ length: 2000 }, () => random() % 10_000);
    deadlines.forEach((at, i) => queue.schedule(i, at));
    const taken = queue.takeDue(10_000);
    expect(taken.map((i) => deadlines[i])).toEqual([...deadlines].sort((a, b) => a - b));
  });
});
