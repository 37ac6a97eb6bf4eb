#!/usr/bin/env node
// The kiosk's backend: serves the kiosk page and mints a once-code for each session the kiosk starts (every
// visitor, every recovery) through the dhkit server's admin API. The admin key stays here.
//
//   DHKIT_URL=http://localhost:8080 DHKIT_ADMIN_KEY=<key> node examples/kiosk/server.mjs
//   → open http://localhost:3001 on the kiosk's screen
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';

const DHKIT_URL = (process.env.DHKIT_URL ?? 'http://localhost:8080').replace(/\/$/, '');
const ADMIN_KEY = process.env.DHKIT_ADMIN_KEY;
const ROBOT_ID = process.env.DHKIT_ROBOT ?? 'demo';
const PORT = Number(process.env.PORT ?? 3001);
if (!ADMIN_KEY) {
  console.error('Set DHKIT_ADMIN_KEY to the admin key the dhkit server printed on its first start.');
  process.exit(1);
}

const files = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/main.js': ['main.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

async function mintOnceCode() {
  const minted = await fetch(`${DHKIT_URL}/v1/robots/${ROBOT_ID}/once-codes`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ttlSeconds: 60 }),
    signal: AbortSignal.timeout(5000),
  }).catch(() => null);
  return minted?.ok ? (await minted.json()).onceCode : null;
}

export const server = createServer(async (request, response) => {
  const path = new URL(request.url ?? '/', 'http://x').pathname;
  if (request.method === 'POST' && path === '/api/once-code') {
    // The dhkit server is down or refuses: say so; the kiosk shows it is reconnecting and asks again later.
    const onceCode = await mintOnceCode();
    const status = onceCode ? 200 : 502;
    response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    response.end(JSON.stringify(onceCode ? { onceCode } : { error: 'could not reach dhkit' }));
    return;
  }
  const file = request.method === 'GET' ? files[path] : undefined;
  if (!file) {
    response.writeHead(404).end('not found');
    return;
  }
  const body = await readFile(new URL(file[0], import.meta.url));
  const ws = DHKIT_URL.replace(/^http/, 'ws');
  response.writeHead(200, {
    'content-type': file[1],
    'content-security-policy':
      `default-src 'self'; script-src 'self' ${DHKIT_URL}; style-src 'self'; connect-src ` +
      `'self' ${DHKIT_URL} ${ws}; img-src 'self' ${DHKIT_URL} data:; media-src 'self' ${DHKIT_URL} blob:`,
  });
  const html =
    file[0] === 'index.html'
      ? body.toString().replaceAll('{{DHKIT_URL}}', DHKIT_URL).replace('<html lang="en">', `<html lang="en" data-robot="${ROBOT_ID}">`)
      : body;
  response.end(html);
});

if (process.argv[1] === new URL(import.meta.url).pathname) {
  server.listen(PORT, () => console.log(`kiosk on http://localhost:${PORT} (dhkit at ${DHKIT_URL})`));
}
