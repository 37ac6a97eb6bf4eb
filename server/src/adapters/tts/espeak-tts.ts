/**
 * espeak-ng as a child process: text on stdin (never argv, so no text can become an option), WAV on stdout.
 * The WAV header is skipped and PCM streamed on in chunks of about 100 ms as espeak produces it.
 *
 * Spawning espeak-ng and loading a voice takes several milliseconds, so one idle process per recently used
 * voice is kept started and waiting on stdin (two: SPARES_PER_VOICE); a clause takes one and a fresh spare is
 * started behind it.
 * This takes process start-up off the question → first audio path. The processes are started by a helper
 * process (espeak-launcher.ts): a spawn blocks its caller until the child runs, which on a busy machine held
 * every visitor's event loop for tens of milliseconds per clause.
 */
import { EspeakLauncher, SHARED_OWNER } from './espeak-launcher.js';
import { SpeechSynthesisError, type TextToSpeech } from './tts.js';

export const ESPEAK_SAMPLE_RATE = 22050;
const WAV_HEADER_BYTES = 44;
const BYTES_PER_SAMPLE = 2;
/** ~100 ms of audio. */
const CHUNK_BYTES = (ESPEAK_SAMPLE_RATE / 10) * BYTES_PER_SAMPLE;
const MAX_SPARE_VOICES = 8;
const VOICE_PATTERN = /^[A-Za-z0-9_+-]{1,40}$/;
const PROBE_TIMEOUT_MS = 5000;

export interface EspeakOptions {
  binary?: string;
  /** Keep a started process per voice ready (default true). */
  keepSpare?: boolean;
}

export class EspeakTts implements TextToSpeech {
  readonly sampleRate = ESPEAK_SAMPLE_RATE;
  private readonly binary: string;
  private readonly launcher: EspeakLauncher;

  constructor(options: EspeakOptions = {}) {
    this.binary = options.binary ?? '/usr/bin/espeak-ng';
    this.launcher = new EspeakLauncher(this.binary, options.keepSpare ?? true, MAX_SPARE_VOICES);
  }

  /** Starts a spare process for each voice so even the first clause skips start-up. */
  warmUp(voices: Iterable<string>): void {
    this.launcher.warmUp([...voices].filter((voice) => VOICE_PATTERN.test(voice)));
  }

  async close(): Promise<void> {
    this.launcher.close();
  }

  /** Speaks one word with a voice; resolves to an error text, or null when audio came out (the health check). */
  probe(voice: string): Promise<string | null> {
    if (!VOICE_PATTERN.test(voice)) return Promise.resolve(`invalid voice name "${voice}"`);
    return new Promise((resolve) => {
      let bytes = 0;
      const run = this.launcher.run(voice, 'ok', {
        onData: (data) => (bytes += data.length),
        onError: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
        onClose: (code, _signal, stderr) => {
          clearTimeout(timer);
          // A WAV header alone (44 bytes) is no speech: espeak-ng writes one even for a voice it lacks.
          resolve(code === 0 && bytes > WAV_HEADER_BYTES ? null : stderr.trim() || `exit ${code}, no audio`);
        },
      });
      const timer = setTimeout(() => run.kill(), PROBE_TIMEOUT_MS);
    });
  }

  /** Runs of the session's clauses wait for its turn among the sessions (fair-synthesis-queue.ts). */
  forSession(sessionId: string): TextToSpeech {
    return {
      sampleRate: this.sampleRate,
      synthesize: (text, voice, signal) => this.synthesizeAs(sessionId, text, voice, signal),
      // The processes are the shared engine's; its owner closes it.
      close: () => Promise.resolve(),
    };
  }

  synthesize(text: string, voice: string, signal: AbortSignal): AsyncIterable<Uint8Array> {
    return this.synthesizeAs(SHARED_OWNER, text, voice, signal);
  }

  private async *synthesizeAs(owner: string, text: string, voice: string, signal: AbortSignal): AsyncIterable<Uint8Array> {
    if (!VOICE_PATTERN.test(voice)) throw new SpeechSynthesisError(`Invalid voice name "${voice}".`);
    if (signal.aborted) return;
    const queue: Buffer[] = [];
    let wake: (() => void) | null = null;
    let finished = false;
    let failure: Error | null = null;
    const notify = () => {
      wake?.();
      wake = null;
    };
    const run = this.launcher.run(
      voice,
      `${text.replace(/\s+/g, ' ').trim()}\n`,
      {
        onData: (data) => {
          queue.push(data);
          notify();
        },
        onError: (message) => {
          failure = new SpeechSynthesisError(`Could not run ${this.binary}: ${message}`);
          finished = true;
          notify();
        },
        onClose: (code, closeSignal, stderr) => {
          if (code !== 0 && !signal.aborted && !failure) {
            failure = new SpeechSynthesisError(`espeak-ng exited with ${code ?? closeSignal}${stderr ? `: ${stderr.trim()}` : ''}`);
          }
          finished = true;
          notify();
        },
      },
      owner,
    );
    const onAbort = () => run.kill();
    signal.addEventListener('abort', onAbort, { once: true });

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
      if (!finished) run.kill();
    }
  }
}
