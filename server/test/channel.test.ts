import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeAudioFrame, type ServerMessage, type SessionInfo } from '@dhkit/protocol';
import { startServer, type RunningServer } from '../src/index.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, demo: true, logLevel: 'warn' });
});
afterAll(() => server.close());

type Received =
  | { kind: 'json'; message: ServerMessage; at: number }
  | { kind: 'audio'; chatId: string; clauseId: number; seq: number; last: boolean; bytes: number; peak: number; at: number };

class Client {
  readonly received: Received[] = [];
  readonly socket: WebSocket;
  closeCode: Promise<number>;
  private waiters: Array<() => void> = [];

  constructor(readonly info: SessionInfo) {
    this.socket = new WebSocket(server.url.replace('http', 'ws') + info.channelPath);
    this.closeCode = new Promise((resolve) => this.socket.on('close', (code) => resolve(code)));
    this.socket.on('message', (data: Buffer, isBinary) => {
      const at = performance.now();
      if (isBinary) {
        const frame = decodeAudioFrame(new Uint8Array(data));
        if (!frame) throw new Error('bad audio frame');
        let peak = 0;
        const view = new DataView(frame.pcm.buffer, frame.pcm.byteOffset, frame.pcm.byteLength);
        for (let i = 0; i + 1 < frame.pcm.length; i += 2) peak = Math.max(peak, Math.abs(view.getInt16(i, true)));
        this.received.push({ kind: 'audio', ...frame.header, last: frame.last, bytes: frame.pcm.length, peak, at });
      } else {
        this.received.push({ kind: 'json', message: JSON.parse(data.toString()), at });
      }
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async open(robotId = 'demo', hello = true): Promise<Client> {
    const code = await (await fetch(`${server.url}/v1/robots/${robotId}/once-codes`, { method: 'POST', headers: ADMIN })).json();
    const response = await fetch(`${server.url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ robotId, onceCode: code.onceCode }),
    });
    const client = new Client(await response.json());
    await new Promise((resolve) => client.socket.once('open', resolve));
    if (hello) {
      client.send({ type: 'hello', token: client.info.token, protocol: 1 });
      await client.until((m) => m.type === 'welcome');
    }
    return client;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  messages(): ServerMessage[] {
    return this.received.flatMap((r) => (r.kind === 'json' ? [r.message] : []));
  }

  async until(predicate: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages().find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.messages())}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  /** The events of one chat in order, as short labels. */
  trace(chatId: string): string[] {
    return this.received.flatMap((r) => {
      if (r.kind === 'audio') return r.chatId === chatId ? [`audio${r.last ? '!' : ''}`] : [];
      const m = r.message as ServerMessage & { chatId?: string };
      return m.chatId === chatId ? [m.type === 'turnEnd' ? `turnEnd:${m.reason}` : m.type] : [];
    });
  }
}

describe('session channel', () => {
  it('answers a question: turnStart, semantic, speech, audio frames, turnEnd, in order', async () => {
    const client = await Client.open();
    const sentAt = performance.now();
    client.send({ type: 'question', chatId: 'chat-0001', text: 'hello' });
    await client.until((m) => m.type === 'turnEnd');
    const messages = client.messages().filter((m) => 'chatId' in m && m.chatId === 'chat-0001');
    expect(messages[0]).toEqual({ type: 'turnStart', chatId: 'chat-0001', kind: 'answer' });
    expect(messages.at(-1)).toEqual({ type: 'turnEnd', chatId: 'chat-0001', reason: 'completed' });
    const semantics = messages.filter((m) => m.type === 'semantic');
    expect(semantics.map((m) => m.text).join('')).toContain("Hello! I'm the dhkit demo avatar.");
    expect(semantics.at(-1)!.isLast).toBe(true);
    expect(semantics.slice(0, -1).every((m) => !m.isLast)).toBe(true);
    const speeches = messages.filter((m) => m.type === 'speech');
    expect(speeches[0]).toMatchObject({ clauseId: 0, text: 'Hello!', sampleRate: 22050, encoding: 'pcm_s16le' });

    // Every clause: semantic, then speech, then its audio frames ending with the flagged one.
    const audio = client.received.filter((r) => r.kind === 'audio');
    expect(audio.length).toBeGreaterThan(3);
    expect(audio.reduce((n, a) => n + a.bytes, 0)).toBeGreaterThan(22050); // over half a second
    expect(Math.max(...audio.map((a) => a.peak))).toBeGreaterThan(1000);
    let clause = -1;
    let expectedSeq = 0;
    let sawSpeech = false;
    for (const r of client.received) {
      if (r.kind === 'json' && r.message.type === 'speech') {
        expect(r.message.clauseId).toBeGreaterThan(clause);
        clause = r.message.clauseId;
        expectedSeq = 0;
        sawSpeech = true;
      } else if (r.kind === 'audio') {
        expect(sawSpeech).toBe(true);
        expect(r.clauseId).toBe(clause);
        expect(r.seq).toBe(expectedSeq++);
      }
    }
    for (const speech of speeches) {
      const frames = audio.filter((a) => a.clauseId === (speech as { clauseId: number }).clauseId);
      expect(frames.at(-1)!.last).toBe(true);
      expect(frames.slice(0, -1).every((f) => !f.last)).toBe(true);
    }
    const firstAudioMs = audio[0].at - sentAt;
    console.log(`question → first audio frame: ${firstAudioMs.toFixed(1)} ms (loopback, incl. client)`);
    expect(firstAudioMs).toBeLessThan(1000);
    client.socket.close();
  });

  it('answers Chinese, with images kept in semantic text but not spoken', async () => {
    const client = await Client.open();
    client.send({ type: 'question', chatId: 'chat-zh-01', text: '展厅在哪里？' });
    await client.until((m) => m.type === 'turnEnd');
    const semantic = client
      .messages()
      .filter((m) => m.type === 'semantic')
      .map((m) => (m as { text: string }).text)
      .join('');
    expect(semantic).toContain('<img src="/demo/assets/showroom.svg" alt="展厅示意图">');
    const spoken = client
      .messages()
      .filter((m) => m.type === 'speech')
      .map((m) => (m as { text: string }).text)
      .join('');
    expect(spoken).toContain('滨江路');
    expect(spoken).not.toContain('img');
    client.socket.close();
  });

  it('interrupt ends the turn at once and no audio of that chat follows', async () => {
    const client = await Client.open();
    client.send({ type: 'question', chatId: 'chat-long-1', text: 'how do I embed you in my website' });
    await client.until((m) => m.type === 'speech');
    client.send({ type: 'interrupt' });
    await client.until((m) => m.type === 'turnEnd');
    const endIndex = client.received.findIndex((r) => r.kind === 'json' && r.message.type === 'turnEnd');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.messages().find((m) => m.type === 'turnEnd')).toMatchObject({ reason: 'interrupted' });
    expect(client.received.slice(endIndex + 1).filter((r) => r.kind === 'audio' || ('message' in r && 'chatId' in r.message))).toEqual([]);
    // A new question interrupts a running one.
    client.send({ type: 'question', chatId: 'chat-long-2', text: 'what can you do' });
    await client.until((m) => m.type === 'speech' && m.chatId === 'chat-long-2');
    client.send({ type: 'question', chatId: 'chat-long-3', text: '你好' });
    await client.until((m) => m.type === 'turnEnd' && m.chatId === 'chat-long-3');
    expect(client.trace('chat-long-2').at(-1)).toBe('turnEnd:interrupted');
    expect(client.trace('chat-long-3').at(-1)).toBe('turnEnd:completed');
    client.socket.close();
  });

  it('speaks driven text from the channel and from the admin API', async () => {
    const client = await Client.open();
    client.send({ type: 'drivenText', chatId: 'drive-0001', text: 'Welcome to the showroom, ', isLast: false });
    client.send({ type: 'drivenText', chatId: 'drive-0001', text: 'please come in.', isLast: true });
    await client.until((m) => m.type === 'turnEnd' && m.chatId === 'drive-0001');
    const trace = client.trace('drive-0001');
    expect(trace[0]).toBe('turnStart');
    expect(trace.at(-1)).toBe('turnEnd:completed');
    expect(trace.filter((t) => t === 'audio!').length).toBe(2);
    expect(client.messages().find((m) => m.type === 'turnStart')).toMatchObject({ kind: 'driven' });
    const text = client
      .messages()
      .filter((m) => m.type === 'semantic')
      .map((m) => (m as { text: string }).text)
      .join('');
    expect(text).toBe('Welcome to the showroom, please come in.');

    const url = `${server.url}/v1/sessions/${client.info.sessionId}/driven-text`;
    const post = (body: unknown) =>
      fetch(url, { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const first = await post({ text: '欢迎光临，', isLast: false });
    expect(first.status).toBe(202);
    const { chatId } = await first.json();
    const second = await (await post({ text: '请随便看看。', isLast: true })).json();
    expect(second.chatId).toBe(chatId);
    await client.until((m) => m.type === 'turnEnd' && m.chatId === chatId);
    expect(client.trace(chatId).at(-1)).toBe('turnEnd:completed');
    const spoken = client
      .messages()
      .filter((m) => m.type === 'semantic' && m.chatId === chatId)
      .map((m) => (m as { text: string }).text)
      .join('');
    expect(spoken).toBe('欢迎光临，请随便看看。');
    client.socket.close();
  });

  it('answers bad frames with INVALID_REQUEST and stays usable', async () => {
    const client = await Client.open();
    client.send('not json');
    client.send({ type: 'dance' });
    client.send({ type: 'question', chatId: 'short', text: 'hi' });
    client.send({ type: 'question', chatId: 'chat-bad-01', text: 42 });
    client.send({ type: 'ping' });
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    client.send(JSON.stringify({ type: 'question', chatId: 'chat-big-01', text: 'x'.repeat(70_000) }));
    client.send({ type: 'question', chatId: 'chat-empty1', text: '   ' });
    client.send({ type: 'question', chatId: 'chat-long01', text: 'x'.repeat(501) });
    client.send({ type: 'ping', t: 123 });
    await client.until((m) => m.type === 'pong');
    const errors = client.messages().filter((m) => m.type === 'error');
    expect(errors.slice(0, 7).map((m) => (m as { code: string }).code)).toEqual(Array(7).fill('INVALID_REQUEST'));
    expect(errors[7]).toMatchObject({ code: 'QUESTION_EMPTY', chatId: 'chat-empty1' });
    expect(errors[8]).toMatchObject({ code: 'QUESTION_TOO_LONG', chatId: 'chat-long01' });
    expect(client.messages().find((m) => m.type === 'pong')).toEqual({ type: 'pong', t: 123 });
    client.send({ type: 'question', chatId: 'chat-good-1', text: '你好' });
    await client.until((m) => m.type === 'turnEnd' && m.chatId === 'chat-good-1');
    expect(client.trace('chat-good-1').at(-1)).toBe('turnEnd:completed');
    client.socket.close();
  });

  it('closes with 4001 on a wrong token, a missing hello, or an unknown session', async () => {
    const wrong = await Client.open('demo', false);
    wrong.send({ type: 'hello', token: 'wrong', protocol: 1 });
    expect(await wrong.closeCode).toBe(4001);
    // The session survives a failed hello: the real token still works.
    const retry = new Client(wrong.info);
    await new Promise((resolve) => retry.socket.once('open', resolve));
    retry.send({ type: 'hello', token: wrong.info.token, protocol: 1 });
    await retry.until((m) => m.type === 'welcome');
    retry.socket.close();

    const notHello = await Client.open('demo', false);
    notHello.send({ type: 'ping', t: 1 });
    expect(await notHello.closeCode).toBe(4001);
    const unknown = new Client({ ...wrong.info, channelPath: '/v1/sessions/s_unknown/channel' });
    expect(await unknown.closeCode).toBe(4001);
  });

  it('frees the slot when the socket closes, and ends the session on bye', async () => {
    const solo = await fetch(`${server.url}/v1/robots`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'solo', name: 'Solo', concurrency: 1 }),
    });
    expect(solo.status).toBe(201);
    const first = await Client.open('solo');
    first.send({ type: 'bye' });
    expect(await first.closeCode).toBe(1000);
    const second = await Client.open('solo');
    second.socket.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const third = await Client.open('solo');
    expect(third.messages()[0]).toMatchObject({ type: 'welcome' });
    const ended = await fetch(`${server.url}/v1/sessions/${first.info.sessionId}/driven-text`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hi', isLast: true }),
    });
    expect(ended.status).toBe(410);
    third.socket.close();
  });
});

describe('session timers', () => {
  it('ends a session whose channel never opens and frees its slot', async () => {
    const { createApp } = await import('../src/app.js');
    const app = await createApp({
      dataDir: tempDir(),
      adminKey: ADMIN_KEY,
      demo: true,
      logLevel: 'silent',
      sessionTimeouts: { leaseTtlMs: 300, channelOpenMs: 300 },
    });
    const store = app.dhkit.context.store;
    const registry = app.dhkit.context.registry;
    const code = (await app.inject({ method: 'POST', url: '/v1/robots/demo/once-codes', headers: ADMIN })).json().onceCode;
    const info = (await app.inject({ method: 'POST', url: '/v1/sessions', payload: { robotId: 'demo', onceCode: code } })).json();
    expect(registry.get(info.sessionId)).toBeDefined();
    registry.sweep(Date.now() + 1000);
    expect(registry.get(info.sessionId)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.getSession(info.sessionId)).toMatchObject({ endReason: 'CHANNEL_NOT_OPENED' });
    expect(await store.countLiveSessions('demo', Date.now())).toBe(0);
    await app.close();
  });
});

describe('changeLanguage', () => {
  it('switches the session language: languageChanged, then errors (and answers) in the new language', async () => {
    const client = await Client.open();
    expect(client.messages().find((m) => m.type === 'welcome')).toMatchObject({ language: 'zh_CN' });
    client.send({ type: 'question', chatId: 'lang-0001', text: '  ' });
    expect(await client.until((m) => m.type === 'error' && m.chatId === 'lang-0001')).toMatchObject({
      code: 'QUESTION_EMPTY',
      message: '问题不能为空。',
    });
    client.send({ type: 'changeLanguage', language: 'en_US' });
    expect(await client.until((m) => m.type === 'languageChanged')).toEqual({ type: 'languageChanged', language: 'en_US' });
    client.send({ type: 'question', chatId: 'lang-0002', text: '  ' });
    const error = await client.until((m) => m.type === 'error' && m.chatId === 'lang-0002');
    expect(error).toMatchObject({ code: 'QUESTION_EMPTY' });
    expect((error as { message: string }).message).toMatch(/^[\x20-\x7e]+$/);
    client.socket.close();
  });

  it('refuses a language the robot does not offer, and a malformed one', async () => {
    const created = await fetch(`${server.url}/v1/robots`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Chinese only', languages: ['zh_CN'], defaultLanguage: 'zh_CN' }),
    });
    expect(created.status).toBe(201);
    const robot = await created.json();
    const client = await Client.open(robot.id);
    client.send({ type: 'changeLanguage', language: 'en_US' });
    expect(await client.until((m) => m.type === 'error')).toMatchObject({ code: 'LANGUAGE_NOT_SUPPORTED' });
    client.send({ type: 'changeLanguage', language: 'klingon' });
    expect(await client.until((m) => m.type === 'error' && m.code === 'INVALID_REQUEST')).toBeDefined();
    expect(client.messages().some((m) => m.type === 'languageChanged')).toBe(false);
    client.socket.close();
  });
});
