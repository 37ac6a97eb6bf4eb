/**
 * espeak-ng as a child process: text on stdin (never argv, so no text can become an option), WAV on stdout.
 * The WAV header is skipped and PCM streamed on in chunks of about 100 ms as espeak produces it.
 *
 * Spawning espeak-ng and loading a voice takes several milliseconds, so one idle process per recently used
 * voice is kept started and waiting on stdin; a clause takes it and a fresh spare is started behind it.
 * This takes process start-up off the question → first audio path.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { SpeechSynthesisError, type TextToSpeech } from './tts.js';

export const ESPEAK_SAMPLE_RATE = 22050;
const WAV_HEADER_BYTES = 44;
const BYTES_PER_SAMPLE = 2;
/** ~100 ms of audio. */
const CHUNK_BYTES = (ESPEAK_SAMPLE_RATE / 10) * BYTES_PER_SAMPLE;
const MAX_SPARE_VOICES = 8;
const VOICE_PATTERN = /^[A-Za-z0-9_+-]{1,40}$/;

export interface EspeakOptions {
  binary?: string;
  /** Keep a started process per voice ready (default true). */
  keepSpare?: boolean;
}

export class EspeakTts implements TextToSpeech {
  readonly sampleRate = ESPEAK_SAMPLE_RATE;
  private readonly binary: string;
  private readonly keepSpare: boolean;
  private readonly spares = new Map<string, ChildProcessWithoutNullStreams>();
  private closed = false;

  constructor(options: EspeakOptions = {}) {
    this.binary = options.binary ?? '/usr/bin/espeak-ng';
    this.keepSpare = options.keepSpare ?? true;
  }

  /** Starts a spare process for each voice so even the first clause skips start-up. */
  warmUp(voices: Iterable<string>): void {
    for (const voice of voices) if (VOICE_PATTERN.test(voice)) this.ensureSpare(voice);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const child of this.spares.values()) child.kill('SIGKILL');
    this.spares.clear();
  }

  async *synthesize(text: string, voice: string, signal: AbortSignal): AsyncIterable<Uint8Array> {
    if (!VOICE_PATTERN.test(voice)) throw new SpeechSynthesisError(`Invalid voice name "${voice}".`);
    if (signal.aborted) return;
    const child = this.takeProcess(voice);
    const queue: Buffer[] = [];
    let wake: (() => void) | null = null;
    let finished = false;
    let failure: Error | null = null;
    let stderr = '';
    const notify = () => {
      wake?.();
      wake = null;
    };
    const onAbort = () => child.kill('SIGKILL');
    signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (data: Buffer) => {
      queue.push(data);
      notify();
    });
    child.stderr.on('data', (data: Buffer) => {
      if (stderr.length < 2000) stderr += data.toString();
    });
    child.on('error', (error) => {
      failure = new SpeechSynthesisError(`Could not run ${this.binary}: ${error.message}`, { cause: error });
      finished = true;
      notify();
    });
    child.on('close', (code, closeSignal) => {
      if (code !== 0 && !signal.aborted && !failure) {
        failure = new SpeechSynthesisError(`espeak-ng exited with ${code ?? closeSignal}${stderr ? `: ${stderr.trim()}` : ''}`);
      }
      finished = true;
      notify();
    });
    child.stdin.on('error', () => {
      // EPIPE when the process died; 'close' reports it.
    });
    child.stdin.end(`${text.replace(/\s+/g, ' ').trim()}\n`);

    let headerLeft = WAV_HEADER_BYTES;
    let carry: Buffer = Buffer.alloc(0);
    let produced = 0;
    try {
      for (;;) {
        if (signal.aborted) return;
        if (queue.length === 0) {
          if (finished) break;
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        let data = queue.shift()!;
        if (headerLeft > 0) {
          const skip = Math.min(headerLeft, data.length);
          headerLeft -= skip;
          data = data.subarray(skip);
        }
        if (carry.length > 0) data = Buffer.concat([carry, data]);
        // Keep sample alignment: an odd trailing byte waits for the next read.
        const usable = data.length - (data.length % BYTES_PER_SAMPLE);
        carry = Buffer.from(data.subarray(usable));
        for (let offset = 0; offset < usable; offset += CHUNK_BYTES) {
          if (signal.aborted) return;
          const chunk = data.subarray(offset, Math.min(usable, offset + CHUNK_BYTES));
          produced += chunk.length;
          yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
        }
      }
      if (failure) throw failure;
      if (produced === 0 && !signal.aborted) throw new SpeechSynthesisError('espeak-ng produced no audio.');
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }

  private takeProcess(voice: string): ChildProcessWithoutNullStreams {
    const spare = this.spares.get(voice);
    this.spares.delete(voice);
    const usable = spare && spare.pid !== undefined && spare.exitCode === null && spare.signalCode === null;
    const child = usable ? spare : this.start(voice);
    if (spare && child !== spare) spare.kill('SIGKILL');
    if (this.keepSpare) setImmediate(() => this.ensureSpare(voice));
    return child;
  }

  private ensureSpare(voice: string): void {
    if (this.closed || !this.keepSpare || this.spares.has(voice)) return;
    if (this.spares.size >= MAX_SPARE_VOICES) {
      const [oldest, child] = this.spares.entries().next().value!;
      child.kill('SIGKILL');
      this.spares.delete(oldest);
    }
    const child = this.start(voice);
    child.on('error', () => this.spares.get(voice) === child && this.spares.delete(voice));
    child.on('exit', () => this.spares.get(voice) === child && this.spares.delete(voice));
    this.spares.set(voice, child);
  }

  private start(voice: string): ChildProcessWithoutNullStreams {
    return spawn(this.binary, ['--stdout', '-b', '1', '-v', voice], { stdio: ['pipe', 'pipe', 'pipe'] });
  }
}
