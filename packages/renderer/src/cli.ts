/** `dhkit-renderer [--port N] [--host H] [--capacity N] [--warm N] [--no-spare-rooms]` (the server's `dhkit renderer` runs this too). */
import { parseArgs } from 'node:util';
import { LoadPolicyError } from './load-policy.js';
import { startRenderer } from './reference-renderer.js';
import { findSdkDir } from './sdk-dir.js';

const USAGE = `Usage: dhkit-renderer [--port N] [--host H] [--capacity N] [--warm N] [--no-spare-rooms]
  The reference avatar renderer for robots in livekit media mode (docs/renderer-protocol.md).
  --no-spare-rooms: warm pages wait idle instead of joining the spare rooms the server offers (less CPU, slower start).
  Environment: DHKIT_RENDERER_PORT (default 8090), DHKIT_RENDERER_SECRET, DHKIT_CHROMIUM (default /usr/bin/chromium),
  DHKIT_PUBLIC_URL (the dhkit servers' public origins, comma-separated: packs load from these only; default loopback only),
  DHKIT_RENDERER_BROWSER_USER (the account Chromium runs as when started as root; default nobody),
  DHKIT_RENDERER_NO_SANDBOX (1: Chromium without its sandbox, only where the host cannot give it one).`;

class UsageError extends Error {}

/** A whole number in min..max (ports, slots, pages). */
function parseCount(value: string, name: string, min: number, max: number): number {
  const count = Number(value);
  if (Number.isInteger(count) && count >= min && count <= max) return count;
  throw new UsageError(`${name} must be a whole number in ${min}..${max}.`);
}

/** Runs the renderer until SIGINT or SIGTERM; resolves with the exit code. */
export async function main(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    return await run(args, env);
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof LoadPolicyError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(`dhkit-renderer: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      capacity: { type: 'string' },
      warm: { type: 'string' },
      'no-spare-rooms': { type: 'boolean' },
    },
    strict: true,
  });
  const sdkDir = findSdkDir();
  if (!sdkDir) throw new UsageError('The SDK build (@dhkit/sdk dist) was not found; run "npm run build".');
  const running = await startRenderer({
    port: parseCount(values.port ?? env.DHKIT_RENDERER_PORT ?? '8090', '--port', 0, 65_535),
    host: values.host ?? '127.0.0.1',
    capacity: parseCount(values.capacity ?? '2', '--capacity', 1, 64),
    warmPages: parseCount(values.warm ?? '1', '--warm', 0, 64),
    joinSpareRooms: !values['no-spare-rooms'],
    secret: env.DHKIT_RENDERER_SECRET || undefined,
    chromiumPath: env.DHKIT_CHROMIUM || undefined,
    serverOrigins: (env.DHKIT_PUBLIC_URL ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    noSandbox: env.DHKIT_RENDERER_NO_SANDBOX === '1',
    browserUser: env.DHKIT_RENDERER_BROWSER_USER || undefined,
    sdkDir,
    log: (line) => console.log(`dhkit-renderer: ${line}`),
  });
  console.log(`dhkit-renderer: listening on ${running.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => void running.close().finally(resolve);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
