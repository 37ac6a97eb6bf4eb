/**
 * A queue with one consumer that can wait for the next item: what a turn's clauses, a clause's synthesized
 * audio and driven text each need (a producer pushes, then closes, maybe with an error; the consumer awaits).
 */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private closed = false;
  private failure: { error: unknown } | null = null;
  private waiter: (() => void) | null = null;

  /** No more items will come (the buffered ones may still be taken). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Items waiting to be taken, oldest first; not removed. */
  get buffered(): readonly T[] {
    return this.items;
  }

  /** Whether `next()` would answer at once (an item is waiting, or the queue is closed). */
  hasBuffered(): boolean {
    return this.items.length > 0 || this.closed;
  }

  push(item: T): void {
    if (this.closed) return;
    this.items.push(item);
    this.wake();
  }

  /** Ends the queue; with an error, `next()` throws it once the buffered items are taken. */
  close(error?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    if (error !== undefined) this.failure = { error };
    this.wake();
  }

  /** The next item; undefined when the queue is closed and empty, or when `signal` aborts the wait. */
  async next(signal?: AbortSignal): Promise<T | undefined> {
    while (this.items.length === 0 && !this.closed && !signal?.aborted) await this.wait(signal);
    if (this.items.length > 0) return this.items.shift();
    if (this.closed && this.failure) throw this.failure.error;
    return undefined;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (let item = await this.next(); item !== undefined; item = await this.next()) yield item;
  }

  private wait(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        if (this.waiter === done) this.waiter = null;
        resolve();
      };
      this.waiter = done;
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    this.waiter?.();
  }
}
