/**
 * Where espeak-ng is: `DHKIT_ESPEAK_PATH` when set, else `espeak-ng` on PATH (Debian's /usr/bin, Homebrew's
 * /opt/homebrew/bin, /usr/local/bin, …). Never a hard-coded path.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export interface EspeakLocation {
  /** The executable, or null when none was found. */
  binary: string | null;
  /** Where it was looked for, for the start-up line and /healthz. */
  lookedIn: string;
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function findEspeak(env: NodeJS.ProcessEnv = process.env): EspeakLocation {
  const override = env.DHKIT_ESPEAK_PATH?.trim();
  if (override) return { binary: isExecutableFile(override) ? override : null, lookedIn: `DHKIT_ESPEAK_PATH=${override}` };
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const names = process.platform === 'win32' ? ['espeak-ng.exe', 'espeak-ng'] : ['espeak-ng'];
  for (const dir of dirs) {
    for (const name of names) {
      const file = path.join(dir, name);
      if (isExecutableFile(file)) return { binary: file, lookedIn: 'PATH' };
    }
  }
  return { binary: null, lookedIn: `PATH (${dirs.join(path.delimiter)})` };
}
