/**
 * Starts espeak-ng processes from a small helper process instead of the server's own event loop.
 *
 * `child_process.spawn` is synchronous: the caller forks and then waits until the child has exec'd. On a busy
 * machine that wait is the child's scheduling delay — 40–120 ms a spawn, longer the bigger the forking process —
 * and it blocked every visitor: one visitor's stream of questions (each clause one espeak process) held
 * `/healthz` and the other visitors' audio behind it (bench:hostile). The helper is a bare Node process that
 * only forks: its waits block nobody, the server only reads the helper's IPC channel. It keeps the idle
 * spare process per voice (see espeak-tts.ts) and dies with the server (its IPC channel closes).
 *
 * Which run starts when is decided here, per session (fair-synthesis-queue.ts): the helper only ever holds the
 * few runs that may go now, so no session's clauses queue behind another's.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { FairSynthesisQueue, type SynthesisTicket } from './fair-synthesis-queue.js';

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

/** Runs that are not any session's (the health check, an admin's voice sample) share this owner. */
export const SHARED_OWNER = '';
/**
 * The OS priority (nice) of a run that is not urgent: a later clause of a session already speaking, with a clause
 * of audio playing ahead of it. The first clause of every other session (nice 0) then gets the cores first.
 */
export const LATER_CLAUSE_NICE = 5;
/**
 * Warm processes kept per voice. With one, a session starting turns (a question a second, the rate limit) took
 * it each time and the next visitor's first clause often found none while it was being refilled.
 */
export const SPARES_PER_VOICE = 2;

// The helper's whole program, plain CommonJS run with `node -e` (no file to locate next to the compiled
// server, none to build). Requests: {op:'speak', id, voice, text, urgent} | {op:'kill', id} | {op:'warm', voices}.
// Requests queue and start one per event-loop turn, reading the channel in between: a run killed before its
// turn (a visitor's flood of questions interrupts each turn at once) never starts a process. Only an urgent
// run (the first clause a visitor waits for) takes a spare, so a session's long speech never empties them for
// the others; the others start their own process at a lower priority. A spare taken is refilled before them.
const HELPER_SOURCE = `
const { spawn } = require('node:child_process');
const { setPriority } = require('node:os');
const [binary, keepSpare, maxSpares, laterNice, sparesPerVoice] = [
  process.argv[1], process.argv[2] === '1', Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]),
];
const spares = new Map(); // voice → idle processes, oldest first; the map's order: the voice least recently warmed first
const running = new Map();
const waiting = new Map();
const wanted = new Set();
// Voices whose spare could not start or ended unused (no binary, a voice espeak-ng lacks): no refills until a run
// of the voice succeeds. Refilling them at once would spawn without end and starve every other waiting run.
const failing = new Set();
let draining = false;
const start = (voice) => spawn(binary, ['--stdout', '-b', '1', '-v', voice], { stdio: ['pipe', 'pipe', 'pipe'] });
// After the server is gone (its channel closed) there is nobody to tell.
const tell = (message) => process.connected && process.send(message, () => {});
const usable = (child) => child.pid !== undefined && child.exitCode === null && child.signalCode === null;
const sparesOf = (voice) => spares.get(voice) ?? [];
// Starts one spare for the voice (one spawn per step); the voice stays wanted until it has all of them.
function ensureSpare(voice) {
  if (!keepSpare || failing.has(voice) || sparesOf(voice).length >= sparesPerVoice) return;
  if (!spares.has(voice) && spares.size >= maxSpares) {
    const [oldest, children] = spares.entries().next().value;
    for (const child of children) child.kill('SIGKILL');
    spares.delete(oldest);
  }
  const child = start(voice);
  const list = sparesOf(voice);
  list.push(child);
  // The voice moves to the back of the map's order: the most recently warmed.
  spares.delete(voice);
  spares.set(voice, list);
  const forget = () => list.includes(child) && list.splice(list.indexOf(child), 1).length > 0;
  // A spare we did not kill (eviction, shutdown) that ends while still unused is a voice that cannot start.
  const died = (signal) => forget() && signal !== 'SIGKILL' && failing.add(voice);
  child.on('error', () => died(null)).on('exit', (_code, signal) => died(signal));
  if (child.pid === undefined) return;
  if (list.length < sparesPerVoice) wanted.add(voice);
}
function speak({ id, voice, text, urgent }) {
  const spare = urgent ? sparesOf(voice).shift() : undefined;
  const child = spare && usable(spare) ? spare : start(voice);
  if (spare && child !== spare) spare.kill('SIGKILL');
  if (!urgent && child.pid !== undefined) {
    try { setPriority(child.pid, laterNice); } catch {}
  }
  running.set(id, child);
  if (sparesOf(voice).length < sparesPerVoice) wanted.add(voice);
  let stderr = '';
  child.stdout.on('data', (data) => tell({ id, data }));
  child.stderr.on('data', (data) => { if (stderr.length < 2000) stderr += data.toString(); });
  child.on('error', (error) => { running.delete(id); tell({ id, error: error.message }); });
  child.on('close', (code, signal) => {
    running.delete(id);
    tell({ id, code, signal, stderr });
    // The voice speaks after all (the binary was installed, a voice added): its spares may be refilled.
    if (code === 0 && failing.delete(voice)) { wanted.add(voice); wake(); }
  });
  child.stdin.on('error', () => {});
  child.stdin.end(text);
}
// One step per event-loop turn: an urgent run first, then a spare that was taken (so the next visitor's first
// clause finds one again), then the others.
function drain() {
  const urgent = [...waiting.values()].find((request) => request.urgent);
  const voice = wanted.values().next().value;
  const next = urgent ?? (voice === undefined ? waiting.values().next().value : undefined);
  if (next) {
    waiting.delete(next.id);
    speak(next);
  } else if (voice !== undefined) {
    wanted.delete(voice);
    ensureSpare(voice);
  } else {
    return void (draining = false);
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
  for (const child of [...[...spares.values()].flat(), ...running.values()]) child.kill('SIGKILL');
  process.exit(0);
});
`;

interface PendingRun {
  events: EspeakRunEvents;
  ticket: SynthesisTicket | null;
  /** Sent to the helper (its process may be running). */
  dispatched: boolean;
}

export class EspeakLauncher {
  private helper: ChildProcess | null = null;
  private readonly runs = new Map<number, PendingRun>();
  private nextId = 1;
  private closed = false;
  /** Which session's run goes next; at most one run per core in flight. */
  readonly queue = new FairSynthesisQueue(Math.max(2, availableParallelism()));

  constructor(
    private readonly binary: string,
    private readonly keepSpare: boolean,
    private readonly maxSpares: number,
  ) {}

  /** Starts an idle process for each voice now. */
  warmUp(voices: readonly string[]): void {
    this.send({ op: 'warm', voices });
  }

  /** Runs espeak-ng with `voice`, `text` on its stdin, when `owner` (a session) has its turn. */
  run(voice: string, text: string, events: EspeakRunEvents, owner: string = SHARED_OWNER): EspeakRun {
    const id = this.nextId++;
    const run: PendingRun = { events, ticket: null, dispatched: false };
    this.runs.set(id, run);
    run.ticket = this.queue.submit(owner, ({ urgent }) => {
      run.dispatched = true;
      if (this.send({ op: 'speak', id, voice, text, urgent })) return;
      // Later, when the ticket this callback may run before has been handed out.
      queueMicrotask(() => {
        this.forget(id);
        events.onError('the espeak-ng launcher is not running');
      });
    });
    this.holdOpen();
    return { kill: () => this.kill(id) };
  }

  private kill(id: number): void {
    const run = this.runs.get(id);
    if (!run) return;
    // A killed process costs nothing more: the session's next run may go at once.
    run.ticket?.cancel();
    if (run.dispatched) {
      this.send({ op: 'kill', id });
      return;
    }
    // It never started: it ends as a killed run would.
    this.forget(id);
    queueMicrotask(() => run.events.onClose(null, 'SIGKILL', ''));
  }

  private forget(id: number): void {
    this.runs.get(id)?.ticket?.finished();
    this.runs.delete(id);
    this.holdOpen();
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
    const args = [
      '-e',
      HELPER_SOURCE,
      this.binary,
      this.keepSpare ? '1' : '0',
      String(this.maxSpares),
      String(LATER_CLAUSE_NICE),
      String(SPARES_PER_VOICE),
    ];
    const helper = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
    helper.on('message', (message: HelperMessage) => this.receive(message));
    const gone = (reason: string) => {
      if (this.helper === helper) this.helper = null;
      const runs = [...this.runs.values()];
      this.runs.clear();
      for (const run of runs) {
        run.ticket?.finished();
        run.events.onError(reason);
      }
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
    const events = this.runs.get(message.id)?.events;
    if (!events) return;
    if ('data' in message) {
      events.onData(Buffer.from(message.data.buffer, message.data.byteOffset, message.data.byteLength));
      return;
    }
    this.forget(message.id);
    if ('error' in message) events.onError(message.error);
    else events.onClose(message.code, message.signal, message.stderr);
  }
}
