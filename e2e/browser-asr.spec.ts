// asrMode 'browser': the browser's own speech recognition turns speech into questions. Headless Chromium
// has no recognition service behind webkitSpeechRecognition (it calls out to the vendor's cloud), so a
// stand-in with the Web Speech API's shape plays that service: it "hears" a scripted utterance.
import type { Page } from '@playwright/test';
import { createRecorded, events, expect, test, waitForEvent } from './fixtures.js';

/** Installs the stand-in before the page's scripts run; `heard` is what the visitor says. */
async function withRecognitionService(page: Page, heard: string | null) {
  await page.addInitScript((heard) => {
    const w = window as any;
    w.__recognitions = [];
    if (heard === null) {
      delete w.SpeechRecognition;
      delete w.webkitSpeechRecognition;
      return;
    }
    class StandIn {
      lang = '';
      continuous = false;
      interimResults = false;
      onresult: any = null;
      onerror: any = null;
      onend: any = null;
      private ended = false;
      private emit(text: string, isFinal: boolean) {
        const results = [Object.assign([{ transcript: text }], { isFinal })];
        this.onresult?.({ resultIndex: 0, results });
      }
      start() {
        w.__recognitions.push({ lang: this.lang, continuous: this.continuous, interim: this.interimResults });
        this.ended = false;
        setTimeout(() => this.emit(heard!.slice(0, 3), false), 50);
        // Hands-free: the service decides the utterance is over by itself.
        if (this.continuous) setTimeout(() => this.finish(), 150);
      }
      stop() {
        setTimeout(() => this.finish(), 30);
      }
      abort() {
        this.ended = true;
      }
      private finish() {
        if (this.ended) return;
        this.ended = true;
        this.emit(heard!, true);
        if (!this.continuous) this.onend?.();
      }
    }
    w.SpeechRecognition = StandIn;
  }, heard);
  await page.reload();
  await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
  await page.evaluate(() => {
    document.addEventListener('securitypolicyviolation', (e) => (window as any).__cspViolations.push(e.violatedDirective));
  });
}

function recognized(all: Awaited<ReturnType<typeof events>>) {
  return all.filter((e) => e.name === 'speechRecognized').map((e) => e.payload);
}

test('push-to-talk: interim text overwrites, the final text is asked and answered', async ({ blankPage: page, server }) => {
  await withRecognitionService(page, 'hello');
  await createRecorded(page, server.url, await server.onceCode(), { asrMode: 'browser' });
  await page.evaluate(() =>
    (window as any).dh.on('speechRecognized', (e: any) =>
      (window as any).__events.push({ name: 'speechRecognized', payload: e, t: performance.now() }),
    ),
  );
  await page.evaluate(() => (window as any).dh.startUserSpeak());
  await page.waitForTimeout(120);
  const { chatId } = await page.evaluate(() => (window as any).dh.stopUserSpeak());
  await waitForEvent(page, 'semanticRecognized', chatId);
  const heard = recognized(await events(page));
  expect(heard).toEqual([
    { chatId, text: 'hel', isLast: false },
    { chatId, text: 'hello', isLast: true },
  ]);
  // The answer streams in segments; the first one arriving does not mean the last has.
  await page.waitForFunction(
    (id) => (window as any).__events.some((e: any) => e.name === 'semanticRecognized' && e.payload.chatId === id && e.payload.isLast),
    chatId,
  );
  const answer = (await events(page)).filter((e) => e.name === 'semanticRecognized' && e.payload.chatId === chatId);
  expect(answer.map((e) => e.payload.text).join('')).not.toBe('');
  const started = await page.evaluate(() => (window as any).__recognitions);
  expect(started[0]).toEqual({ lang: 'zh-CN', continuous: false, interim: true });
});

test('hands-free: what the browser recognises becomes a question; stopChat stops listening', async ({ blankPage: page, server }) => {
  await withRecognitionService(page, 'what can you do');
  await createRecorded(page, server.url, await server.onceCode(), { asrMode: 'browser' });
  await page.evaluate(() => (window as any).dh.startChat({ interactionMode: 'AUDIO' }));
  await waitForEvent(page, 'semanticRecognized');
  expect(await page.evaluate(() => (window as any).dh.getJobInfo().interactionMode)).toBe('AUDIO');
  expect((await page.evaluate(() => (window as any).__recognitions))[0]).toMatchObject({ continuous: true });
  await page.evaluate(() => (window as any).dh.stopChat());
  expect(await page.evaluate(() => (window as any).dh.getJobInfo().state)).toBe('READY');
});

test("without SpeechRecognition in the browser, 'browser' falls back to the server's recognition", async ({ blankPage: page, server }) => {
  await withRecognitionService(page, null);
  await createRecorded(page, server.url, await server.onceCode(), { asrMode: 'browser' });
  // The demo robot has no server speech recognition configured, so the fallback refuses clearly.
  const code = await page.evaluate(() =>
    (window as any).dh.startUserSpeak().then(
      () => 'started',
      (error: any) => error.code,
    ),
  );
  expect(code).toBe('VOICE_INPUT_NOT_CONFIGURED');
});
