import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LATER_CLAUSE_NICE, SPARES_PER_VOICE } from './espeak-launcher.js';
import { EspeakTts } from './espeak-tts.js';
import { SpeechSynthesisError } from './tts.js';

async function collect(iterable: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const chunks = [];
  for await (const chunk of iterable) chunks.push(chunk);
  return chunks;
}

function peak(chunks: Uint8Array[]): number {
  let max = 0;
  for (const chunk of chunks) {
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let i = 0; i + 1 < chunk.length; i += 2) max = Math.max(max, Math.abs(view.getInt16(i, true)));
  }
  return max;
}

/** The program names of this process's direct children (Linux /proc). */
function childCommands(): string[] {
  const pids = readdirSync('/proc/self/task').flatMap((task) =>
    readFileSync(`/proc/self/task/${task}/children`, 'utf8').split(' ').filter(Boolean),
  );
  return pids.flatMap((pid) => {
    try {
      return [readFileSync(`/proc/${pid}/comm`, 'utf8').trim()];
    } catch {
      return []; // it exited meanwhile
    }
  });
}

/** The direct children of process `pid`, with their program name and nice value (Linux /proc). */
function childrenOf(pid: number | 'self'): Array<{ pid: number; comm: string; nice: number }> {
  const pids = readdirSync(`/proc/${pid}/task`).flatMap((task) =>
    readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean),
  );
  return pids.flatMap((child) => {
    try {
      const stat = readFileSync(`/proc/${child}/stat`, 'utf8');
      // After "pid (comm) ": state is field 3, nice field 19.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [{ pid: Number(child), comm: readFileSync(`/proc/${child}/comm`, 'utf8').trim(), nice: Number(fields[16]) }];
    } catch {
      return []; // it exited meanwhile
    }
  });
}

describe('EspeakTts (real espeak-ng)', () => {
  const tts = new EspeakTts();

  // A spawn blocks its caller until the child runs: tens of milliseconds per clause on a busy machine, which
  // held every visitor of the server behind one visitor's speech. The helper process starts them instead.
  it.skipIf(!existsSync('/proc/self/task'))('starts espeak-ng processes outside this process', async () => {
    const controller = new AbortController();
    const stream = tts.synthesize('A sentence long enough to keep speaking for a while. '.repeat(5), 'en-us', controller.signal);
    for await (const _chunk of stream) {
      expect(childCommands()).not.toContain('espeak-ng');
      expect(childCommands()).toContain('node');
      break;
    }
  });

  it.each([
    ['cmn', '你好，我是数字人。'],
    ['en-us', 'Hello, I am a digital human.'],
  ])('synthesizes non-silent, sample-aligned PCM for %s', async (voice, text) => {
    const chunks = await collect(tts.synthesize(text, voice, new AbortController().signal));
    const bytes = chunks.reduce((n, c) => n + c.length, 0);
    expect(bytes / 2 / tts.sampleRate).toBeGreaterThan(0.5); // over half a second of audio
    expect(chunks.every((c) => c.length % 2 === 0 && c.length <= 4410)).toBe(true);
    expect(peak(chunks)).toBeGreaterThan(1000);
  });

  it('never reads text as options (text goes through stdin)', async () => {
    const chunks = await collect(tts.synthesize('--version -w /tmp/x.wav', 'en-us', new AbortController().signal));
    expect(chunks.length).toBeGreaterThan(0);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const chunks: Uint8Array[] = [];
    for await (const chunk of tts.synthesize('This is a long sentence. '.repeat(30), 'en-us', controller.signal)) {
      chunks.push(chunk);
      controller.abort();
    }
    expect(chunks.length).toBe(1);
  });

  // One visitor's clauses (a flood of questions, a long driven text) used to run side by side in one queue shared
  // by every session: they took the cores and held everyone's first clause behind them.
  it("runs one clause of a session at a time, and never holds another session's clause behind them", async () => {
    const attacker = tts.forSession('attacker');
    const visitor = tts.forSession('visitor');
    const events: string[] = [];
    let active = 0;
    let mostActive = 0;
    const speak = async (engine: typeof attacker, name: string, text: string) => {
      let first = true;
      for await (const _chunk of engine.synthesize(text, 'en-us', new AbortController().signal)) {
        if (!first) continue;
        first = false;
        events.push(name);
        if (name.startsWith('a')) mostActive = Math.max(mostActive, ++active);
      }
      if (name.startsWith('a')) active--;
    };
    const long = 'A sentence long enough to keep the engine busy for a while. '.repeat(4);
    const runs = [0, 1, 2, 3].map((i) => speak(attacker, `a${i}`, long));
    runs.push(speak(visitor, 'v', 'ok'));
    await Promise.all(runs);
    expect(mostActive).toBe(1);
    expect(events.indexOf('v')).toBeLessThan(events.indexOf('a2'));
    expect(events.filter((name) => name.startsWith('a'))).toEqual(['a0', 'a1', 'a2', 'a3']);
  });

  // Spare processes per voice hide start-up from a visitor's first clause; a session speaking a long text used to
  // take the (one) spare for each of its clauses, so everyone else's first clause found none.
  it.skipIf(!existsSync('/proc/self/task'))(
    'leaves the spare to first clauses; later clauses of a session run at a lower priority',
    async () => {
      const engine = new EspeakTts();
      const speaker = engine.forSession('speaker');
      // Long enough that its process still runs when its first chunk arrives (the run is killed right then).
      const long = 'A sentence long enough to keep the engine busy for a while. '.repeat(40);
      const otherHelpers = new Set(childrenOf('self').map((child) => child.pid));
      engine.warmUp(['en-us']);
      const helperProcess = childrenOf('self').find((child) => child.comm === 'node' && !otherHelpers.has(child.pid))!;
      const helper = helperProcess.pid;
      // Spares run at the helper's priority (the server's), later clauses at LATER_CLAUSE_NICE.
      const normal = helperProcess.nice;
      const espeaks = () => childrenOf(helper).filter((child) => child.comm === 'espeak-ng');
      for (let i = 0; i < 200 && espeaks().length < SPARES_PER_VOICE; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      // The oldest (lowest pid) is the one the first clause takes.
      const [warmSpare] = espeaks().sort((a, b) => a.pid - b.pid);
      const seen: Array<Array<{ pid: number; comm: string; nice: number }>> = [];
      const speak = async (text: string) => {
        for await (const _chunk of speaker.synthesize(text, 'en-us', new AbortController().signal)) {
          seen.push(espeaks());
          break;
        }
      };
      await Promise.all([speak(long), speak(long), speak(long)]);
      await engine.close();
      // The first clause (the session was idle) ran in the warm spare, at normal priority.
      expect(seen[0].find((p) => p.pid === warmSpare.pid)?.nice).toBe(normal);
      // Each later clause ran in a process of its own at nice 5, beside the spares (one of them the refill) that
      // none took.
      const later = seen.slice(1);
      expect(later.length).toBe(2);
      for (const processes of later) expect(processes.filter((p) => p.nice === LATER_CLAUSE_NICE).length).toBe(1);
      const spares = new Set(later.flatMap((processes) => processes.filter((p) => p.nice === normal).map((p) => p.pid)));
      expect(spares.size).toBe(SPARES_PER_VOICE);
      expect(spares.has(warmSpare.pid)).toBe(false);
    },
  );

  // With spares kept (the server's default), a voice whose spare cannot start was refilled without end, and a
  // session's later clauses (which wait for the refills) never ran: a turn without speech hung after its first clause.
  it('a missing binary or a voice espeak-ng lacks fails each clause of a session, and holds up no other run', async () => {
    const missing = new EspeakTts({ binary: '/nonexistent/espeak-ng' });
    missing.warmUp(['en-us']);
    const session = missing.forSession('no-speech');
    const clauses = ['one', 'two', 'three'].map((text) => collect(session.synthesize(text, 'en-us', new AbortController().signal)));
    for (const result of await Promise.allSettled(clauses)) {
      expect(result.status).toBe('rejected');
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(SpeechSynthesisError);
    }
    await missing.close();

    const real = new EspeakTts();
    real.warmUp(['zz-no-such-voice', 'en-us']);
    const mixed = real.forSession('mixed-voices');
    const runs = ['zz-no-such-voice', 'en-us', 'zz-no-such-voice', 'en-us'].map((voice, i) =>
      collect(mixed.synthesize(`clause ${i}`, voice, new AbortController().signal)),
    );
    const settled = await Promise.allSettled(runs);
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled']);
    await real.close();
  }, 15_000);

  it('fails with SpeechSynthesisError for a missing binary or a bad voice name', async () => {
    const missing = new EspeakTts({ binary: '/nonexistent/espeak-ng', keepSpare: false });
    await expect(collect(missing.synthesize('hi', 'en-us', new AbortController().signal))).rejects.toBeInstanceOf(SpeechSynthesisError);
    await expect(collect(tts.synthesize('hi', '--bad voice', new AbortController().signal))).rejects.toBeInstanceOf(SpeechSynthesisError);
    await tts.close();
  });
});
