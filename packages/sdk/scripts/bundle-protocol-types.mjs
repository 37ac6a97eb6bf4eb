#!/usr/bin/env node
// Makes the SDK's declarations stand alone: copies @dhkit/protocol's .d.ts files into dist/types/protocol/ and
// points every `from '@dhkit/protocol'` at them. The protocol package is the wire contract between this
// repository's SDK and server, not something apps install; bundling its types keeps `npm pack` of the SDK one
// tarball that installs by itself, with no second package to publish and keep in step. (Its runtime code is
// already inside the rollup bundles.) Run after `tsc --emitDeclarationOnly` (see package.json).
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const sdk = fileURLToPath(new URL('..', import.meta.url));
const types = path.join(sdk, 'dist/types');
const protocolTypes = path.join(sdk, '../protocol/dist');
const bundled = path.join(types, 'protocol');

mkdirSync(bundled, { recursive: true });
for (const file of readdirSync(protocolTypes)) {
  if (file.endsWith('.d.ts')) copyFileSync(path.join(protocolTypes, file), path.join(bundled, file));
}

let rewritten = 0;
function rewrite(dir) {
  for (const entry of readdirSync(dir)) {
    const file = path.join(dir, entry);
    if (file === bundled) continue;
    if (statSync(file).isDirectory()) rewrite(file);
    else if (entry.endsWith('.d.ts')) {
      const text = readFileSync(file, 'utf8');
      let relative = path.relative(path.dirname(file), path.join(bundled, 'index.js')).split(path.sep).join('/');
      if (!relative.startsWith('.')) relative = `./${relative}`;
      const next = text.replace(/(['"])@dhkit\/protocol\1/g, `'${relative}'`);
      if (next !== text) {
        writeFileSync(file, next);
        rewritten++;
      }
    }
  }
}
rewrite(types);
console.log(`bundled @dhkit/protocol's types into dist/types/protocol (${rewritten} declaration files point at them)`);
