#!/usr/bin/env node
// A stand-in for the app's backend: serves the built app (dist/) under a strict Content-Security-Policy and mints
// a once-code per request with the dhkit admin API. The admin key stays here, never in the browser.
//
//   DHKIT_URL=http://localhost:8080 DHKIT_ADMIN_KEY=<key> node backend.mjs   → open http://localhost:5173
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DHKIT_URL = (process.env.DHKIT_URL ?? 'http://localhost:8080').replace(/\/$/, '');
const ADMIN_KEY = process.env.DHKIT_ADMIN_KEY;
const ROBOT_ID = process.env.DHKIT_ROBOT ?? 'demo';
const PORT = Number(process.env.PORT ?? 5173);
const dist = fileURLToPath(new URL('./dist/', import.meta.url));

// The app's own scripts and styles only: the SDK and its lazy chunks were bundled into the app by Vite, so the
// dhkit server appears only where the app talks to it (API, channel) and where answers' pictures come from.
const csp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  `connect-src 'self' ${DHKIT_URL} ${DHKIT_URL.replace(/^http/, 'ws')}`,
  `img-src 'self' ${DHKIT_URL} data: blob:`,
  `media-src 'self' ${DHKIT_URL} blob:`,
].join('; ');

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

async function mintOnceCode(response) {
  const minted = await fetch(`${DHKIT_URL}/v1/robots/${ROBOT_ID}/once-codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ttlSeconds: 120 }),
  }).catch(() => null);
  if (!minted?.ok) return void response.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"could not reach dhkit"}');
  const { onceCode } = await minted.json();
  response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  response.end(JSON.stringify({ onceCode }));
}

export const server = createServer(async (request, response) => {
  const pathname = new URL(request.url ?? '/', 'http://x').pathname;
  // Check your own login and rate limits here before minting.
  if (request.method === 'POST' && pathname === '/api/once-code') return mintOnceCode(response);
  const file = path.join(dist, pathname === '/' ? 'index.html' : path.normalize(pathname));
  const body = request.method === 'GET' && file.startsWith(dist) ? await readFile(file).catch(() => null) : null;
  if (!body) return void response.writeHead(404).end('not found');
  response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream', 'content-security-policy': csp });
  const isPage = path.extname(file) === '.html';
  response.end(isPage ? body.toString().replaceAll('{{DHKIT_URL}}', DHKIT_URL).replaceAll('{{DHKIT_ROBOT}}', ROBOT_ID) : body);
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!ADMIN_KEY) {
    console.error('Set DHKIT_ADMIN_KEY to the admin key the dhkit server printed on its first start.');
    process.exit(1);
  }
  server.listen(PORT, () => console.log(`example app on http://localhost:${PORT} (dhkit at ${DHKIT_URL})`));
}
