/** A channel client for hostile-visitor tests: admits itself with a once-code and speaks the channel protocol. */
import WebSocket from 'ws';
import { decodeAudioFrame, type ServerMessage, type SessionInfo } from '@dhkit/protocol';
import { ADMIN } from './helpers.js';

export class Visitor {
  readonly messages: ServerMessage[] = [];
  readonly audioChats: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  private constructor(
    readonly info: SessionInfo,
    readonly socket: WebSocket,
  ) {
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    socket.on('message', (data: Buffer, isBinary) => {
      if (isBinary) this.audioChats.push(decodeAudioFrame(new Uint8Array(data))!.header.chatId);
      else this.messages.push(JSON.parse(data.toString()));
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('close', () => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async admit(serverUrl: string, robotId: string): Promise<Visitor> {
    const code = await (await fetch(`${serverUrl}/v1/robots/${robotId}/once-codes`, { method: 'POST', headers: ADMIN })).json();
    const response = await fetch(`${serverUrl}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ robotId, onceCode: code.onceCode }),
    });
    if (response.status !== 201) throw new Error(`admission: ${response.status} ${await response.text()}`);
    const info = (await response.json()) as SessionInfo;
    const socket = new WebSocket(serverUrl.replace('http', 'ws') + info.channelPath);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const visitor = new Visitor(info, socket);
    visitor.send({ type: 'hello', token: info.token, protocol: 1 });
    await visitor.until((m) => m.type === 'welcome');
    return visitor;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Asks a question; resolves with the milliseconds to its first audio frame. */
  async ask(text: string, chatId = `c-${Math.random().toString(36).slice(2, 10)}`): Promise<number> {
    const started = performance.now();
    this.send({ type: 'question', chatId, text });
    await this.untilAudio(chatId);
    return performance.now() - started;
  }

  async untilAudio(chatId: string, timeoutMs = 15_000): Promise<void> {
    await this.wait(() => this.audioChats.includes(chatId), timeoutMs, `audio of ${chatId}`);
  }

  async until(predicate: (m: ServerMessage) => boolean, timeoutMs = 15_000): Promise<ServerMessage> {
    await this.wait(() => this.messages.some(predicate), timeoutMs, 'a message');
    return this.messages.find(predicate)!;
  }

  private async wait(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`channel closed while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.slice(-5))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    this.socket.close(1000);
  }
}
