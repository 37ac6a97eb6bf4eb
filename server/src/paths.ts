import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `server/assets` (this file is in `server/src` or `server/dist`). */
export const ASSETS_DIR = fileURLToPath(new URL('../assets/', import.meta.url));

/** The SDK build directory, or null when @dhkit/sdk is not installed. */
export function findSdkDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve('@dhkit/sdk/package.json')), 'dist');
  } catch {
    return null;
  }
}

/** The operator console's build directory (`@dhkit/console`'s dist), or null when it is not installed. */
export function findConsoleDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve('@dhkit/console/package.json')), 'dist');
  } catch {
    return null;
  }
}
