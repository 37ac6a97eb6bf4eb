/** `dhkit-renderer [--port N] [--host H] [--capacity N] [--warm N]` (the server's `dhkit renderer` runs this too). */
import { parseArgs } from 'node:util';
import { startRenderer } from './reference-renderer.js';
import { findSdkDir } from './sdk-dir.js';

const USAGE = `Usage: dhkit-renderer [--port N] [--host H] [--capacity N] [--warm N]
  The reference avatar renderer for robots in livekit media mode (docs/renderer-protocol.md).
  Environment: DHKIT_RENDERER_PORT (default 8090), DHKIT_RENDERER_SECRET, DHKIT_CHROMIUM (default /usr/bin/chromium).`;

class UsageError extends Error {}

function parseNumber(value: string, name: string, min: number, max: number): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max) throw new UsageError(`${name} must be a number in ${min}..${max}.`);
  return number;
}

function parsePort(value: string, name: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${name} must be a port number.`);
  return port;
}

/** Runs the renderer until SIGINT or SIGTERM; resolves with the exit code. */
export async function main(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    return await run(args, env);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`dhkit-renderer: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, host: { type: 'string' }, capacity: { type: 'string' }, warm: { type: 'string' } },
    strict: true,
  });
  const sdkDir = findSdkDir();
  if (!sdkDir) throw new UsageError('The SDK build (@dhkit/sdk dist) was not found; run "npm run build".');
  const running = await startRenderer({
    port: parsePort(values.port ?? env.DHKIT_RENDERER_PORT ?? '8090', '--port'),
    host: values.host ?? '127.0.0.1',
    capacity: parseNumber(values.capacity ?? '2', '--capacity', 1, 64),
    warmPages: parseNumber(values.warm ?? '1', '--warm', 0, 64),
    secret: env.DHKIT_RENDERER_SECRET || undefined,
    chromiumPath: env.DHKIT_CHROMIUM || undefined,
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
