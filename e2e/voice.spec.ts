/**
 * Voice input in real Chromium with a fake microphone fed from a WAV file made by espeak-ng at test time:
 * the VAD (Silero on onnxruntime-web, all files from our server) cuts the utterance, the server sends it to a
 * local OpenAI-compatible transcription server, and the recognized question is answered. Barge-in: speech
 * while the avatar talks stops its playback.
 *
 * Each test launches its own Chromium, because the fake-capture file is a launch flag.
 */
import { expect, test, type Browser } from '@playwright/test';
import { eventsOf, QUESTION, startVoiceHarness, type VoiceHarness } from './voice-harness.js';

let voice: VoiceHarness;
let asr: VoiceHarness['asr'];
const speechWav = (name: string, text: string, silenceBefore: number, silenceAfter: number) =>
  voice.speechWav(name, text, silenceBefore, silenceAfter);
const launch = (wav: string) => voice.launch(wav);

test.beforeAll(async () => {
  voice = await startVoiceHarness('e2e-voice-admin-key-0123456789-padded-to-32-characters');
  ({ asr } = voice);
});

test.afterAll(async () => {
  await voice?.close();
});

const openPage = (browser: Browser, config: Record<string, unknown> = {}) =>
  voice.openPage(browser, ['error', 'speakingStart', 'speakingStop', 'speechRecognized', 'semanticRecognized'], config);

test('hands-free: the VAD cuts the utterance, the server recognizes it and the avatar answers', async () => {
  const browser = await launch(speechWav('question', QUESTION, 1, 2));
  try {
    const page = await openPage(browser);
    const before = asr.requests.length;
    await page.evaluate(() => (window as any).dh.startChat({ interactionMode: 'AUDIO' }));
    expect(await page.evaluate(() => (window as any).dh.activeInteractionMode)).toBe('AUDIO');
    await page.waitForFunction(() => (window as any).__events.some((e: any) => e.name === 'speechRecognized'), null, { timeout: 20_000 });
    const recognized = (await eventsOf(page)).find((e) => e.name === 'speechRecognized')!;
    expect(recognized.payload).toMatchObject({ text: QUESTION, isLast: true });
    await page.waitForFunction(
      (chatId) => (window as any).__events.some((e: any) => e.name === 'speakingStart' && e.payload.chatId === chatId),
      recognized.payload.chatId,
      { timeout: 15_000 },
    );
    const semantic = (await eventsOf(page))
      .filter((e) => e.name === 'semanticRecognized')
      .map((e) => e.payload.text)
      .join('');
    expect(semantic).toContain('We open at nine');
    // The utterance the server sent on: one WAV of the spoken question, cut by the VAD (not the 2 s of silence after it).
    expect(asr.requests.length).toBe(before + 1);
    const wav = asr.requests.at(-1)!.file!.data;
    expect(wav.readUInt32LE(24)).toBe(16000);
    const seconds = (wav.length - 44) / 32000;
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(3.5);
    expect((await eventsOf(page)).filter((e) => e.name === 'error')).toEqual([]);
    expect((page as any).__violations).toEqual([]);
    // The VAD ran in its Worker, off the page's main thread (the page is on another origin than the server).
    expect(await page.evaluate(() => (window as any).dh.voice.diagnostics.inferenceThread)).toBe('worker');
  } finally {
    await browser.close();
  }
});

test('barge-in: the visitor speaking while the avatar talks stops its playback within 100 ms of the VAD speech start', async () => {
  const browser = await launch(speechWav('barge', 'Excuse me, one question please.', 3, 2));
  try {
    const page = await openPage(browser, { enableVadInterrupt: true });
    await page.evaluate(() => (window as any).dh.startChat({ interactionMode: 'AUDIO' }));
    const { chatId } = await page.evaluate(() =>
      (window as any).dh.sendDrivenText({ text: 'This is a very long announcement. '.repeat(12), isLast: true }),
    );
    await page.waitForFunction(
      (id) => (window as any).__events.some((e: any) => e.name === 'speakingStart' && e.payload.chatId === id),
      chatId,
      { timeout: 10_000 },
    );
    // The announcement lasts far longer than the 3 s before the visitor speaks: only barge-in stops it early.
    await page.waitForFunction(
      (id) => (window as any).__events.some((e: any) => e.name === 'speakingStop' && e.payload.chatId === id),
      chatId,
      { timeout: 10_000 },
    );
    const events = await eventsOf(page);
    const start = events.find((e) => e.name === 'speakingStart' && e.payload.chatId === chatId)!;
    const stop = events.find((e) => e.name === 'speakingStop' && e.payload.chatId === chatId)!;
    expect(stop.t - start.t).toBeLessThan(6000);
    // Measured from the VAD's speech-start decision (the SDK's voice diagnostics) to the public speakingStop.
    const speechStartAt = await page.evaluate(
      (after) => (window as any).dh.voice.diagnostics.speechStarts.find((t: number) => t > after) as number,
      start.t,
    );
    expect(speechStartAt).toBeGreaterThan(start.t);
    expect(stop.t).toBeGreaterThanOrEqual(speechStartAt);
    expect(stop.t - speechStartAt).toBeLessThan(100);
    await page.waitForFunction(() => (window as any).__events.some((e: any) => e.name === 'speechRecognized'), null, { timeout: 15_000 });
  } finally {
    await browser.close();
  }
});

test('enableDeviceSetting: the input bar offers the microphones, and the one chosen is used for the question', async () => {
  const browser = await launch(speechWav('device', QUESTION, 1, 2));
  try {
    const page = await openPage(browser, { enableDeviceSetting: true });
    const picker = page.locator('#dh digital-human [part~="input"] select');
    await expect(picker).toBeVisible();
    // Chromium's fake capture device shows once the picker has listed the devices.
    await expect.poll(async () => await picker.locator('option').count()).toBeGreaterThan(1);
    const chosen = await picker.locator('option').nth(1).getAttribute('value');
    await picker.selectOption(chosen!);
    // Record what the SDK asks the browser for when it opens the microphone.
    await page.evaluate(() => {
      const devices = navigator.mediaDevices;
      const open = devices.getUserMedia.bind(devices);
      (window as any).__micRequests = [];
      devices.getUserMedia = (constraints) => {
        (window as any).__micRequests.push(JSON.parse(JSON.stringify(constraints)));
        return open(constraints);
      };
    });
    const before = asr.requests.length;
    await page.evaluate(() => (window as any).dh.startChat({ interactionMode: 'AUDIO' }));
    await page.waitForFunction(() => (window as any).__events.some((e: any) => e.name === 'semanticRecognized'), null, { timeout: 20_000 });
    expect(asr.requests.length).toBeGreaterThan(before);
    expect((await eventsOf(page)).filter((e) => e.name === 'error')).toEqual([]);
    const requests = await page.evaluate(() => (window as any).__micRequests);
    expect(JSON.stringify(requests.at(-1).audio.deviceId)).toContain(chosen!);
    // Without the key, no picker.
    await page.evaluate(() => (window as any).dh.setConfig({ enableDeviceSetting: false }));
    await expect(picker).toHaveCount(0);
  } finally {
    await browser.close();
  }
});
