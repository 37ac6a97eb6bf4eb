/**
 * What the knowledge tests share (knowledge.test.ts, hot-questions.test.ts, question-analytics-api.test.ts): a
 * real server (SQLite, the demo on), admin calls that keep a byte-order mark, a robot of both languages, the
 * INVALID_REQUEST check, and a visitor over the real channel.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage, SessionInfo } from '@dhkit/protocol';
import { startServer, type RunningServer } from '../src/index.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

let server: RunningServer;
let dataDir: string;

/** Starts the file's server before its tests and closes it after. */
export function useKnowledgeServer(): void {
  beforeAll(async () => {
    dataDir = tempDir();
    server = await startServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, demo: true, logLevel: 'silent' });
  });
  afterAll(() => server.close());
}

/** The address of the file's server. */
const serverUrl = (): string => server.url;

/** The file's server's data folder (its SQLite store), for the CLI. */
export const serverDataDir = (): string => dataDir;

export async function call(method: string, url: string, options: { body?: string; type?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...ADMIN, ...options.headers };
  if (options.body !== undefined) headers['content-type'] = options.type ?? 'application/json';
  const response = await fetch(serverUrl() + url, { method, headers, body: options.body });
  // Decoded by hand: response.text() would drop a byte-order mark.
  const text = Buffer.from(await response.arrayBuffer()).toString('utf8');
  return { status: response.status, text, headers: response.headers, json: () => JSON.parse(text) };
}
export const postJson = (url: string, body: unknown) => call('POST', url, { body: JSON.stringify(body) });
export const postCsv = (url: string, csv: string) => call('POST', url, { body: csv, type: 'text/csv; charset=utf-8' });

export async function newRobot(id: string, extra: Record<string, unknown> = {}): Promise<void> {
  const response = await postJson('/v1/robots', { id, name: id, languages: ['zh_CN', 'en_US'], concurrency: 5, ...extra });
  expect(response.status).toBe(201);
}

export function expectInvalid(response: { status: number; json(): any }, messagePart?: RegExp) {
  expect(response.status).toBe(400);
  expect(response.json().error.code).toBe('INVALID_REQUEST');
  if (messagePart) expect(response.json().error.message).toMatch(messagePart);
}

/** A visitor over the real channel: asks questions and collects the answer text. */
export class Client {
  private readonly messages: ServerMessage[] = [];
  private readonly socket: WebSocket;

  private constructor(readonly info: SessionInfo) {
    this.socket = new WebSocket(serverUrl().replace('http', 'ws') + info.channelPath);
    this.socket.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) this.messages.push(JSON.parse(data.toString()));
    });
  }

  static async open(robotId: string): Promise<Client> {
    const code = (await call('POST', `/v1/robots/${robotId}/once-codes`)).json();
    const admitted = await fetch(`${serverUrl()}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ robotId, onceCode: code.onceCode }),
    });
    const client = new Client(await admitted.json());
    await new Promise((resolve) => client.socket.once('open', resolve));
    client.send({ type: 'hello', token: client.info.token, protocol: 1 });
    await client.until((m) => m.type === 'welcome');
    return client;
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  async until(predicate: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.messages)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The full answer text of a chat, once its turn has ended. */
  async answer(chatId: string): Promise<string> {
    await this.until((m) => m.type === 'turnEnd' && m.chatId === chatId);
    return this.messages.flatMap((m) => (m.type === 'semantic' && m.chatId === chatId ? [m.text] : [])).join('');
  }

  close(): void {
    this.socket.close(1000);
  }
}
