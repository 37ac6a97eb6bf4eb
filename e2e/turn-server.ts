/**
 * A real TURN server for the relay-only e2e: Debian's coturn (`turnserver`), started on loopback with TCP only
 * towards clients (no UDP or DTLS listener, as behind a firewall that lets nothing but TCP through); the relayed
 * media leaves it as UDP to the LiveKit server, as coturn does in production. Long-term credentials.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

export interface TurnServer {
  /** `turn:127.0.0.1:<port>?transport=tcp` with its username and credential, as a robot's `iceServers` entry. */
  iceServer: { urls: string[]; username: string; credential: string };
  /** coturn's log so far (allocations, permissions, errors). */
  log(): string;
  close(): Promise<void>;
}

/** The `turnserver` binary, or null when coturn is not installed. */
export function turnserverPath(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v turnserver'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function accepting(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`turnserver did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startTurnServer(binary: string): Promise<TurnServer> {
  const port = await freePort();
  const username = 'visitor';
  const credential = `turn-${Math.random().toString(36).slice(2)}`;
  let output = '';
  const child: ChildProcess = spawn(
    binary,
    [
      '-n', // no configuration file: everything is on this line
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--no-udp', // clients reach it over TCP only
      '--no-dtls',
      '--no-tls',
      '--no-cli',
      '--allow-loopback-peers', // the LiveKit server is on loopback too
      '--min-port=49152',
      '--max-port=65535',
      '--lt-cred-mech',
      `--user=${username}:${credential}`,
      '--realm=dhkit.test',
      '--fingerprint',
      '--log-file=stdout',
      '--simple-log',
      '--verbose',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await accepting(port, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output.slice(-2000)}`);
  }
  return {
    iceServer: { urls: [`turn:127.0.0.1:${port}?transport=tcp`], username, credential },
    log: () => output,
    async close() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
