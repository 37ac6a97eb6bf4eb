/**
 * What the session-lifecycle tests share (lifecycle.test.ts, admission-rules.test.ts, robot-changes.test.ts): a real
 * server over HTTP and WebSockets (SQLite) with a short lease TTL, admin calls, admission, and a channel client.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage, SessionInfo } from '@dhkit/protocol';
import { startServer, type RunningServer, type StartServerOptions } from '../src/index.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

export const LEASE_TTL_MS = 600;
let server: RunningServer;

export async function start(options: Partial<StartServerOptions> = {}): Promise<RunningServer> {
  return startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, demo: true, logLevel: 'warn', ...options });
}

/** Starts the file's server before its tests (lease TTL 600 ms, end mentions 1 s before) and closes it after. */
export function useLifecycleServer(): void {
  beforeAll(async () => {
    server = await start({ leaseTtlMs: LEASE_TTL_MS, sessionTimeouts: { endMentionMs: 1000 } });
  });
  afterAll(() => server.close());
}

/** The address of the file's server. */
export const serverUrl = (): string => server.url;

export async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = ADMIN, base = server.url) {
  const response = await fetch(base + path, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { status: response.status, json, headers: response.headers };
}

export async function createRobot(fields: Record<string, unknown>, base = server.url) {
  const created = await api('POST', '/v1/robots', fields, ADMIN, base);
  expect(created.status).toBe(201);
  return created.json;
}

export async function onceCode(robotId: string, base = server.url): Promise<string> {
  const minted = await api('POST', `/v1/robots/${robotId}/once-codes`, {}, ADMIN, base);
  expect(minted.status).toBe(201);
  return minted.json.onceCode;
}

export async function admit(robotId: string, code?: string, base = server.url) {
  return api('POST', '/v1/sessions', { robotId, onceCode: code ?? (await onceCode(robotId, base)) }, {}, base);
}

export class Client {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<number>;
  readonly socket: WebSocket;
  private waiters: Array<() => void> = [];

  constructor(
    readonly info: SessionInfo,
    base = server.url,
  ) {
    this.socket = new WebSocket(base.replace('http', 'ws') + info.channelPath);
    this.closed = new Promise((resolve) => this.socket.on('close', (code) => resolve(code)));
    this.socket.on('message', (data, isBinary) => {
      if (!isBinary) this.messages.push(JSON.parse(data.toString()));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /**
   * Opens the channel and says hello. Like a browser, the client then pings every quarter of the lease TTL, so a
   * test that takes longer than the short TTL on a busy machine does not lose its session; `silent` leaves the
   * pings out (a client that stays connected but says nothing).
   */
  static async connect(info: SessionInfo, options: { resume?: boolean; silent?: boolean } = {}): Promise<Client> {
    const client = new Client(info);
    await new Promise((resolve, reject) => {
      client.socket.once('open', resolve);
      client.socket.once('error', reject);
    });
    client.send({ type: 'hello', token: info.token, protocol: 1, ...(options.resume ? { resume: true } : {}) });
    await client.until((m) => m.type === 'welcome');
    if (!options.silent) client.keepAlive();
    return client;
  }

  private keepAlive(): void {
    const timer = setInterval(() => {
      if (this.socket.readyState === WebSocket.OPEN) this.send({ type: 'ping', t: 0 });
    }, LEASE_TTL_MS / 4);
    this.socket.once('close', () => clearInterval(timer));
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Cuts the TCP connection without a close frame, as a network loss or a killed browser does. */
  dropConnection(): void {
    (this.socket as unknown as { _socket: { destroy(): void } })._socket.destroy();
  }

  async until(predicate: (m: ServerMessage) => boolean, timeoutMs = 5000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
