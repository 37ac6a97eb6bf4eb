import { expect, test } from '@playwright/test';
import { admin, until, useLiveKitRig } from './livekit-rig.js';

/**
 * Media mode `livekit` and the visitor's browser and network: a blocked stream fails create() cleanly and frees the
 * slot, the autoplay policy leaves the picture playing and a tap starts the voice, and the robot's own ICE servers
 * reach the page's peer connections; a returning visitor of a streamed robot loads the LiveKit chunk beside admission.
 */

const rig = useLiveKitRig();

test('a visitor whose network blocks the stream gets NETWORK_ERROR from create(), and the slot is freed', async () => {
  for (const block of ['chunk', 'signal'] as const) {
    const page = await rig.browser.newPage();
    try {
      // A proxy that refuses the LiveKit chunk, or a firewall that refuses the LiveKit server.
      if (block === 'chunk') await page.route(/\/sdk\/livekit\.esm\.js(\?|$)/, (route) => route.abort('blockedbyclient'));
      else await page.routeWebSocket(/\/rtc/, (socket) => socket.close({ code: 1008, reason: 'blocked' }));
      await page.goto(`${rig.siteUrl}/`);
      await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
      const { onceCode } = (await admin('POST', '/v1/robots/demo/once-codes', {})).json;
      const failed = await page.evaluate(
        async ({ serverUrl, onceCode }) => {
          try {
            await (window as any).DHKit.create({ serverAddress: serverUrl, robotId: 'demo', onceCode, containerId: 'dh' });
            return null;
          } catch (error: any) {
            return { code: error.code, name: error.name };
          }
        },
        { serverUrl: rig.server.url, onceCode },
      );
      expect(failed, block).toEqual({ code: 'NETWORK_ERROR', name: 'DHKitError' });
      await until(() => rig.renderer.active.size === 0);
      expect((await admin('GET', '/v1/robots/demo/sessions')).json.sessions).toEqual([]);
    } finally {
      await page.close();
    }
  }
});

test('where the browser blocks sound until a gesture, the picture plays muted and a tap unmutes the voice', async () => {
  // The unmute button, or a tap anywhere on the digital human (typing a question starts with one).
  for (const tap of ['button', 'avatar'] as const) {
    const page = await rig.browser.newPage();
    try {
      // The autoplay policy of Chrome and Safari on a page the visitor has not touched yet: sound may not
      // start (play() is refused, the autoplay attribute does nothing), muted video may. Headless Chromium
      // lets WebRTC audio through regardless, so the page applies the policy itself. (Playwright's evaluate
      // counts as user activation, so the page tracks real taps itself.)
      await page.addInitScript(() => {
        let tapped = false;
        window.addEventListener('pointerdown', (event) => (tapped ||= event.isTrusted), true);
        const nativePlay = HTMLMediaElement.prototype.play;
        const blocked = (element: HTMLMediaElement) => element instanceof HTMLAudioElement && !element.muted && !tapped;
        HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
          if (blocked(this))
            return Promise.reject(
              new DOMException("play() failed because the user didn't interact with the document first.", 'NotAllowedError'),
            );
          return nativePlay.call(this);
        };
        const autoplay = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'autoplay')!;
        Object.defineProperty(HTMLAudioElement.prototype, 'autoplay', { get: autoplay.get, set() {}, configurable: true });
      });
      await page.goto(`${rig.siteUrl}/`);
      await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
      const { onceCode } = (await admin('POST', '/v1/robots/demo/once-codes', {})).json;
      await page.evaluate(
        async ({ serverUrl, onceCode }) => {
          (window as any).dh = await (window as any).DHKit.create({
            serverAddress: serverUrl,
            robotId: 'demo',
            onceCode,
            containerId: 'dh',
          });
        },
        { serverUrl: rig.server.url, onceCode },
      );
      const state = () =>
        page.evaluate(() => {
          const root = (document.querySelector('#dh digital-human') as any).shadowRoot as ShadowRoot;
          const video = root.querySelector('video') as HTMLVideoElement;
          const audio = root.querySelector('audio') as HTMLAudioElement;
          return {
            videoPlaying: !video.paused && video.currentTime > 0,
            audioPaused: audio.paused,
            hasVoice: !!audio.srcObject,
            button: !!root.querySelector('[part="unmute"]'),
          };
        });
      await page.waitForFunction(() => !!(document.querySelector('#dh digital-human') as any).shadowRoot.querySelector('[part="unmute"]'));
      expect(await state(), tap).toMatchObject({ videoPlaying: true, audioPaused: true, hasVoice: true, button: true });

      if (tap === 'button') await page.locator('#dh digital-human [part="unmute"]').click();
      else await page.locator('#dh digital-human video').click({ position: { x: 60, y: 200 } });
      await page.waitForFunction(() => !(document.querySelector('#dh digital-human') as any).shadowRoot.querySelector('[part="unmute"]'));
      expect(await state(), tap).toMatchObject({ audioPaused: false, button: false });
      // The voice is heard now (the tap also lets the page's own AudioContext run).
      const loudest = await page.evaluate(async () => {
        const w = window as any;
        const audio = (document.querySelector('#dh digital-human') as any).shadowRoot.querySelector('audio') as HTMLAudioElement;
        const context = new AudioContext();
        const analyser = context.createAnalyser();
        context.createMediaStreamSource(audio.srcObject as MediaStream).connect(analyser);
        await context.resume();
        w.dh.sendDrivenText({ text: 'Now you can hear me.' });
        const samples = new Float32Array(analyser.fftSize);
        let peak = 0;
        const until = performance.now() + 4000;
        while (performance.now() < until) {
          analyser.getFloatTimeDomainData(samples);
          for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await w.dh.destroy();
        return peak;
      });
      expect(loudest, tap).toBeGreaterThan(0.05);
    } finally {
      await page.close();
      await until(() => rig.renderer.active.size === 0);
    }
  }
});

test("the robot's own ICE servers (TURN for strict firewalls) reach the visitor's peer connections", async () => {
  const media = (await admin('GET', '/v1/robots/demo')).json.media;
  const turn = { urls: ['turn:127.0.0.1:3478?transport=udp'], username: 'visitor', credential: 'turn-secret' };
  expect((await admin('PATCH', '/v1/robots/demo', { media: { ...media, iceServers: [turn] } })).status).toBe(200);
  const page = await rig.browser.newPage();
  try {
    // Record every RTCPeerConnection's configuration.
    await page.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      (window as any).__rtcConfigs = [];
      window.RTCPeerConnection = class extends Native {
        constructor(config?: RTCConfiguration) {
          (window as any).__rtcConfigs.push(JSON.parse(JSON.stringify(config ?? {})));
          super(config);
        }
      } as typeof RTCPeerConnection;
    });
    await page.goto(`${rig.siteUrl}/`);
    await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
    const { onceCode } = (await admin('POST', '/v1/robots/demo/once-codes', {})).json;
    const configs = await page.evaluate(
      async ({ serverUrl, onceCode }) => {
        const dh = await (window as any).DHKit.create({ serverAddress: serverUrl, robotId: 'demo', onceCode, containerId: 'dh' });
        await dh.destroy();
        return (window as any).__rtcConfigs as RTCConfiguration[];
      },
      { serverUrl: rig.server.url, onceCode },
    );
    expect(configs.length).toBeGreaterThan(0);
    for (const config of configs) expect(config.iceServers).toContainEqual(turn);
  } finally {
    await page.close();
    await admin('PATCH', '/v1/robots/demo', { media: { ...media, iceServers: [] } });
    await until(() => rig.renderer.active.size === 0);
  }
});

test('a browser that saw the robot streamed loads the LiveKit chunk beside admission next time; a local robot stops that', async () => {
  // One returning visitor: one browser context (its storage) for every visit.
  const context = await rig.browser.newContext();
  /** One visit: create() until ready; when the chunk's request started and admission's answer ended (page times). */
  const visit = async () => {
    const page = await context.newPage();
    try {
      await page.goto(`${rig.siteUrl}/`);
      await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
      const { onceCode } = (await admin('POST', '/v1/robots/demo/once-codes', {})).json;
      return await page.evaluate(
        async ({ serverUrl, onceCode }) => {
          const dh = await (window as any).DHKit.create({ serverAddress: serverUrl, robotId: 'demo', onceCode, containerId: 'dh' });
          const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
          const at = (path: string) => entries.find((entry) => new URL(entry.name).pathname === path);
          const result = {
            mediaMode: dh.getJobInfo().mediaMode as string,
            admissionEnded: at('/v1/sessions')?.responseEnd ?? Number.NaN,
            chunkStarted: at('/sdk/livekit.esm.js')?.startTime ?? null,
            marked: localStorage.length > 0,
          };
          await dh.destroy();
          return result;
        },
        { serverUrl: rig.server.url, onceCode },
      );
    } finally {
      await page.close();
      await until(() => rig.renderer.active.size === 0);
    }
  };
  const media = (await admin('GET', '/v1/robots/demo')).json.media;
  try {
    // First visit: nothing known, the chunk is asked for once admission has said "livekit".
    const first = await visit();
    expect(first).toMatchObject({ mediaMode: 'livekit', marked: true });
    expect(first.chunkStarted).toBeGreaterThan(first.admissionEnded);
    // Next visit: the chunk is on its way before admission has answered.
    const again = await visit();
    expect(again).toMatchObject({ mediaMode: 'livekit', marked: true });
    expect(again.chunkStarted).toBeLessThan(again.admissionEnded);
    // The robot goes local: the visit after the one that learns it loads no chunk at all.
    expect((await admin('PATCH', '/v1/robots/demo', { media: { ...media, mode: 'local' } })).status).toBe(200);
    expect(await visit()).toMatchObject({ mediaMode: 'local', marked: false });
    expect(await visit()).toMatchObject({ mediaMode: 'local', chunkStarted: null, marked: false });
  } finally {
    await admin('PATCH', '/v1/robots/demo', { media });
    await context.close();
  }
});
