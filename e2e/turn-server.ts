/**
 * A real TURN server for the relay-only e2e: Debian's coturn (`turnserver`), started on loopback with TCP and
 * TLS only towards clients (no UDP or DTLS listener, as behind a firewall that lets nothing but TCP through);
 * the relayed media leaves it as UDP to the LiveKit server, as coturn does in production. Long-term
 * credentials. Its TLS certificate is self-signed, made here with openssl; a browser accepts it by its public
 * key's hash (`spkiHash`, for Chromium's `--ignore-certificate-errors-spki-list`), as it would a real one.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TurnServer {
  /** `turn:127.0.0.1:<port>?transport=tcp` with its username and credential, as a robot's `iceServers` entry. */
  iceServer: { urls: string[]; username: string; credential: string };
  /** The same over TLS: `turns:127.0.0.1:<tls port>?transport=tcp`. */
  tlsIceServer: { urls: string[]; username: string; credential: string };
  /** base64 SHA-256 of the TLS certificate's public key (SubjectPublicKeyInfo). */
  spkiHash: string;
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

/** A self-signed certificate for 127.0.0.1 and its key, in `dir`; returns the public key's SPKI hash. */
function selfSignedCertificate(dir: string): string {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=turn.dhkit.test',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const publicKey = execFileSync('openssl', ['x509', '-in', cert, '-pubkey', '-noout']);
  const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'der'], { input: publicKey });
  return execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der }).toString('base64');
}

export async function startTurnServer(binary: string): Promise<TurnServer> {
  const port = await freePort();
  const tlsPort = await freePort();
  const certDir = mkdtempSync(join(tmpdir(), 'dhkit-turn-cert-'));
  const spkiHash = selfSignedCertificate(certDir);
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
      `--tls-listening-port=${tlsPort}`,
      `--cert=${join(certDir, 'cert.pem')}`,
      `--pkey=${join(certDir, 'key.pem')}`,
      '--no-udp', // clients reach it over TCP and TLS only
      '--no-dtls',
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
    await accepting(tlsPort, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(certDir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n${output.slice(-2000)}`);
  }
  return {
    iceServer: { urls: [`turn:127.0.0.1:${port}?transport=tcp`], username, credential },
    tlsIceServer: { urls: [`turns:127.0.0.1:${tlsPort}?transport=tcp`], username, credential },
    spkiHash,
    log: () => output,
    async close() {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      rmSync(certDir, { recursive: true, force: true });
    },
  };
}
