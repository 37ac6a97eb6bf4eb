// Builds the browser SDK: ESM for bundlers and `import`, UMD (global `DHKit`) for a script tag.
// Type declarations are emitted by tsc (see packages/sdk/package.json).
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const sdk = 'packages/sdk';
const plugins = [
  nodeResolve({ browser: true, rootDir: sdk }),
  esbuild({ target: 'es2020', tsconfig: `${sdk}/tsconfig.json` }),
  // ascii_only: the bundle carries Chinese UI strings; escaping them keeps it intact on pages without a charset.
  terser({ format: { comments: false, ascii_only: true } }),
];

export default [
  {
    input: `${sdk}/src/index.ts`,
    output: { file: `${sdk}/dist/dhkit.esm.js`, format: 'es', sourcemap: true },
    plugins,
  },
  {
    input: `${sdk}/src/index.ts`,
    output: { file: `${sdk}/dist/dhkit.umd.js`, format: 'umd', name: 'DHKit', sourcemap: true },
    plugins,
  },
];
