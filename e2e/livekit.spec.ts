import { expect, test } from '@playwright/test';
import { admin, lk, openVisitor, peak, until, useLiveKitRig } from './livekit-rig.js';

/**
 * Media mode `livekit` end to end (the rig: e2e/livekit-rig.ts): the picture decodes, the voice plays, captions
 * follow what is spoken, interrupt cuts it, every end frees the slot, a dropped signal connection resumes, and a
 * green-screen renderer is keyed out. Timing against a known sound: livekit-caption-timing.spec.ts; the visitor's
 * browser and network (blocked stream, autoplay policy, ICE servers): livekit-visitor.spec.ts.
 */

const rig = useLiveKitRig();

test('the streamed avatar shows, speaks an answer with captions in step, and stops on interrupt', async () => {
  const { page, sessionId, createMs } = await openVisitor();
  expect(await page.evaluate(() => (window as any).dh.getJobInfo().mediaMode)).toBe('livekit');
  expect(rig.renderer.active.has(sessionId)).toBe(true);

  // The video decodes: frames keep coming, and they are the avatar, not a blank picture.
  await page.waitForFunction(() => (window as any).__lk.frames > 10);
  const picture = await page.evaluate(() => {
    const video = (document.querySelector('#dh digital-human') as any).shadowRoot.querySelector('video') as HTMLVideoElement;
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext('2d')!;
    context.drawImage(video, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 97) colours.add((data[i] >> 4) * 256 + (data[i + 1] >> 4) * 16 + (data[i + 2] >> 4));
    return { width: video.videoWidth, height: video.videoHeight, colours: colours.size };
  });
  expect(picture.width).toBeGreaterThan(100);
  expect(picture.colours).toBeGreaterThan(20);

  // A driven answer: the voice comes out of the room, and each caption appears with its clause.
  const spokenAt = await page.evaluate(() => performance.now());
  const { chatId } = await page.evaluate(() =>
    (window as any).dh.sendDrivenText({ text: 'Hello from the renderer. This is the second sentence.' }),
  );
  await page.waitForFunction(
    (id) => (window as any).__lk.events.some((e: any) => e.name === 'speakingStop' && e.payload.chatId === id),
    chatId,
    { timeout: 30_000 },
  );
  const answered = await lk(page);
  const start = answered.events.find((e: any) => e.name === 'speakingStart' && e.payload.chatId === chatId);
  const stop = answered.events.find((e: any) => e.name === 'speakingStop' && e.payload.chatId === chatId);
  expect(answered.captions).toEqual(['Hello from the renderer.', 'This is the second sentence.']);
  expect(peak(answered.loudness, start.t, stop.t)).toBeGreaterThan(0.01);
  // Silence before the renderer reported speech: captions do not run ahead of the voice.
  expect(peak(answered.loudness, spokenAt, start.t - 150)).toBeLessThan(0.01);
  const firstSound = answered.loudness.find(([t, rms]: [number, number]) => t >= spokenAt && rms > 0.01)?.[0] ?? NaN;
  console.log(
    `[livekit] create() → first video frame ${Math.round(answered.firstFrameMs)} ms (create() resolved ` +
      `after ${Math.round(createMs)} ms); ` +
      `utterance → speakingStart ${Math.round(start.t - spokenAt)} ms, → first audible sample ${Math.round(firstSound - spokenAt)} ms`,
  );

  // Interrupt: the voice stops within a moment.
  const { chatId: longChat } = await page.evaluate(() =>
    (window as any).dh.sendDrivenText({
      text:
        'This sentence is long, and it goes on and on, so that there is plenty of time to cut it off in the middle of what ' +
        'it says. Nobody hears this one. Nor this.',
    }),
  );
  await page.waitForFunction(
    (id) => (window as any).__lk.events.some((e: any) => e.name === 'speakingStart' && e.payload.chatId === id),
    longChat,
  );
  await page.waitForTimeout(400);
  const cutAt = await page.evaluate(() => {
    (window as any).dh.interruptSpeaking();
    return performance.now();
  });
  await page.waitForTimeout(1500);
  const cut = await lk(page);
  expect(cut.events.some((e: any) => e.name === 'speakingStop' && e.payload.chatId === longChat)).toBe(true);
  expect(peak(cut.loudness, cutAt - 400, cutAt)).toBeGreaterThan(0.01);
  expect(peak(cut.loudness, cutAt + 700)).toBeLessThan(0.005);
  // The clauses the renderer had announced for later never show.
  expect(cut.captions.filter((caption: string) => /Nobody|Nor this/.test(caption))).toEqual([]);

  // Kicked by the admin: the renderer slot is free at once.
  expect((await admin('DELETE', `/v1/sessions/${sessionId}`)).status).toBe(204);
  await until(() => !rig.renderer.active.has(sessionId));
  await page.close();
});

test('a dropped signal connection resumes, a full reconnect rejoins, and closing the page frees the renderer slot', async () => {
  const { page, sessionId, room: roomName } = await openVisitor();
  await page.waitForFunction(() => (window as any).__lk.frames > 5);
  const room = rig.livekit.room(roomName)!;
  const visitor = [...room.participants.values()].find((p) => p.identity.startsWith('visitor-'))!;
  rig.livekit.dropSignal(roomName, visitor.identity);
  await page.waitForTimeout(1000);
  const before = (await lk(page)).frames;
  await page.waitForFunction((n) => (window as any).__lk.frames > n + 10, before, { timeout: 20_000 });
  // Still speaking after the resume.
  const { chatId } = await page.evaluate(() => (window as any).dh.sendDrivenText({ text: 'Still here.' }));
  await page.waitForFunction(
    (id) => (window as any).__lk.events.some((e: any) => e.name === 'speakingStop' && e.payload.chatId === id),
    chatId,
    { timeout: 30_000 },
  );
  expect((await lk(page)).captions).toContain('Still here.');

  // A full reconnect (the LiveKit server asks the client to join afresh): picture and voice come back.
  rig.livekit.requestReconnect(roomName, visitor.identity);
  await page.waitForTimeout(1000);
  const beforeRejoin = (await lk(page)).frames;
  await page.waitForFunction((n) => (window as any).__lk.frames > n + 10, beforeRejoin, { timeout: 20_000 });
  const { chatId: again } = await page.evaluate(() => (window as any).dh.sendDrivenText({ text: 'Back again.' }));
  await page.waitForFunction(
    (id) => (window as any).__lk.events.some((e: any) => e.name === 'speakingStop' && e.payload.chatId === id),
    again,
    { timeout: 30_000 },
  );
  const rejoined = await lk(page);
  expect(rejoined.captions).toContain('Back again.');
  const said = rejoined.events.find((e: any) => e.name === 'speakingStart' && e.payload.chatId === again);
  expect(peak(rejoined.loudness, said.t, said.t + 2000)).toBeGreaterThan(0.01);

  await page.close({ runBeforeUnload: true });
  await until(() => !rig.renderer.active.has(sessionId));
});

test('a green-screen renderer is keyed out: the avatar floats over the page', async () => {
  const media = (await admin('GET', '/v1/robots/demo')).json.media;
  expect((await admin('PATCH', '/v1/robots/demo', { media: { ...media, chromaKey: true } })).status).toBe(200);
  try {
    const { page, sessionId } = await openVisitorKeyed();
    const alpha = await page.evaluate(async () => {
      const canvas = (document.querySelector('#dh digital-human') as any).shadowRoot.querySelector(
        'canvas[part="avatar-video"]',
      ) as HTMLCanvasElement;
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const context = copy.getContext('2d')!;
      context.drawImage(canvas, 0, 0);
      const data = context.getImageData(0, 0, copy.width, copy.height).data;
      let opaque = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 200) opaque++;
      return { corner: data[3], opaqueShare: opaque / (data.length / 4), width: copy.width };
    });
    expect(alpha.width).toBeGreaterThan(100);
    expect(alpha.corner).toBe(0);
    expect(alpha.opaqueShare).toBeGreaterThan(0.05);
    expect(alpha.opaqueShare).toBeLessThan(0.9);
    await page.close({ runBeforeUnload: true });
    await until(() => !rig.renderer.active.has(sessionId));
  } finally {
    await admin('PATCH', '/v1/robots/demo', { media: { ...media, chromaKey: false } });
  }

  async function openVisitorKeyed() {
    const opened = await openVisitor({ keyed: true });
    await opened.page.waitForFunction(() => {
      const canvas = (document.querySelector('#dh digital-human') as any).shadowRoot.querySelector('canvas[part="avatar-video"]');
      return canvas && canvas.width > 0;
    });
    await opened.page.waitForTimeout(500);
    return opened;
  }
});
