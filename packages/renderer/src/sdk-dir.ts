import { fileURLToPath } from 'node:url';

/** The SDK build directory (it holds the publisher page's script, livekit-publisher.esm.js), or null when missing. */
export function findSdkDir(): string | null {
  try {
    return fileURLToPath(new URL('dist', import.meta.resolve('@dhkit/sdk/package.json')));
  } catch {
    return null;
  }
}
