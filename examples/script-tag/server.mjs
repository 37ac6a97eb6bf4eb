#!/usr/bin/env node
// A stand-in for your website's backend. It serves the page and mints a once-code per visitor by calling
// the dhkit server's admin API; the admin key stays here, on the backend, never in the browser.
//
//   DHKIT_URL=http://localhost:8080 DHKIT_ADMIN_KEY=<key> node examples/script-tag/server.mjs
//   → open http://localhost:3000
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';

const DHKIT_URL = (process.env.DHKIT_URL ?? 'http://localhost:8080').replace(/\/$/, '');
const ADMIN_KEY = process.env.DHKIT_ADMIN_KEY;
const ROBOT_ID = process.env.DHKIT_ROBOT ?? 'demo';
const PORT = Number(process.env.PORT ?? 3000);
if (!ADMIN_KEY) {
  console.error('Set DHKIT_ADMIN_KEY to the admin key the dhkit server printed on its first start.');
  process.exit(1);
}

const files = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/main.js': ['main.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

export const server = createServer(async (request, response) => {
  const path = new URL(request.url ?? '/', 'http://x').pathname;
  if (request.method === 'POST' && path === '/api/dh-session') {
    // Mint a once-code for this visitor (check your own login or rate limits here first).
    const minted = await fetch(`${DHKIT_URL}/v1/robots/${ROBOT_ID}/once-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ttlSeconds: 120 }),
    }).catch(() => null);
    if (!minted?.ok) {
      response.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"could not reach dhkit"}');
      return;
    }
    const { onceCode } = await minted.json();
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify({ serverAddress: DHKIT_URL, robotId: ROBOT_ID, onceCode }));
    return;
  }
  const file = request.method === 'GET' ? files[path] : undefined;
  if (!file) {
    response.writeHead(404).end('not found');
    return;
  }
  const body = await readFile(new URL(file[0], import.meta.url));
  response.writeHead(200, {
    'content-type': file[1],
    // The SDK works under a strict policy: no inline script or style, no eval.
    'content-security-policy':
      `default-src 'self'; script-src 'self' ${DHKIT_URL}; style-src 'self'; connect-src ` +
      `'self' ${DHKIT_URL} ${DHKIT_URL.replace(/^http/, 'ws')}; img-src 'self' ${DHKIT_URL} data:; media-src ` +
      `'self' ${DHKIT_URL} blob:`,
  });
  response.end(file[0] === 'index.html' ? body.toString().replaceAll('{{DHKIT_URL}}', DHKIT_URL) : body);
});

if (process.argv[1] === new URL(import.meta.url).pathname) {
  server.listen(PORT, () => console.log(`example site on http://localhost:${PORT} (dhkit at ${DHKIT_URL})`));
}
