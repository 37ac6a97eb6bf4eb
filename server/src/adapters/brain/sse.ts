/**
 * Server-sent events from a byte stream, as brains receive them: robust to events split anywhere across
 * network chunks (even inside a UTF-8 character or between \r and \n), comments (`: keep-alive`) and
 * multi-line data. Yields each event's data; other fields (event, id, retry) are not needed here.
 *
 * The brain's stream is read on the event loop that serves every visitor, so its cost is bounded twice over:
 * each character is examined once (a long line split into many chunks is not rescanned from its start), and
 * after every EVENTS_PER_LOOP_TURN events the reader gives the loop a turn. A stream's chunks that arrive
 * together are otherwise read in one run of microtasks: 1,000 events of one answer (and the turn's work on
 * each) held the loop for the whole answer, and `/healthz` and every other visitor waited behind it.
 */
import { BrainError } from './brain.js';

/** A line longer than this without a newline is not a sane stream. */
const MAX_LINE_CHARS = 1 << 20;
/** Events (with the turn's work on each) handled per event-loop turn. */
export const EVENTS_PER_LOOP_TURN = 32;

const LF = 10;
const CR = 13;

/** Cuts decoded text into lines and lines into events, examining each character once. */
export class SseScanner {
  /** Characters examined so far (each once; tests hold the scanner to that). */
  scannedChars = 0;
  /** The line being received: its pieces so far (joined once, when its end arrives). */
  private partial: string[] = [];
  private partialChars = 0;
  /** The last piece ended with \r: a \n at the start of the next one belongs to it. */
  private pendingCr = false;
  private data: string[] = [];

  /** Adds decoded text; returns the data of the events it completed. `final`: the stream has ended. */
  push(text: string, final = false): string[] {
    const events: string[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code !== LF && code !== CR) continue;
      if (code === LF && this.pendingCr && i === 0) {
        // The \n of a \r\n pair split across chunks.
        this.pendingCr = false;
        start = 1;
        continue;
      }
      this.pendingCr = false;
      this.line(this.takeLine(text.slice(start, i)), events);
      if (code === CR) {
        if (i + 1 >= text.length) this.pendingCr = true;
        else if (text.charCodeAt(i + 1) === LF) i++;
      }
      start = i + 1;
    }
    this.scannedChars += text.length;
    if (start < text.length) {
      this.partial.push(text.slice(start));
      this.partialChars += text.length - start;
      if (this.partialChars > MAX_LINE_CHARS) throw new BrainError('BRAIN_UNAVAILABLE', 'The brain sent an over-long line.');
    }
    if (final) {
      if (this.partialChars > 0) this.line(this.takeLine(''), events);
      // A last event without its blank line: take it (some servers close right after it).
      if (this.data.length > 0) events.push(this.data.join('\n'));
      this.data = [];
    }
    return events;
  }

  private takeLine(tail: string): string {
    if (this.partial.length === 0) return tail;
    const line = this.partial.join('') + tail;
    this.partial = [];
    this.partialChars = 0;
    return line;
  }

  private line(line: string, events: string[]): void {
    if (line === '') {
      if (this.data.length > 0) events.push(this.data.join('\n'));
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
  }
}

export async function* readSseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  const scanner = new SseScanner();
  let sinceLoopTurn = 0;
  const events = async function* (batch: string[]): AsyncGenerator<string> {
    for (const data of batch) {
      if (++sinceLoopTurn > EVENTS_PER_LOOP_TURN) {
        sinceLoopTurn = 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
      yield data;
    }
  };
  for await (const chunk of body) yield* events(scanner.push(decoder.decode(chunk, { stream: true })));
  yield* events(scanner.push(decoder.decode(), true));
}
