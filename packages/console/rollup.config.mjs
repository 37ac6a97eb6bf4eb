// Builds the operator console (served by the server under /admin/) with the SDK's tooling: one ES module, its
// page and its icon. The SDK it embeds ("Try it") and its answer sanitizer are not bundled: the console loads
// them from the same server's /sdk/, the very files visitors get.
import { copyFile, mkdir } from 'node:fs/promises';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const dir = 'packages/console';

function copyStatic() {
  return {
    name: 'copy-console-static',
    async writeBundle() {
      await mkdir(`${dir}/dist`, { recursive: true });
      for (const file of ['index.html', 'console.css', 'favicon.svg']) await copyFile(`${dir}/static/${file}`, `${dir}/dist/${file}`);
    },
  };
}

export default {
  input: `${dir}/src/main.ts`,
  // The SDK's own files on the same server, loaded at run time.
  external: (id) => id.startsWith('/sdk/'),
  output: { file: `${dir}/dist/console.js`, format: 'es', sourcemap: true },
  plugins: [
    nodeResolve({ browser: true, rootDir: dir }),
    esbuild({ target: 'es2020', tsconfig: `${dir}/tsconfig.json` }),
    terser({ format: { comments: false, ascii_only: true } }),
    copyStatic(),
  ],
};
