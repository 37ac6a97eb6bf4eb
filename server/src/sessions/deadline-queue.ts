/**
 * Items by the time they are next due, earliest first (a binary min-heap). The registry's sweep takes only the
 * sessions whose deadline has come, instead of looking at every session every second: its work follows what
 * expires, not how many sessions are open. Each item has one deadline; scheduling it again replaces it (the old
 * heap entry stays behind as stale and is dropped when it reaches the top).
 */
interface Entry<T> {
  at: number;
  item: T;
}

export class DeadlineQueue<T> {
  private readonly heap: Entry<T>[] = [];
  /** Each scheduled item's one live deadline; heap entries that disagree with it are stale. */
  private readonly due = new Map<T, number>();

  /** Scheduled items. */
  get size(): number {
    return this.due.size;
  }

  /** Heap entries, stale ones included (tests check they stay bounded). */
  get entries(): number {
    return this.heap.length;
  }

  /** Sets `item`'s deadline (replacing any earlier one). */
  schedule(item: T, at: number): void {
    if (this.due.get(item) === at) return;
    this.due.set(item, at);
    this.push({ at, item });
    // Rescheduling leaves stale entries; rebuild once they outnumber the live ones, so the heap stays O(items).
    if (this.heap.length > 2 * this.due.size + 64) this.compact();
  }

  delete(item: T): void {
    this.due.delete(item);
  }

  /** Removes and returns the items due at `now` or earlier, earliest first. */
  takeDue(now: number): T[] {
    const taken: T[] = [];
    while (this.heap.length > 0 && this.heap[0].at <= now) {
      const { at, item } = this.pop();
      if (this.due.get(item) !== at) continue;
      this.due.delete(item);
      taken.push(item);
    }
    return taken;
  }

  private compact(): void {
    this.heap.length = 0;
    for (const [item, at] of this.due) this.push({ at, item });
  }

  private push(entry: Entry<T>): void {
    const heap = this.heap;
    let i = heap.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].at <= entry.at) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry<T> {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right].at < heap[left].at ? right : left;
      if (heap[child].at >= last.at) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
