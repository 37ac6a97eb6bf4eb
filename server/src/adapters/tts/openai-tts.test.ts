import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiTts, OPENAI_TTS_SAMPLE_RATE } from './openai-tts.js';
import { SpeechSynthesisError } from './tts.js';

/** A local server speaking OpenAI's /audio/speech wire format; each test picks a behaviour by the `input`. */
type Behaviour = (request: { body: Record<string, unknown>; headers: http.IncomingHttpHeaders }, response: http.ServerResponse) => void;
let behaviour: Behaviour;
const requests: Array<{ body: Record<string, unknown>; headers: http.IncomingHttpHeaders; url: string }> = [];
let closedEarly = 0;
let server: http.Server;
let baseUrl: string;

/** A sine tone of `ms` milliseconds at 24 kHz, s16le. */
function tone(ms: number): Buffer {
  const samples = Math.round((OPENAI_TTS_SAMPLE_RATE * ms) / 1000);
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / OPENAI_TTS_SAMPLE_RATE)), i * 2);
  return pcm;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      requests.push({ body, headers: req.headers, url: req.url ?? '' });
      res.on('close', () => {
        if (!res.writableFinished) closedEarly++;
      });
      behaviour({ body, headers: req.headers }, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function collect(iterable: AsyncIterable<Uint8Array>): Promise<{ chunks: Uint8Array[]; firstAt: number }> {
  const chunks: Uint8Array[] = [];
  const start = performance.now();
  let firstAt = -1;
  for await (const chunk of iterable) {
    if (firstAt < 0) firstAt = performance.now() - start;
    chunks.push(chunk);
  }
  return { chunks, firstAt };
}

describe('OpenAiTts (local server speaking the OpenAI wire format)', () => {
  it('posts model, voice, input and response_format pcm with the key, and streams sample-aligned 24 kHz PCM', async () => {
    const audio = tone(1000);
    behaviour = (_request, response) => {
      response.writeHead(200, { 'content-type': 'audio/pcm' });
      // Odd-sized pieces, as a real server's chunks come: alignment must be kept across them.
      let offset = 0;
      const next = () => {
        if (offset >= audio.length) return response.end();
        response.write(audio.subarray(offset, offset + 3001));
        offset += 3001;
        setTimeout(next, 2);
      };
      next();
    };
    const tts = new OpenAiTts({ baseUrl, model: 'tts-1-hd', apiKey: 'sk-test-secret' });
    const { chunks } = await collect(tts.synthesize('Hello there.', 'alloy', new AbortController().signal));
    const request = requests.at(-1)!;
    expect(request.url).toBe('/v1/audio/speech');
    expect(request.body).toEqual({ model: 'tts-1-hd', input: 'Hello there.', voice: 'alloy', response_format: 'pcm' });
    expect(request.headers.authorization).toBe('Bearer sk-test-secret');
    expect(tts.sampleRate).toBe(24_000);
    expect(chunks.every((c) => c.length % 2 === 0 && c.length <= 4800)).toBe(true);
    expect(Buffer.concat(chunks)).toEqual(audio);
  });

  it('yields the first chunk while the server is still producing the rest', async () => {
    behaviour = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.write(tone(200));
      setTimeout(() => response.end(tone(200)), 400);
    };
    const tts = new OpenAiTts({ baseUrl });
    const { chunks, firstAt } = await collect(tts.synthesize('A long sentence.', 'nova', new AbortController().signal));
    expect(firstAt).toBeLessThan(300);
    expect(Buffer.concat(chunks).length).toBe(tone(400).length);
  });

  it('stops at once and closes the download when aborted mid-stream', async () => {
    behaviour = (_request, response) => {
      response.writeHead(200, { 'content-type': 'audio/pcm' });
      const timer = setInterval(() => response.write(tone(100)), 20);
      response.on('close', () => clearInterval(timer));
    };
    const before = closedEarly;
    const controller = new AbortController();
    const tts = new OpenAiTts({ baseUrl });
    let count = 0;
    for await (const _chunk of tts.synthesize('Talk forever.', 'alloy', controller.signal)) {
      if (++count === 2) controller.abort();
    }
    expect(count).toBe(2);
    for (let i = 0; i < 50 && closedEarly === before; i++) await sleep(10);
    expect(closedEarly).toBe(before + 1);
  });

  it.each([
    [
      'an HTTP 500',
      (_q: unknown, r: http.ServerResponse) =>
        r.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"model overloaded"}}'),
      /HTTP 500: model overloaded/,
    ],
    [
      'JSON instead of audio',
      (_q: unknown, r: http.ServerResponse) => r.writeHead(200, { 'content-type': 'application/json' }).end('{"detail":"unknown voice"}'),
      /instead of PCM/,
    ],
    ['an empty body', (_q: unknown, r: http.ServerResponse) => r.writeHead(200, { 'content-type': 'audio/pcm' }).end(), /no audio/],
    [
      'a dropped connection',
      (_q: unknown, r: http.ServerResponse) => {
        r.writeHead(200, { 'content-type': 'audio/pcm' });
        r.write(tone(300));
        setTimeout(() => r.socket?.destroy(), 30);
      },
      /dropped the connection/,
    ],
  ])('fails with SpeechSynthesisError on %s, never showing the key', async (_name, reply, message) => {
    behaviour = reply as Behaviour;
    const tts = new OpenAiTts({ baseUrl, apiKey: 'sk-never-shown' });
    const error = await collect(tts.synthesize('Hi.', 'alloy', new AbortController().signal)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpeechSynthesisError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('sk-never-shown');
  });

  it('times out a server that does not answer, and one that stalls mid-stream', async () => {
    behaviour = () => undefined; // never answers
    const silent = await collect(new OpenAiTts({ baseUrl, timeoutMs: 150 }).synthesize('Hi.', 'alloy', new AbortController().signal)).catch(
      (e: unknown) => e,
    );
    expect((silent as Error).message).toMatch(/timed out/);

    behaviour = (_request, response) => {
      response.writeHead(200, { 'content-type': 'audio/pcm' });
      response.write(tone(200)); // then nothing
    };
    const stalled = await collect(
      new OpenAiTts({ baseUrl, timeoutMs: 150 }).synthesize('Hi.', 'alloy', new AbortController().signal),
    ).catch((e: unknown) => e);
    expect(stalled).toBeInstanceOf(SpeechSynthesisError);
    expect((stalled as Error).message).toMatch(/stalled/);
  });

  it('fails cleanly when nothing listens', async () => {
    const error = await collect(
      new OpenAiTts({ baseUrl: 'http://127.0.0.1:9/v1' }).synthesize('Hi.', 'alloy', new AbortController().signal),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpeechSynthesisError);
    expect((error as Error).message).toMatch(/could not be reached/);
  });
});
