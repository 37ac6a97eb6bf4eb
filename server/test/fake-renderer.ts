/** A renderer double for the server's livekit-mode tests (media.test.ts): speaks docs/renderer-protocol.md and records what dhkit asks. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import { decodeAudioFrame, type RendererControlMessage, type RendererSessionRequest } from '@dhkit/protocol';

export const RENDERER_SECRET = 'renderer-test-secret-123456';

/** A renderer double: records what dhkit asks of it. */
export class FakeRenderer {
  capacity = 1;
  readonly sessions = new Map<string, RendererSessionRequest>();
  readonly deleted: string[] = [];
  readonly control: RendererControlMessage[] = [];
  audioFrames = 0;
  unauthorized = 0;
  private readonly server = http.createServer((request, response) => this.handle(request, response));
  private readonly wss = new WebSocketServer({ noServer: true });
  url = '';

  /** Audio sockets by session id. */
  readonly audioSockets = new Map<string, WebSocket>();
  /** Refuse audio sockets (a renderer that restarted and knows no session). */
  refuseAudio = false;
  /** The room it answers a start with (a spare room it joined ahead); undefined: none, the session's own. */
  answerRoom: string | undefined;

  async start(): Promise<void> {
    this.server.on('upgrade', (request, socket, head) => {
      if (request.headers.authorization !== `Bearer ${RENDERER_SECRET}`) return socket.destroy();
      if (this.refuseAudio) return void socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      const sessionId = /^\/sessions\/([^/]+)\/audio$/.exec(request.url ?? '')?.[1];
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        if (sessionId) this.audioSockets.set(sessionId, ws);
        ws.on('message', (data: Buffer, isBinary) => {
          if (isBinary) {
            if (decodeAudioFrame(new Uint8Array(data))) this.audioFrames++;
          } else this.control.push(JSON.parse(data.toString()));
        });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    if (request.headers.authorization !== `Bearer ${RENDERER_SECRET}`) {
      this.unauthorized++;
      response.writeHead(401).end();
      return;
    }
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      if (request.method === 'GET' && request.url === '/health') {
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: true, capacity: this.capacity, active: this.sessions.size }));
      } else if (request.method === 'POST' && request.url === '/sessions') {
        if (this.sessions.size >= this.capacity) return void response.writeHead(503).end();
        const session = JSON.parse(body) as RendererSessionRequest;
        this.sessions.set(session.sessionId, session);
        const answer = { sessionId: session.sessionId, ...(this.answerRoom ? { room: this.answerRoom } : {}) };
        response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      } else if (request.method === 'DELETE' && request.url?.startsWith('/sessions/')) {
        const id = decodeURIComponent(request.url.slice('/sessions/'.length));
        this.deleted.push(id);
        response.writeHead(this.sessions.delete(id) ? 204 : 404).end();
      } else response.writeHead(404).end();
    });
  }
}
