#!/usr/bin/env node
// Installs @dhkit/sdk the way an app gets it from npm: `npm pack` of packages/sdk (build it first: `npm run build`
// or `npm start` in the repository root), then `npm install` of that tarball. `--no-save` keeps this example's
// package.json and lockfile free of a path that only exists in this repository.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const sdk = fileURLToPath(new URL('../../packages/sdk/', import.meta.url));
if (!existsSync(`${sdk}dist/dhkit.esm.js`)) {
  console.error('The SDK is not built yet: run `npm run build` (or `npm start`) in the repository root first.');
  process.exit(1);
}
mkdirSync(`${here}.sdk`, { recursive: true });
const [{ filename }] = JSON.parse(execFileSync('npm', ['pack', sdk, '--json', '--pack-destination', `${here}.sdk`], { encoding: 'utf8' }));
execFileSync('npm', ['install', '--no-save', '--prefer-offline', '--no-audit', '--no-fund', `.sdk/${filename}`], {
  cwd: here,
  stdio: 'inherit',
});
console.log(`@dhkit/sdk installed from .sdk/${filename}`);
