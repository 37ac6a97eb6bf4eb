/** Driven text as a turn's source: pieces are pushed as they arrive (admin API or channel); `isLast` ends it. */
import type { BrainChunk } from '../adapters/brain/brain.js';
import { AsyncQueue } from './async-queue.js';

export class DrivenTextSource implements AsyncIterable<BrainChunk> {
  private readonly pieces = new AsyncQueue<string>();

  get isClosed(): boolean {
    return this.pieces.isClosed;
  }

  push(text: string, isLast: boolean): void {
    if (text) this.pieces.push(text);
    if (isLast) this.pieces.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<BrainChunk> {
    for await (const text of this.pieces) yield { text };
  }
}
