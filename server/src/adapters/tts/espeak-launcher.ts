/**
 * Starts espeak-ng processes from a small helper process instead of the server's own event loop.
 *
 * `child_process.spawn` is synchronous: the caller forks and then waits until the child has exec'd. On a busy
 * machine that wait is the child's scheduling delay — 40–120 ms a spawn, longer the bigger the forking process —
 * and it blocked every visitor: one visitor's stream of questions (each clause one espeak process) held
 * `/healthz` and the other visitors' audio behind it (bench:hostile). The helper is a bare Node process that
 * only forks: its waits block nobody, the server only reads the helper's IPC channel. It keeps the idle
 * spare process per voice (see espeak-tts.ts) and dies with the server (its IPC channel closes).
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** What one espeak run reports back. */
export interface EspeakRunEvents {
  onData(chunk: Buffer): void;
  /** The process could not start. */
  onError(message: string): void;
  /** The process ended (code null: killed by `signal`); `stderr` holds its first 2,000 characters. */
  onClose(code: number | null, signal: string | null, stderr: string): void;
}

export interface EspeakRun {
  kill(): void;
}

type HelperMessage =
  | { id: number; data: Uint8Array }
  | { id: number; error: string }
  | { id: number; code: number | null; signal: string | null; stderr: string };

// The helper's whole program, plain CommonJS run with `node -e` (no file to locate next to the compiled
// server, none to build). Requests: {op:'speak', id, voice, text} | {op:'kill', id} | {op:'warm', voices}.
// Requests queue and start one per event-loop turn, reading the channel in between: a run killed before its
// turn (a visitor's flood of questions interrupts each turn at once) never starts a process. Spares are
// refilled only once no request waits.
const HELPER_SOURCE = `
const { spawn } = require('node:child_process');
const [binary, keepSpare, maxSpares] = [process.argv[1], process.argv[2] === '1', Number(process.argv[3])];
const spares = new Map();
const running = new Map();
const waiting = new Map();
const wanted = new Set();
let draining = false;
const start = (voice) => spawn(binary, ['--stdout', '-b', '1', '-v', voice], { stdio: ['pipe', 'pipe', 'pipe'] });
// After the server is gone (its channel closed) there is nobody to tell.
const tell = (message) => process.connected && process.send(message, () => {});
const usable = (child) => child.pid !== undefined && child.exitCode === null && child.signalCode === null;
function ensureSpare(voice) {
  if (!keepSpare || spares.has(voice)) return;
  if (spares.size >= maxSpares) {
    const [oldest, child] = spares.entries().next().value;
    child.kill('SIGKILL');
    spares.delete(oldest);
  }
  const child = start(voice);
  const forget = () => spares.get(voice) === child && spares.delete(voice);
  child.on('error', forget).on('exit', forget);
  spares.set(voice, child);
}
function speak({ id, voice, text }) {
  const spare = spares.get(voice);
  spares.delete(voice);
  const child = spare && usable(spare) ? spare : start(voice);
  if (spare && child !== spare) spare.kill('SIGKILL');
  running.set(id, child);
  wanted.add(voice);
  let stderr = '';
  child.stdout.on('data', (data) => tell({ id, data }));
  child.stderr.on('data', (data) => { if (stderr.length < 2000) stderr += data.toString(); });
  child.on('error', (error) => { running.delete(id); tell({ id, error: error.message }); });
  child.on('close', (code, signal) => { running.delete(id); tell({ id, code, signal, stderr }); });
  child.stdin.on('error', () => {});
  child.stdin.end(text);
}
function drain() {
  const next = waiting.values().next();
  if (!next.done) {
    waiting.delete(next.value.id);
    speak(next.value);
  } else {
    const voice = wanted.values().next().value;
    if (voice === undefined) return void (draining = false);
    wanted.delete(voice);
    ensureSpare(voice);
  }
  setImmediate(drain);
}
function wake() {
  if (!draining) setImmediate(drain);
  draining = true;
}
process.on('message', (message) => {
  if (message.op === 'speak') waiting.set(message.id, message);
  else if (message.op === 'warm') for (const voice of message.voices) wanted.add(voice);
  else if (waiting.delete(message.id)) tell({ id: message.id, code: null, signal: 'SIGKILL', stderr: '' });
  else running.get(message.id)?.kill('SIGKILL');
  wake();
});
process.on('disconnect', () => {
  for (const child of [...spares.values(), ...running.values()]) child.kill('SIGKILL');
  process.exit(0);
});
`;

export class EspeakLauncher {
  private helper: ChildProcess | null = null;
  private readonly runs = new Map<number, EspeakRunEvents>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly binary: string,
    private readonly keepSpare: boolean,
    private readonly maxSpares: number,
  ) {}

  /** Starts an idle process for each voice now. */
  warmUp(voices: readonly string[]): void {
    this.send({ op: 'warm', voices });
  }

  /** Runs espeak-ng with `voice`, `text` on its stdin. */
  run(voice: string, text: string, events: EspeakRunEvents): EspeakRun {
    const id = this.nextId++;
    this.runs.set(id, events);
    if (!this.send({ op: 'speak', id, voice, text })) {
      this.runs.delete(id);
      queueMicrotask(() => events.onError('the espeak-ng launcher is not running'));
    }
    this.holdOpen();
    return { kill: () => this.runs.has(id) && this.send({ op: 'kill', id }) };
  }

  close(): void {
    this.closed = true;
    this.helper?.disconnect();
    this.helper = null;
  }

  private send(message: object): boolean {
    const helper = this.started();
    if (!helper?.connected) return false;
    helper.send(message);
    return true;
  }

  private started(): ChildProcess | null {
    if (this.closed) return null;
    if (this.helper) return this.helper;
    const args = ['-e', HELPER_SOURCE, this.binary, this.keepSpare ? '1' : '0', String(this.maxSpares)];
    const helper = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
    helper.on('message', (message: HelperMessage) => this.receive(message));
    const gone = (reason: string) => {
      if (this.helper === helper) this.helper = null;
      for (const events of this.runs.values()) events.onError(reason);
      this.runs.clear();
    };
    helper.on('error', (error) => gone(`the espeak-ng launcher failed: ${error.message}`));
    helper.on('exit', (code, signal) => gone(`the espeak-ng launcher exited (${code ?? signal})`));
    // The server may exit while the helper idles (the helper follows through its IPC channel); while a run
    // is under way the channel keeps the process alive, as the espeak process's own pipes did.
    helper.unref();
    this.helper = helper;
    this.holdOpen();
    return helper;
  }

  private holdOpen(): void {
    const channel = this.helper?.channel as { ref(): void; unref(): void } | undefined;
    if (this.runs.size > 0) channel?.ref();
    else channel?.unref();
  }

  private receive(message: HelperMessage): void {
    const events = this.runs.get(message.id);
    if (!events) return;
    if ('data' in message) {
      events.onData(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
    } else if ('error' in message) {
      this.runs.delete(message.id);
      events.onError(message.error);
    } else {
      this.runs.delete(message.id);
      events.onClose(message.code, message.signal, message.stderr);
    }
    this.holdOpen();
  }
}
