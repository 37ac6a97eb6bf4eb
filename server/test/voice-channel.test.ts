/**
 * Voice input and per-robot speech output over a real channel: a `ws` client uploads an utterance, a local
 * OpenAI-compatible transcription server recognizes it, the robot answers with a local OpenAI-compatible
 * speech server through its pronunciation lexicon.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeAudioFrame, encodeClientAudioFrame, type ServerMessage, type SessionInfo } from '@dhkit/protocol';
import { startServer, type RunningServer } from '../src/index.js';
import { tempDir } from './helpers.js';
import { MAX_UTTERANCE_BYTES } from '../src/sessions/voice-input.js';
import { startTranscriptionServer, type TranscriptionServer } from './fixtures/transcription-server.js';

const ADMIN_KEY = 'voice-test-admin-key-padded-to-32-characters';
const ADMIN = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
let server: RunningServer;
let asr: TranscriptionServer;
let speech: http.Server;
let speechUrl: string;
const spoken: string[] = [];

beforeAll(async () => {
  asr = await startTranscriptionServer();
  speech = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      spoken.push((JSON.parse(raw) as { input: string }).input);
      res.writeHead(200, { 'content-type': 'audio/pcm' }).end(Buffer.alloc(24000)); // 0.5 s at 24 kHz
    });
  });
  await new Promise<void>((resolve) => speech.listen(0, '127.0.0.1', resolve));
  speechUrl = `http://127.0.0.1:${(speech.address() as AddressInfo).port}/v1`;
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, demo: false, logLevel: 'silent' });
  const robot = (body: unknown) => fetch(`${server.url}/v1/robots`, { method: 'POST', headers: ADMIN, body: JSON.stringify(body) });
  const voiced = await robot({
    id: 'voiced',
    name: 'Voiced',
    concurrency: 20,
    languages: ['en_US'],
    asr: { type: 'openai', baseUrl: asr.baseUrl, apiKey: 'sk-asr' },
    tts: { type: 'openai', baseUrl: speechUrl, model: 'tts-1' },
    voices: { en_US: 'alloy' },
    lexicon: [{ word: 'dhkit', say: '<sub alias="D H kit">dhkit</sub>' }],
  });
  expect(voiced.status).toBe(201);
  expect(await voiced.json()).toMatchObject({ tts: { type: 'openai' }, asr: { type: 'openai' }, lexicon: [{ word: 'dhkit' }] });
  await fetch(`${server.url}/v1/robots/voiced/knowledge`, {
    method: 'POST',
    headers: ADMIN,
    body: JSON.stringify({ entries: [{ question: 'What are your opening hours?', answer: 'dhkit opens at nine.', language: 'en_US' }] }),
  });
  expect((await robot({ id: 'mute', name: 'Typing only', concurrency: 5, languages: ['en_US'] })).status).toBe(201);
});
afterAll(async () => {
  await server.close();
  await asr.close();
  speech.closeAllConnections();
  await new Promise<void>((resolve) => speech.close(() => resolve()));
});

class Client {
  readonly messages: ServerMessage[] = [];
  audioBytes = 0;
  private waiters: Array<() => void> = [];
  private constructor(
    readonly socket: WebSocket,
    readonly info: SessionInfo,
  ) {
    socket.on('message', (data: Buffer, isBinary) => {
      if (isBinary) this.audioBytes += decodeAudioFrame(new Uint8Array(data))?.pcm.length ?? 0;
      else this.messages.push(JSON.parse(data.toString()));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }
  static async open(robotId: string): Promise<Client> {
    const code = await (
      await fetch(`${server.url}/v1/robots/${robotId}/once-codes`, { method: 'POST', headers: { authorization: ADMIN.authorization } })
    ).json();
    const info = (await (
      await fetch(`${server.url}/v1/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ robotId, onceCode: code.onceCode }),
      })
    ).json()) as SessionInfo;
    const socket = new WebSocket(server.url.replace('http', 'ws') + info.channelPath);
    await new Promise((resolve) => socket.once('open', resolve));
    const client = new Client(socket, info);
    client.send({ type: 'hello', token: info.token, protocol: 1 });
    await client.until((m) => m.type === 'welcome');
    return client;
  }
  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }
  /** Sends `ms` of 16 kHz audio in 20 ms frames. */
  speak(chatId: string, ms: number): void {
    const frameBytes = 640;
    for (let seq = 0; seq * 20 < ms; seq++)
      this.socket.send(encodeClientAudioFrame({ chatId, seq }, new Uint8Array(frameBytes)), { binary: true });
  }
  async until(predicate: (m: ServerMessage) => boolean, timeoutMs = 5000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`timed out; got ${JSON.stringify(this.messages)}`);
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

describe('voice input over the channel', () => {
  it('tells the SDK whether voice input is offered', async () => {
    const voiced = await Client.open('voiced');
    const mute = await Client.open('mute');
    expect(voiced.info.robot.voiceInput).toBe(true);
    expect(mute.info.robot.voiceInput).toBe(false);
    expect(JSON.stringify(voiced.info)).not.toContain('sk-asr');
    voiced.close();
    mute.close();
  });

  it('recognizes an utterance, sends speechRecognized and answers it; the lexicon changes speech, not captions', async () => {
    asr.reply = () => ({ status: 200, body: JSON.stringify({ text: 'What are your opening hours?' }) });
    const client = await Client.open('voiced');
    client.send({ type: 'audioStart', chatId: 'voice-chat-01', sampleRate: 16000, encoding: 'pcm_s16le' });
    client.speak('voice-chat-01', 1000);
    client.send({ type: 'audioEnd', chatId: 'voice-chat-01' });
    expect(await client.until((m) => m.type === 'speechRecognized')).toEqual({
      type: 'speechRecognized',
      chatId: 'voice-chat-01',
      text: 'What are your opening hours?',
      isLast: true,
    });
    await client.until((m) => m.type === 'turnEnd');
    const wav = asr.requests.at(-1)!.file!.data;
    expect(wav.length).toBe(44 + 32000); // exactly the second that was sent
    expect(asr.requests.at(-1)!.authorization).toBe('Bearer sk-asr');
    const turnStart = client.messages.find((m) => m.type === 'turnStart');
    expect(turnStart).toMatchObject({ chatId: 'voice-chat-01', kind: 'answer' });
    const speechMessage = client.messages.find((m) => m.type === 'speech');
    expect(speechMessage).toMatchObject({ text: 'dhkit opens at nine.', sampleRate: 24000 });
    expect(spoken).toContain('D H kit opens at nine.');
    expect(client.messages.find((m) => m.type === 'turnEnd')).toMatchObject({ reason: 'completed' });
    expect(client.audioBytes).toBe(24000);
    client.close();
  });

  it('refuses voice for a robot without asr, and wrong sample rates', async () => {
    const mute = await Client.open('mute');
    mute.send({ type: 'audioStart', chatId: 'voice-chat-02', sampleRate: 16000, encoding: 'pcm_s16le' });
    expect(await mute.until((m) => m.type === 'error')).toMatchObject({ code: 'VOICE_INPUT_NOT_CONFIGURED', chatId: 'voice-chat-02' });
    mute.close();
    const voiced = await Client.open('voiced');
    voiced.send({ type: 'audioStart', chatId: 'voice-chat-03', sampleRate: 44100, encoding: 'pcm_s16le' });
    expect(await voiced.until((m) => m.type === 'error')).toMatchObject({ code: 'INVALID_REQUEST', chatId: 'voice-chat-03' });
    voiced.close();
  });

  it('drops an utterance over 30 s, and a cancelled one is never recognized', async () => {
    const before = asr.requests.length;
    const client = await Client.open('voiced');
    client.send({ type: 'audioStart', chatId: 'voice-chat-04', sampleRate: 16000, encoding: 'pcm_s16le' });
    const big = new Uint8Array(32000);
    for (let seq = 0; seq * 32000 <= MAX_UTTERANCE_BYTES; seq++)
      client.socket.send(encodeClientAudioFrame({ chatId: 'voice-chat-04', seq }, big), { binary: true });
    client.send({ type: 'audioEnd', chatId: 'voice-chat-04' });
    expect(await client.until((m) => m.type === 'error')).toMatchObject({ code: 'INVALID_REQUEST', chatId: 'voice-chat-04' });
    client.send({ type: 'audioStart', chatId: 'voice-chat-05', sampleRate: 16000, encoding: 'pcm_s16le' });
    client.speak('voice-chat-05', 500);
    client.send({ type: 'audioCancel', chatId: 'voice-chat-05' });
    client.send({ type: 'audioEnd', chatId: 'voice-chat-05' });
    client.send({ type: 'ping', t: 1 });
    await client.until((m) => m.type === 'pong');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(asr.requests.length).toBe(before);
    expect(client.messages.filter((m) => m.type === 'speechRecognized' || m.type === 'turnStart')).toEqual([]);
    client.close();
  });

  it('reports a failing transcription server with SPEECH_RECOGNITION_FAILED and stays usable', async () => {
    asr.reply = () => ({ status: 500, body: '{"error":{"message":"down"}}' });
    const client = await Client.open('voiced');
    client.send({ type: 'audioStart', chatId: 'voice-chat-06', sampleRate: 16000, encoding: 'pcm_s16le' });
    client.speak('voice-chat-06', 300);
    client.send({ type: 'audioEnd', chatId: 'voice-chat-06' });
    expect(await client.until((m) => m.type === 'error')).toMatchObject({ code: 'SPEECH_RECOGNITION_FAILED', chatId: 'voice-chat-06' });
    client.send({ type: 'question', chatId: 'text-chat-07', text: 'What are your opening hours?' });
    await client.until((m) => m.type === 'turnEnd' && m.chatId === 'text-chat-07');
    client.close();
  });

  it('answers nothing for an empty recognition, and a new utterance supersedes a slow one', async () => {
    const client = await Client.open('voiced');
    asr.reply = () => ({ status: 200, body: '{"text":"  "}' });
    client.send({ type: 'audioStart', chatId: 'voice-chat-08', sampleRate: 16000, encoding: 'pcm_s16le' });
    client.speak('voice-chat-08', 300);
    client.send({ type: 'audioEnd', chatId: 'voice-chat-08' });
    expect(await client.until((m) => m.type === 'speechRecognized')).toMatchObject({ chatId: 'voice-chat-08', text: '', isLast: true });

    asr.reply = (request) => ({
      status: 200,
      body: JSON.stringify({ text: 'first' }),
      delayMs: request.file!.data.length > 20_000 ? 500 : 0,
    });
    client.send({ type: 'audioStart', chatId: 'voice-chat-09', sampleRate: 16000, encoding: 'pcm_s16le' });
    client.speak('voice-chat-09', 1000); // slow to recognize
    client.send({ type: 'audioEnd', chatId: 'voice-chat-09' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.send({ type: 'audioStart', chatId: 'voice-chat-10', sampleRate: 16000, encoding: 'pcm_s16le' });
    client.speak('voice-chat-10', 200);
    client.send({ type: 'audioEnd', chatId: 'voice-chat-10' });
    await client.until((m) => m.type === 'turnEnd' && m.chatId === 'voice-chat-10');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(client.messages.some((m) => 'chatId' in m && m.chatId === 'voice-chat-09')).toBe(false);
    expect(client.messages.some((m) => m.type === 'turnStart' && m.chatId === 'voice-chat-08')).toBe(false);
    client.close();
  });
});
