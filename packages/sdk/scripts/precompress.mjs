#!/usr/bin/env node
// Writes `.br` and `.gz` next to each built script in dist/, once per build, so the dhkit server sends /sdk/*.js
// compressed (@fastify/static `preCompressed`) without compressing on every request. Brotli at its best quality:
// the script-tag bundle goes from ~140 KB to ~40 KB on the wire. (npm pack leaves these files out: bundlers
// and CDNs compress by themselves.)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const scripts = [
  ...readdirSync(dist).map((name) => path.join(dist, name)),
  ...readdirSync(path.join(dist, 'voice')).map((name) => path.join(dist, 'voice', name)),
];
let count = 0;
for (const file of scripts.filter((name) => /\.m?js$/.test(name))) {
  const source = readFileSync(file);
  writeFileSync(
    `${file}.br`,
    brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: source.length } }),
  );
  writeFileSync(`${file}.gz`, gzipSync(source, { level: 9 }));
  count++;
}
console.log(`precompressed ${count} scripts (.br, .gz)`);
