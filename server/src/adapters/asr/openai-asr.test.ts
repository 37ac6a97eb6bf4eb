import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpeechRecognitionError } from './asr.js';
import { OpenAiAsr } from './openai-asr.js';
import { startTranscriptionServer, type TranscriptionServer } from '../../../test/fixtures/transcription-server.js';

let fake: TranscriptionServer;
beforeAll(async () => {
  fake = await startTranscriptionServer();
});
afterAll(() => fake.close());

const pcm = new Uint8Array(16000 * 2 * 0.5); // half a second of silence at 16 kHz
const utterance = { pcm, sampleRate: 16000, language: 'en_US' as const };

describe('OpenAiAsr (local server speaking the OpenAI wire format)', () => {
  it('posts the utterance as a WAV file with model, language and the key, and returns the text', async () => {
    fake.reply = () => ({ status: 200, body: JSON.stringify({ text: '  What are your opening hours? ' }) });
    const asr = new OpenAiAsr({ baseUrl: fake.baseUrl, model: 'whisper-large-v3', apiKey: 'sk-asr-secret' });
    expect(await asr.recognize(utterance, new AbortController().signal)).toBe('What are your opening hours?');
    const request = fake.requests.at(-1)!;
    expect(request.url).toBe('/v1/audio/transcriptions');
    expect(request.authorization).toBe('Bearer sk-asr-secret');
    expect(request.fields).toMatchObject({ model: 'whisper-large-v3', language: 'en', response_format: 'json' });
    expect(request.file?.filename).toBe('utterance.wav');
    expect(request.file?.contentType).toBe('audio/wav');
    const wav = request.file!.data;
    expect(wav.subarray(0, 4).toString()).toBe('RIFF');
    expect(wav.subarray(8, 12).toString()).toBe('WAVE');
    expect(wav.readUInt16LE(22)).toBe(1); // mono
    expect(wav.readUInt32LE(24)).toBe(16000);
    expect(wav.readUInt16LE(34)).toBe(16);
    expect(wav.readUInt32LE(40)).toBe(pcm.length);
    expect(wav.length).toBe(44 + pcm.length);
  });

  it('maps the session language (zh_CN → zh) unless the robot sets one', async () => {
    fake.reply = () => ({ status: 200, body: '{"text":"你好"}' });
    await new OpenAiAsr({ baseUrl: fake.baseUrl }).recognize({ ...utterance, language: 'zh_CN' }, new AbortController().signal);
    expect(fake.requests.at(-1)!.fields).toMatchObject({ model: 'whisper-1', language: 'zh' });
    expect(fake.requests.at(-1)!.authorization).toBeUndefined();
    await new OpenAiAsr({ baseUrl: fake.baseUrl, language: 'yue' }).recognize(utterance, new AbortController().signal);
    expect(fake.requests.at(-1)!.fields.language).toBe('yue');
  });

  it.each([
    ['an HTTP 500', () => ({ status: 500, body: '{"error":{"message":"GPU on fire"}}' }), /HTTP 500: GPU on fire/],
    ['a 401', () => ({ status: 401, body: '{"error":"bad key"}' }), /HTTP 401: bad key/],
    ['a reply that is not JSON', () => ({ status: 200, body: '<html>proxy error</html>' }), /not JSON/],
    ['JSON without text', () => ({ status: 200, body: '{"segments":[]}' }), /no "text"/],
    ['a dropped connection', () => ({ status: 'drop' as const }), /dropped the connection/],
  ])('fails with SpeechRecognitionError on %s, never showing the key', async (_name, reply, message) => {
    fake.reply = reply;
    const error = await new OpenAiAsr({ baseUrl: fake.baseUrl, apiKey: 'sk-never-shown' })
      .recognize(utterance, new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpeechRecognitionError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('sk-never-shown');
  });

  it('times out a slow server', async () => {
    fake.reply = () => ({ status: 200, body: '{"text":"late"}', delayMs: 1000 });
    const started = performance.now();
    const error = await new OpenAiAsr({ baseUrl: fake.baseUrl, timeoutMs: 150 })
      .recognize(utterance, new AbortController().signal)
      .catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/timed out/);
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('rejects with the abort reason when cancelled', async () => {
    fake.reply = () => ({ status: 200, body: '{"text":"late"}', delayMs: 1000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('cancelled by a new utterance')), 50);
    const error = await new OpenAiAsr({ baseUrl: fake.baseUrl }).recognize(utterance, controller.signal).catch((e: unknown) => e);
    expect((error as Error).message).toBe('cancelled by a new utterance');
  });

  it('fails cleanly when nothing listens', async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await new OpenAiAsr({ baseUrl: `http://127.0.0.1:${port}/v1` })
      .recognize(utterance, new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpeechRecognitionError);
  });
});
