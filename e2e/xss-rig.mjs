// The servers the peer-corpus XSS check needs (shared by e2e/xss-corpus.spec.ts and `npm run bench:xss`):
// a real dhkit server whose robot `xss` answers every payload from its knowledge base and speaks through a
// local OpenAI-compatible PCM stub (so the many clauses of a payload need no espeak-ng), and the customer's
// site on its own loopback origin, once with a strict CSP (`/strict`) and once with none (`/open`).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server/dist/index.js';

const ROBOT_ID = 'xss';
/** The robot's `mediaAllowlist` host; the checker serves it (https, by Playwright route). */
export const MEDIA_HOST = 'media.example';
const ADMIN_KEY = 'xss-admin-key-0123456789-0123456789';
/** 50 ms of silence per clause: 24 kHz mono 16-bit, as OpenAI's `pcm` format. */
const CLAUSE_PCM = Buffer.alloc(24_000 * 2 * 0.05);

/** Each payload is the answer to its own one-word question, which matches no other entry. */
export function questionFor(index) {
  let letters = '';
  for (let n = index; ; n = Math.floor(n / 26) - 1) {
    letters = String.fromCharCode(97 + (n % 26)) + letters;
    if (n < 26) break;
  }
  return `zx${letters}z`;
}

async function listen(server) {
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${server.address().port}`;
}

async function closeHttp(server) {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(() => resolve()));
}

/** The OpenAI-compatible speech stub: every clause is 50 ms of silence. */
async function startSpeechStub() {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.method !== 'POST' || !request.url?.endsWith('/audio/speech')) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'audio/pcm' }).end(CLAUSE_PCM);
    });
  });
  return { url: await listen(server), close: () => closeHttp(server) };
}

/** The CSP of docs/ui.md "The CSP a site needs" for this server and media host, plus `default-src 'self'`. */
function strictCsp(serverUrl) {
  const media = `https://${MEDIA_HOST}`;
  return [
    "default-src 'self'",
    `script-src 'self' ${serverUrl}`,
    `connect-src 'self' ${serverUrl} ${serverUrl.replace(/^http/, 'ws')}`,
    `img-src 'self' ${serverUrl} ${media}`,
    `media-src 'self' ${serverUrl} blob: ${media}`,
    "style-src 'self'",
  ].join('; ');
}

async function startSite(serverUrl) {
  const page = `<!doctype html><html><head><meta charset="utf-8"><title>xss</title></head>
<body><div id="dh"></div><script src="${serverUrl}/sdk/dhkit.umd.js"></script></body></html>`;
  const csp = strictCsp(serverUrl);
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path !== '/strict' && path !== '/open') return void response.writeHead(404).end();
    const headers = { 'content-type': 'text/html; charset=utf-8', ...(path === '/strict' ? { 'content-security-policy': csp } : {}) };
    response.writeHead(200, headers).end(page);
  });
  return { url: await listen(server), close: () => closeHttp(server) };
}

/**
 * Starts the servers and loads `payloads` (`{ answer }[]`) as the robot's knowledge: payload i answers
 * `questionFor(i)`.
 */
export async function startXssRig(payloads) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-xss-'));
  const speech = await startSpeechStub();
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, demo: false, logLevel: 'error' });
  const admin = async (method, path, body) => {
    const response = await fetch(server.url + path, {
      method,
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await response.json().catch(() => null);
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  await admin('POST', '/v1/robots', {
    id: ROBOT_ID,
    name: 'XSS',
    concurrency: 8,
    languages: ['en_US'],
    brain: { type: 'knowledge' },
    tts: { type: 'openai', baseUrl: `${speech.url}/v1` },
    mediaAllowlist: [MEDIA_HOST],
    // One page asks up to 100 questions, a few per second: far above what a visitor may (the default limits).
    rateLimits: { questions: { burst: 1000, perMinute: 6000 } },
  });
  const entries = payloads.map((payload, i) => ({ question: questionFor(i), answer: payload.answer, language: 'en_US' }));
  for (let i = 0; i < entries.length; i += 200) {
    await admin('POST', `/v1/robots/${ROBOT_ID}/knowledge`, { entries: entries.slice(i, i + 200), mode: 'append' });
  }
  const site = await startSite(server.url);
  return {
    serverUrl: server.url,
    siteUrl: site.url,
    onceCode: async () => (await admin('POST', `/v1/robots/${ROBOT_ID}/once-codes`, {})).onceCode,
    async close() {
      await site.close();
      await server.close();
      await speech.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
