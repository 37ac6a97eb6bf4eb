/**
 * A local server that speaks OpenAI's `/audio/transcriptions` wire format (multipart in, JSON out), for
 * tests and the voice benchmark. Each request is answered by `reply`, which tests swap to make it slow,
 * broken or malformed.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedTranscription {
  url: string;
  authorization?: string;
  fields: Record<string, string>;
  file?: { filename: string; contentType: string; data: Buffer };
}

export type TranscriptionReply =
  | { status: number; body: string; delayMs?: number }
  | { status: 'drop' };

export interface TranscriptionServer {
  baseUrl: string;
  requests: ReceivedTranscription[];
  reply: (request: ReceivedTranscription) => TranscriptionReply;
  close(): Promise<void>;
}

/** A deliberately small multipart/form-data reader: enough for what fetch's FormData sends. */
export function parseMultipart(body: Buffer, contentType: string): Pick<ReceivedTranscription, 'fields' | 'file'> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const result: Pick<ReceivedTranscription, 'fields' | 'file'> = { fields: {} };
  if (!boundary) return result;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2); // skip CRLF after the delimiter and before the next
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString();
    const data = part.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/.exec(headers)?.[1] ?? '';
    const filename = /filename="([^"]*)"/.exec(headers)?.[1];
    if (filename !== undefined) {
      result.file = { filename, contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1] ?? '', data: Buffer.from(data) };
    } else {
      result.fields[name] = data.toString();
    }
    start = next;
  }
  return result;
}

export async function startTranscriptionServer(
  reply: TranscriptionServer['reply'] = () => ({ status: 200, body: '{"text":""}' }),
): Promise<TranscriptionServer> {
  const state: TranscriptionServer = {
    baseUrl: '',
    requests: [],
    reply,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: ReceivedTranscription = {
        url: req.url ?? '',
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        ...parseMultipart(Buffer.concat(chunks), req.headers['content-type'] ?? ''),
      };
      state.requests.push(received);
      const answer = state.reply(received);
      if (answer.status === 'drop') {
        res.socket?.destroy();
        return;
      }
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const close = state.close;
  state.close = () => {
    server.closeAllConnections();
    return close();
  };
  return state;
}
