import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** `server/assets` (this file is in `server/src` or `server/dist`). */
export const ASSETS_DIR = fileURLToPath(new URL('../assets/', import.meta.url));

const require = createRequire(import.meta.url);

/** The `dist` folder beside an installed package's package.json, or null when the package is not installed. */
function distBeside(resolvePackageJson: () => string): string | null {
  try {
    return path.join(path.dirname(resolvePackageJson()), 'dist');
  } catch {
    return null;
  }
}

/** The SDK build directory, or null when @dhkit/sdk is not installed. */
export function findSdkDir(): string | null {
  return distBeside(() => require.resolve('@dhkit/sdk/package.json'));
}

/** The operator console's build directory (`@dhkit/console`'s dist), or null when it is not installed. */
export function findConsoleDir(): string | null {
  return distBeside(() => require.resolve('@dhkit/console/package.json'));
}
