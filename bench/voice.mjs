#!/usr/bin/env node
// `npm run bench:voice`: voice in real Chromium with a fake microphone (a WAV made by espeak-ng, as in
// e2e/voice.spec.ts) against a real server and a local OpenAI-compatible transcription server that answers
// after a fixed ASR_LATENCY_MS (default 150). Measures and prints as JSON:
//   mainThread         — the page's main thread over LISTEN_SECONDS (default 60) of hands-free listening (questions
//                        spoken every ~5 s) and as long asleep listening for the wake word (another sentence
//                        spoken): ms of tasks that ran the voice chunk's code per second of audio, the longest
//                        such task, and every task over 50 ms whatever ran it (Chromium trace, bench/voice/main-thread.mjs);
//   vadFrameMs         — Silero VAD time per 32 ms frame, in the models' Worker (onnxruntime-web wasm, one thread),
//                        p50/p95 over every frame of the run;
//   endOfSpeechToFirstAudioMs — the VAD's end-of-utterance decision → first answer audio playing
//                        (speakingStart); the visitor's last word was `endSilenceMs` (600) earlier;
//   bargeInStopMs      — the VAD's speech-start decision → the avatar's playback stopped (speakingStop),
//                        visitor speech over a long announcement with enableVadInterrupt;
//   wakeWordChunkMs    — openWakeWord (mel → embedding → hey_jarvis) time per 80 ms chunk (the models' own time,
//                        run here on the page to score fixed audio), and its peak score on espeak-ng's "Hey Jarvis"
//                        and on another sentence.
// The figures come from the SDK's voice diagnostics (VoiceInput.diagnostics: bounded lists of timings, not a
// public API) and from the public events, both on the page's performance.now() clock.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchServer } from './lib/in-process-server.mjs';
import { transform } from 'esbuild';
import { launchChromium } from '../scripts/chromium.mjs';
import { adminCall } from './lib/admin-api.mjs';
import { summary as summaryOf } from './lib/stats.mjs';
import { serveVisitorSite } from './lib/visitor-site.mjs';
import { TRACE_CATEGORIES, mainThreadReport } from './voice/main-thread.mjs';

// The transcription server is a test fixture (TypeScript, beside the server's tests): strip its types here.
const fixturePath = new URL('../server/test/fixtures/transcription-server.ts', import.meta.url);
const fixture = await transform(readFileSync(fixturePath, 'utf8'), { loader: 'ts', format: 'esm' });
const { startTranscriptionServer } = await import(`data:text/javascript;base64,${Buffer.from(fixture.code).toString('base64')}`);

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const ASR_LATENCY_MS = Number(process.env.ASR_LATENCY_MS ?? 150);
const ADMIN_KEY = 'bench-voice-admin-key-0123456789-padded-to-32-characters';
const QUESTION = 'What are your opening hours?';
const END_SILENCE_MS = 600;
const LISTEN_SECONDS = Number(process.env.LISTEN_SECONDS ?? 60);

/** Timings to two decimals (a VAD frame takes well under a millisecond). */
const summary = (values) => summaryOf(values, 2);

const dir = mkdtempSync(join(tmpdir(), 'dhkit-bench-voice-'));
/** `runs` times the phrase, each followed by `gap` s of silence, after `lead` s: 48 kHz mono 16-bit. */
function speechWav(name, text, runs, lead, gap) {
  const raw = join(dir, `${name}-raw.wav`);
  const one = join(dir, `${name}-one.wav`);
  const out = join(dir, `${name}.wav`);
  execFileSync('espeak-ng', ['-v', 'en-us', '-w', raw, text]);
  execFileSync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', one, 'pad', '0', String(gap)]);
  execFileSync('sox', [...Array(runs).fill(one), out, 'pad', String(lead), '0']);
  return out;
}

const asr = await startTranscriptionServer(() => ({ status: 200, body: JSON.stringify({ text: QUESTION }), delayMs: ASR_LATENCY_MS }));
const server = await startBenchServer({
  port: 0,
  host: '127.0.0.1',
  dataDir: dir,
  adminKey: ADMIN_KEY,
  demo: false,
  logLevel: process.env.BENCH_LOG ?? 'error',
});
const admin = (method, path, body) => adminCall(server.url, method, path, body, ADMIN_KEY);
await admin('POST', '/v1/robots', {
  id: 'voice',
  name: 'Voice',
  concurrency: 10,
  languages: ['en_US'],
  asr: { type: 'openai', baseUrl: asr.baseUrl },
});
await admin('POST', '/v1/robots/voice/knowledge', {
  entries: [{ question: QUESTION, answer: 'We open at nine and close at six.', language: 'en_US' }],
});

const { site, url: siteUrl } = await serveVisitorSite(server.url);

async function openPage(wav, config) {
  const browser = await launchChromium([
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}%noloop`,
  ]);
  const page = await browser.newPage();
  await page.goto(siteUrl);
  await page.waitForFunction(() => typeof window.DHKit?.create === 'function');
  const { onceCode } = await admin('POST', '/v1/robots/voice/once-codes', {});
  await page.evaluate(
    async ({ serverAddress, onceCode, config }) => {
      window.__events = [];
      window.dh = await window.DHKit.create({ serverAddress, robotId: 'voice', onceCode, containerId: 'dh', config });
      for (const name of ['error', 'speakingStart', 'speakingStop', 'speechRecognized']) {
        window.dh.on(name, (payload) => window.__events.push({ name, payload, t: performance.now() }));
      }
    },
    { serverAddress: server.url, onceCode, config },
  );
  return { browser, page };
}

let browser;
try {
  // 1. Hands-free questions: end of speech → first answer audio; the VAD's cost on every frame.
  const questions = await openPage(speechWav('question', QUESTION, RUNS, 1, 3), {});
  browser = questions.browser;
  await questions.page.evaluate(() => {
    // Cut each answer shortly after it starts, so the avatar is quiet when the next question comes.
    window.dh.on('speakingStart', () => setTimeout(() => window.dh.interruptSpeaking(), 200));
    return window.dh.startChat({ interactionMode: 'AUDIO', vad: { endSilenceMs: 600 } });
  });
  await questions.page.waitForFunction((runs) => window.__events.filter((e) => e.name === 'speakingStart').length >= runs, RUNS, {
    timeout: RUNS * 6000 + 20_000,
    polling: 250,
  });
  const first = await questions.page.evaluate(() => {
    const { speechEnds, vadFrameMs } = window.dh.voice.diagnostics;
    const recognized = new Set(window.__events.filter((e) => e.name === 'speechRecognized').map((e) => e.payload.chatId));
    const starts = window.__events.filter((e) => e.name === 'speakingStart' && recognized.has(e.payload.chatId));
    const latencies = starts.map((s) => s.t - Math.max(...speechEnds.filter((t) => t < s.t)));
    return { latencies, vadFrameMs: [...vadFrameMs], errors: window.__events.filter((e) => e.name === 'error') };
  });
  await browser.close();

  // 2. Barge-in: the avatar reads a long announcement; the visitor speaks over it.
  const barge = await openPage(speechWav('barge', 'Excuse me, one question please.', RUNS, 2, 3), { enableVadInterrupt: true });
  browser = barge.browser;
  await barge.page.evaluate(async () => {
    await window.dh.startChat({ interactionMode: 'AUDIO' });
    const announce = () =>
      window.dh.sendDrivenText({ text: 'This is a very long announcement about our opening hours. '.repeat(10), isLast: true });
    // Whenever the avatar falls silent, it starts talking again a little later.
    window.dh.on('speakingStop', () =>
      setTimeout(() => {
        if (!window.__bargeDone) announce();
      }, 400),
    );
    announce();
  });
  await barge.page.waitForFunction((runs) => window.dh.voice.diagnostics.bargeIns.length >= runs, RUNS, {
    timeout: RUNS * 6000 + 20_000,
    polling: 250,
  });
  const bargeIns = await barge.page.evaluate(() => {
    window.__bargeDone = true;
    const stops = window.__events.filter((e) => e.name === 'speakingStop');
    return window.dh.voice.diagnostics.bargeIns.map(
      ({ speechStartAt }) => (stops.find((s) => s.t >= speechStartAt)?.t ?? Infinity) - speechStartAt,
    );
  });

  await browser.close();

  // 3. The main thread while listening: hands-free (questions every ~5 s), then asleep with the wake word on.
  const traced = async (wav, config, listen) => {
    const opened = await openPage(wav, config);
    browser = opened.browser;
    await browser.startTracing(opened.page, { categories: TRACE_CATEGORIES });
    await opened.page.evaluate(listen);
    await opened.page.waitForTimeout(LISTEN_SECONDS * 1000);
    const report = mainThreadReport(await browser.stopTracing(), LISTEN_SECONDS);
    const diagnostics = await opened.page.evaluate(() => {
      const { inferenceThread, vadFrameMs, wakeWordMs, speechEnds, wakeWordRoutedToWorker } = window.dh.voice.diagnostics;
      // wakeWordRoutedToWorker: asleep, the microphone's frames went straight to the models' Worker, not through the page.
      return {
        inferenceThread,
        vadFrames: vadFrameMs.length,
        wakeWordChunks: wakeWordMs.length,
        utterances: speechEnds.length,
        wakeWordRoutedToWorker,
      };
    });
    await browser.close();
    return { ...report, ...diagnostics };
  };
  const handsFreeListening = await traced(speechWav('listen', QUESTION, Math.ceil(LISTEN_SECONDS / 5), 1, 3.5), {}, () => {
    window.dh.on('speakingStart', () => setTimeout(() => window.dh.interruptSpeaking(), 200));
    return window.dh.startChat({ interactionMode: 'AUDIO', vad: { endSilenceMs: 600 } });
  });
  const wakeWordListening = await traced(
    speechWav('asleep', 'Is the museum open on Sundays?', Math.ceil(LISTEN_SECONDS / 5), 1, 3),
    { enableLocalWakeup: true, sleepAfterIdleSeconds: 600 },
    async () => {
      await window.dh.startChat({ interactionMode: 'AUDIO' });
      window.dh.sleep();
    },
  );

  // 4. The wake-word pipeline on 16 kHz espeak-ng speech, chunk by chunk (as while asleep).
  const samples = (file) => {
    const wav = readFileSync(file);
    return Array.from(new Int16Array(wav.buffer, wav.byteOffset + 44, (wav.length - 44) >> 1), (v) => v / 32768);
  };
  const toRate = (file) => {
    const out = file.replace(/\.wav$/, '-16k.wav');
    execFileSync('sox', [file, '-r', '16000', out]);
    return out;
  };
  const scoring = await openPage(speechWav('scoring', 'Hello.', 1, 0, 0.5), {});
  browser = scoring.browser;
  const wake = await scoring.page.evaluate(
    async ({ base, jarvis, other }) => {
      const engine = await import(`${base}/sdk/voice.esm.js`);
      const detector = await engine.WakeWordDetector.load(`${base}/sdk/voice`, 'hey_jarvis');
      const run = async (audio) => {
        detector.reset();
        const times = [];
        let peak = 0;
        for (let i = 0; i + 512 <= audio.length; i += 512) {
          const started = performance.now();
          const scores = await detector.push(Float32Array.from(audio.slice(i, i + 512)));
          if (scores.length) times.push(performance.now() - started);
          peak = Math.max(peak, ...scores);
        }
        return { times, peak };
      };
      const a = await run(jarvis);
      const b = await run(other);
      return { times: [...a.times, ...b.times], peakHeyJarvis: a.peak, peakOther: b.peak };
    },
    {
      base: server.url,
      jarvis: samples(toRate(speechWav('jarvis', 'Hey Jarvis', 1, 0.5, 1))),
      other: samples(toRate(speechWav('other', QUESTION, 1, 0.5, 1))),
    },
  );

  console.log(
    JSON.stringify(
      {
        benchmark: 'voice',
        mainThread: { handsFreeListening, wakeWordListening, targets: { voiceSharePercent: 2, longTaskMs: 50, voiceTaskMs: 16 } },
        vadFrameMs: { ...summary(first.vadFrameMs), where: 'models worker (onnxruntime-web wasm, 1 thread)', frameMs: 32 },
        endOfSpeechToFirstAudioMs: {
          ...summary(first.latencies),
          from: 'VAD end-of-utterance decision',
          endSilenceMs: END_SILENCE_MS,
          asrLatencyMs: ASR_LATENCY_MS,
        },
        bargeInStopMs: {
          ...summary(bargeIns),
          from: 'VAD speech-start decision (after minSpeechMs 250 of sustained speech)',
          to: 'speakingStop',
          target: 100,
        },
        wakeWordChunkMs: {
          ...summary(wake.times),
          where: 'the models alone, run on the page to score fixed audio (in use they run in the worker)',
          chunkMs: 80,
          peakScoreHeyJarvis: +wake.peakHeyJarvis.toFixed(3),
          peakScoreOtherSentence: +wake.peakOther.toFixed(4),
        },
        errors: first.errors.length,
        environment: {
          node: process.version,
          chromium: browser.version(),
          cpus: (await import('node:os')).cpus().length,
          loadAverage: (await import('node:os')).loadavg().map((load) => +load.toFixed(1)),
        },
      },
      null,
      2,
    ),
  );
} finally {
  await browser?.close();
  site.closeAllConnections();
  site.close();
  await server.close();
  await asr.close();
  rmSync(dir, { recursive: true, force: true });
}
