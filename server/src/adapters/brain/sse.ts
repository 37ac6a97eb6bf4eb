/**
 * Server-sent events from a byte stream, as brains receive them: robust to events split anywhere across
 * network chunks (even inside a UTF-8 character or between \r and \n), comments (`: keep-alive`) and
 * multi-line data. Yields each event's data; other fields (event, id, retry) are not needed here.
 */
import { BrainError } from './brain.js';

/** A line longer than this without a newline is not a sane stream. */
const MAX_LINE_CHARS = 1 << 20;

export async function* readSseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let pendingCr = false;
  const lines = function* (text: string, final: boolean): Generator<string> {
    buffer += text;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const ch = buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      if (ch === '\n' && pendingCr && i === start) {
        // The \n of a \r\n pair split across chunks.
        pendingCr = false;
        start = i + 1;
        continue;
      }
      pendingCr = false;
      yield buffer.slice(start, i);
      if (ch === '\r') {
        if (i + 1 < buffer.length) {
          if (buffer[i + 1] === '\n') i++;
        } else {
          pendingCr = true;
        }
      }
      start = i + 1;
    }
    buffer = buffer.slice(start);
    if (buffer.length > MAX_LINE_CHARS) throw new BrainError('BRAIN_UNAVAILABLE', 'The brain sent an over-long line.');
    if (final && buffer !== '') {
      yield buffer;
      buffer = '';
    }
  };
  const handle = function* (line: string): Generator<string> {
    if (line === '') {
      if (data.length > 0) yield data.join('\n');
      data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
  };
  for await (const chunk of body) {
    for (const line of lines(decoder.decode(chunk, { stream: true }), false)) yield* handle(line);
  }
  for (const line of lines(decoder.decode(), true)) yield* handle(line);
  // A last event without its blank line: take it (some servers close right after it).
  if (data.length > 0) yield data.join('\n');
}
