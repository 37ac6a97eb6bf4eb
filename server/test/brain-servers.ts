/** Local HTTP servers that speak the OpenAI streaming and the dhkit webhook wire formats, for brain tests. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: any;
  /** Resolves when the client closed the connection (or the response finished). */
  closed: Promise<void>;
  /** True when the client went away before the response ended. */
  abortedByClient: () => boolean;
}

export type Handler = (request: SeenRequest, response: ServerResponse) => unknown;

export class LocalServer {
  readonly requests: SeenRequest[] = [];
  private server!: Server;
  handler: Handler = (_req, res) => res.end();

  static async start(): Promise<LocalServer> {
    const local = new LocalServer();
    local.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let finished = false;
        res.on('finish', () => (finished = true));
        const seen: SeenRequest = {
          url: req.url ?? '',
          headers: req.headers,
          body,
          json: safeJson(body),
          closed: new Promise((resolve) => res.on('close', () => resolve())),
          abortedByClient: () => !finished,
        };
        local.requests.push(seen);
        void local.handler(seen, res);
      });
    });
    await new Promise<void>((resolve) => local.server.listen(0, '127.0.0.1', resolve));
    return local;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One OpenAI chat.completion.chunk event. */
export function openAiEvent(content: string | null, finishReason: string | null = null): string {
  const choice = { index: 0, delta: content === null ? {} : { content }, finish_reason: finishReason };
  return `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [choice] })}\n\n`;
}

/** Streams `tokens` as an OpenAI SSE reply: after `firstDelayMs`, one token every `gapMs`, then [DONE]. */
export function openAiStream(tokens: string[], options: { firstDelayMs?: number; gapMs?: number } = {}): Handler {
  return async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(openAiEvent(null)); // a role-only first chunk, as OpenAI sends
    await sleep(options.firstDelayMs ?? 0);
    for (const [i, token] of tokens.entries()) {
      if (res.destroyed) return;
      if (i > 0 && options.gapMs) await sleep(options.gapMs);
      res.write(openAiEvent(token));
    }
    res.write(openAiEvent(null, 'stop'));
    res.end('data: [DONE]\n\n');
  };
}

/**
 * An OpenAI-compatible `/v1/embeddings` reply: `{object: 'list', data: [{object, index, embedding}], model}`,
 * one vector per input (from `embed`), after `delayMs`.
 */
export function openAiEmbeddings(embed: (text: string) => number[], options: { delayMs?: number } = {}): Handler {
  return async (req, res) => {
    await sleep(options.delayMs ?? 0);
    if (res.destroyed) return;
    const inputs: string[] = Array.isArray(req.json?.input) ? req.json.input : [req.json?.input];
    const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: embed(text) }));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data, model: req.json?.model, usage: { prompt_tokens: 1, total_tokens: 1 } }));
  };
}
