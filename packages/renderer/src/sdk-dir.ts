import { createRequire } from 'node:module';
import path from 'node:path';

/** The SDK build directory (it holds the publisher page's script, livekit-publisher.esm.js), or null when missing. */
export function findSdkDir(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve('@dhkit/sdk/package.json')), 'dist');
  } catch {
    return null;
  }
}
