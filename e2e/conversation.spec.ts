// The walking skeleton end to end: the demo page and the SDK API against a real server, in real Chromium,
// with real espeak-ng audio played through Web Audio.
import type { Page } from '@playwright/test';
import { createRecorded, events, expect, EVENT_NAMES, test, waitForEvent, type TestServer } from './fixtures.js';

const HAN = /[\u4e00-\u9fff]/;

/** The answers of the demo knowledge base, read through the admin API. */
async function knowledgeAnswers(server: TestServer): Promise<string[]> {
  const { status, json } = await server.admin('GET', '/v1/robots/demo/knowledge');
  expect(status).toBe(200);
  const entries = Array.isArray(json) ? json : json.entries;
  return entries.map((entry: { answer: string }) => entry.answer);
}

/** Checks one answered chat: segments in order ending with isLast, speaking start/stop around them. */
function expectAnsweredChat(all: Awaited<ReturnType<typeof events>>, chatId: string) {
  const chat = all.filter((e) => e.payload?.chatId === chatId);
  const segments = chat.filter((e) => e.name === 'semanticRecognized');
  expect(segments.length).toBeGreaterThan(0);
  expect(segments.at(-1)!.payload.isLast).toBe(true);
  expect(segments.slice(0, -1).every((e) => e.payload.isLast === false)).toBe(true);
  const starts = chat.filter((e) => e.name === 'speakingStart');
  const stops = chat.filter((e) => e.name === 'speakingStop');
  expect(starts).toHaveLength(1);
  expect(stops).toHaveLength(1);
  expect(starts[0].t).toBeGreaterThanOrEqual(segments[0].t);
  expect(stops[0].t).toBeGreaterThan(starts[0].t);
  expect(stops[0].t).toBeGreaterThanOrEqual(segments.at(-1)!.t);
  return segments.map((e) => e.payload.text).join('');
}

async function mouthMax(page: Page): Promise<number> {
  return page.evaluate(() => (window as any).__mouthMax);
}

test.describe('demo page', () => {
  test('a visitor asks in Chinese and in English and hears answers with captions', async ({ page, server }) => {
    const violations: string[] = [];
    await page.exposeFunction('__reportViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as any).__reportViolation(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    const response = await page.goto(`${server.url}/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.evaluate(async () => {
      await (window as any).dhReady;
    });
    await page.evaluate((names) => {
      const w = window as any;
      w.__events = [];
      w.__mouthMax = 0;
      for (const name of names) w.dh.on(name, (payload: any) => w.__events.push({ name, payload, t: performance.now() }));
      const element = document.querySelector('digital-human') as any;
      const sample = () => {
        w.__mouthMax = Math.max(w.__mouthMax, element.mouthOpenness ?? 0);
        requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
    }, EVENT_NAMES);
    const answers = await knowledgeAnswers(server);
    const input = page.locator('digital-human [part~="input"] input, digital-human [part~="input"] textarea').first();
    const caption = page.locator('digital-human [part~="caption"]');

    for (const [question, isChinese] of [
      ['你好', true],
      ['hello', false],
    ] as const) {
      await page.evaluate(() => {
        (window as any).__mouthMax = 0;
        (window as any).__events = [];
      });
      await input.fill(question);
      await input.press('Enter');
      await waitForEvent(page, 'speakingStart');
      const chatId = (await events(page)).find((e) => e.name === 'speakingStart')!.payload.chatId;
      // The caption shows the clause being spoken, in the question's language.
      await expect(caption).toContainText(isChinese ? HAN : /[A-Za-z]{3,}/, { timeout: 5_000 });
      await waitForEvent(page, 'speakingStop', chatId);
      const answer = expectAnsweredChat(await events(page), chatId);
      expect(answers).toContain(answer);
      expect(HAN.test(answer)).toBe(isChinese);
      expect((await events(page)).filter((e) => e.name === 'error')).toEqual([]);
      // Audio really played: the mouth follows the analyser on the playback graph, silent without sound.
      expect(await mouthMax(page)).toBeGreaterThan(0.05);
    }
    expect(violations).toEqual([]);
  });
});

test.describe('SDK API', () => {
  test('create() renders <digital-human>, reports the job and answers sendTextQuestion', async ({ blankPage: page, server }) => {
    await createRecorded(page, server.url, await server.onceCode(), { enableCaption: true });
    await expect(page.locator('#dh digital-human')).toHaveCount(1);
    const job = await page.evaluate(() => (window as any).dh.getJobInfo());
    expect(job).toMatchObject({ robotId: 'demo', mediaMode: 'local' });
    expect(job.sessionId).toBeTruthy();
    expect(job.state).not.toBe('ENDED');

    const { chatId } = await page.evaluate(() => (window as any).dh.sendTextQuestion({ text: 'What can you do?' }));
    expect(chatId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    await waitForEvent(page, 'speakingStop', chatId);
    const answer = expectAnsweredChat(await events(page), chatId);
    expect(await knowledgeAnswers(server)).toContain(answer);
    expect(await mouthMax(page)).toBeGreaterThan(0.05);
    expect(await page.evaluate(() => (window as any).__cspViolations)).toEqual([]);
  });

  test('interruptSpeaking() stops the audio at once and nothing more of that answer plays', async ({ blankPage: page, server }) => {
    await createRecorded(page, server.url, await server.onceCode(), { enableCaption: true });
    const { chatId } = await page.evaluate(() => (window as any).dh.sendTextQuestion({ text: 'What can you do?' }));
    await waitForEvent(page, 'speakingStart', chatId);
    const interruptedAt = await page.evaluate(() => {
      (window as any).dh.interruptSpeaking();
      return performance.now();
    });
    await waitForEvent(page, 'speakingStop', chatId, 1_000);
    const stop = (await events(page)).find((e) => e.name === 'speakingStop' && e.payload.chatId === chatId)!;
    expect(stop.t - interruptedAt).toBeLessThan(100);
    // Give a cancelled server turn every chance to leak audio, then check the avatar stayed silent.
    await page.waitForTimeout(300);
    await page.evaluate(() => ((window as any).__mouthMax = 0));
    await page.waitForTimeout(1_200);
    expect(await mouthMax(page)).toBeLessThan(0.02);
    const after = (await events(page)).filter((e) => e.t > stop.t && e.payload?.chatId === chatId);
    expect(after.filter((e) => e.name === 'speakingStart')).toEqual([]);
    await expect(page.locator('#dh digital-human')).not.toHaveAttribute('speaking', /.*/);

    // The session is still usable after an interruption.
    const next = await page.evaluate(() => (window as any).dh.sendTextQuestion({ text: 'hello' }));
    await waitForEvent(page, 'speakingStop', next.chatId);
  });

  test('sendDrivenText() speaks the given text verbatim, streamed in pieces', async ({ blankPage: page, server }) => {
    await createRecorded(page, server.url, await server.onceCode(), { enableCaption: true });
    const { chatId } = await page.evaluate(() => {
      const dh = (window as any).dh;
      const first = dh.sendDrivenText({ text: 'Good morning and welcome, ', isLast: false });
      dh.sendDrivenText({ text: 'the showroom opens at nine.', isLast: true });
      return first;
    });
    await waitForEvent(page, 'speakingStop', chatId);
    const said = expectAnsweredChat(await events(page), chatId);
    expect(said.replace(/\s+/g, ' ').trim()).toBe('Good morning and welcome, the showroom opens at nine.');
    expect(await mouthMax(page)).toBeGreaterThan(0.05);
  });

  test('the customer backend makes the avatar speak through POST /v1/sessions/:id/driven-text', async ({ blankPage: page, server }) => {
    await createRecorded(page, server.url, await server.onceCode(), { enableCaption: true });
    const { sessionId } = await page.evaluate(() => (window as any).dh.getJobInfo());
    const { status, json } = await server.admin('POST', `/v1/sessions/${sessionId}/driven-text`, {
      text: '欢迎光临，今天的活动马上开始。',
      isLast: true,
    });
    expect(status).toBe(202);
    await waitForEvent(page, 'speakingStop', json.chatId);
    await expect(page.locator('#dh digital-human [part~="caption"]')).toBeAttached();
    const said = expectAnsweredChat(await events(page), json.chatId);
    expect(said).toBe('欢迎光临，今天的活动马上开始。');
  });

  test('destroy() closes the channel, removes the element and ends the session', async ({ blankPage: page, server }) => {
    const sockets: Array<{ url: string; closed: Promise<void> }> = [];
    page.on('websocket', (ws) => sockets.push({ url: ws.url(), closed: new Promise((resolve) => ws.on('close', () => resolve())) }));
    await createRecorded(page, server.url, await server.onceCode());
    expect(sockets).toHaveLength(1);
    const { sessionId } = await page.evaluate(() => (window as any).dh.getJobInfo());
    await page.evaluate(() => (window as any).dh.destroy());
    await sockets[0].closed;
    await expect(page.locator('#dh digital-human')).toHaveCount(0);
    const code = await page.evaluate(() => {
      try {
        (window as any).dh.sendTextQuestion({ text: 'hello' });
        return 'no error';
      } catch (error: any) {
        return error.code;
      }
    });
    expect(code).toBe('SESSION_ENDED');
    // The server agrees: the session no longer takes driven text.
    await expect
      .poll(async () => (await server.admin('POST', `/v1/sessions/${sessionId}/driven-text`, { text: 'hi', isLast: true })).status)
      .toBeGreaterThanOrEqual(404);
  });

  test('create() rejects with catalog codes for bad once-codes and unknown robots', async ({ blankPage: page, server }) => {
    const tryCreate = (robotId: string, onceCode: string) =>
      page.evaluate(
        async ({ url, robotId, onceCode }) => {
          try {
            await (window as any).DHKit.create({ serverAddress: url, robotId, onceCode, containerId: 'dh2' });
            return 'created';
          } catch (error: any) {
            return `${error.name}:${error.code}`;
          }
        },
        { url: server.url, robotId, onceCode },
      );
    expect(await tryCreate('demo', 'not-a-real-code')).toBe('DHKitError:ONCE_CODE_INVALID');
    const code = await server.onceCode();
    expect(await tryCreate('demo', code)).toBe('created');
    expect(await tryCreate('demo', code)).toBe('DHKitError:ONCE_CODE_INVALID');
    expect(await tryCreate('no-such-robot', 'whatever-code')).toMatch(/DHKitError:(ROBOT_NOT_FOUND|ONCE_CODE_INVALID)/);
    const missing = await page.evaluate(async (url) => {
      try {
        await (window as any).DHKit.create({ serverAddress: url, robotId: 'demo', onceCode: 'x', containerId: 'nope' });
        return 'created';
      } catch (error: any) {
        return error.code;
      }
    }, server.url);
    expect(missing).toBe('INVALID_REQUEST');
  });

  test('questions are validated before they are sent', async ({ blankPage: page, server }) => {
    await createRecorded(page, server.url, await server.onceCode());
    const codes = await page.evaluate(() => {
      const dh = (window as any).dh;
      const attempt = (text: string) => {
        try {
          dh.sendTextQuestion({ text });
          return 'sent';
        } catch (error: any) {
          return error.code;
        }
      };
      return [attempt('   '), attempt('x'.repeat(501))];
    });
    expect(codes).toEqual(['QUESTION_EMPTY', 'QUESTION_TOO_LONG']);
  });

  test('two instances live side by side on one page', async ({ blankPage: page, server }) => {
    const [a, b] = [await server.onceCode(), await server.onceCode()];
    const chats = await page.evaluate(
      async ({ url, a, b }) => {
        const { create } = (window as any).DHKit;
        const first = await create({ serverAddress: url, robotId: 'demo', onceCode: a, containerId: 'dh' });
        const second = await create({ serverAddress: url, robotId: 'demo', onceCode: b, containerId: 'dh2' });
        const done = (dh: any, text: string) =>
          new Promise<string>((resolve) => {
            const { chatId } = dh.sendTextQuestion({ text });
            dh.on('speakingStop', (e: any) => e.chatId === chatId && resolve(chatId));
          });
        const ids = await Promise.all([done(first, 'hello'), done(second, '你好')]);
        const sessions = [first.getJobInfo().sessionId, second.getJobInfo().sessionId];
        return { ids, sessions };
      },
      { url: server.url, a, b },
    );
    expect(new Set(chats.ids).size).toBe(2);
    expect(new Set(chats.sessions).size).toBe(2);
    await expect(page.locator('digital-human')).toHaveCount(2);
  });
});
