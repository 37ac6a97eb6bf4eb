import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import { AccessToken, type VideoGrant } from 'livekit-server-sdk';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { CHROMIUM_ARGS, CHROMIUM_PATH, WEBRTC_ARGS } from '../playwright.config.js';
import { VISITOR_TOKEN_TTL_SECONDS, visitorToken } from '../server/src/media/livekit-tokens.js';
import { startLiveKitTestServer, type LiveKitTestServer } from '../test/livekit-server/index.js';

/**
 * The LiveKit-protocol test server (test/livekit-server) against the real livekit-client in Chromium:
 * a publisher page sends a canvas video, an oscillator and data messages; a subscriber page must decode
 * the video, hear the audio, get the data, and keep doing so after its signal connection is dropped
 * (resume) and after the server asks for a full reconnect; tokens and grants are enforced. livekit-client joins on the
 * single peer connection path (/rtc/v1) the double serves; one test plays an older LiveKit that refuses it, and the
 * client falls back to the classic path (/rtc, a publisher and a subscriber connection).
 */

const DEBUG = !!process.env.LK_TEST_DEBUG;

const require = createRequire(import.meta.url);
const livekitUmd = readFileSync(require.resolve('livekit-client').replace(/livekit-client\.[a-z]+\.m?js$/, 'livekit-client.umd.js'));

let livekit: LiveKitTestServer;
let site: Server;
let siteUrl: string;
let browser: Browser;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  livekit = await startLiveKitTestServer({ log: DEBUG ? (line) => console.log(`[lk] ${line}`) : undefined });
  // Pages must come from a real loopback origin: Chromium refuses WebSockets to 127.0.0.1 from
  // page.route-faked pages.
  site = createServer((request, response) => {
    if (request.url === '/livekit-client.umd.js') {
      return void response.writeHead(200, { 'content-type': 'text/javascript' }).end(livekitUmd);
    }
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        '<!doctype html><html><head><meta charset="utf-8"><title>lk</title></head><body><script ' +
          'src="/livekit-client.umd.js"></script></body></html>',
      );
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...WEBRTC_ARGS], headless: true });
});

test.afterAll(async () => {
  await browser?.close();
  await livekit?.close();
  site?.closeAllConnections();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
});

/** Each test has its own room, so a leftover participant of another test cannot interfere. */
let roomName = '';
// biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this destructuring.
test.beforeEach(({}, testInfo) => {
  roomName = `room-${testInfo.testId}`;
});

async function token(identity: string, grant: VideoGrant, apiSecret = livekit.apiSecret): Promise<string> {
  const at = new AccessToken(livekit.apiKey, apiSecret, { identity, name: identity, ttl: '10m' });
  at.addGrant({ roomJoin: true, room: roomName, ...grant });
  return at.toJwt();
}

async function openPage(name: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (message) => {
    // Expected noise: a refused /rtc/v1 attempt (404, the older-LiveKit test) and the refused forged token (401).
    const expected = /\/rtc\/v1|status of 40[14]|HTTP Authentication failed|WS closed unexpectedly/.test(message.text());
    if (DEBUG || (message.type() === 'error' && !expected)) console.log(`[${name}] ${message.type()}: ${message.text().slice(0, 500)}`);
  });
  await page.goto(`${siteUrl}/`);
  await page.waitForFunction(() => typeof (window as any).LivekitClient?.Room === 'function');
  if (DEBUG) await page.evaluate(() => (window as any).LivekitClient.setLogLevel('debug'));
  return page;
}

/** Joins as a subscriber and records what arrives into `window.__lk`. */
async function joinAsSubscriber(page: Page, url: string, jwt: string) {
  await page.evaluate(
    async ({ url, jwt }) => {
      const { Room, RoomEvent, Track } = (window as any).LivekitClient;
      const seen: any = {
        events: [] as string[],
        data: [] as Array<{ text: string; from?: string; topic?: string }>,
        frames: 0,
        width: 0,
        audioPeak: 0,
      };
      (window as any).__lk = seen;
      const room = new Room({ adaptiveStream: false, dynacast: false });
      (window as any).room = room;
      for (const name of ['Connected', 'Reconnecting', 'Reconnected', 'SignalReconnecting', 'Disconnected', 'ParticipantConnected']) {
        room.on(RoomEvent[name], () => seen.events.push(name));
      }
      room.on(RoomEvent.DataReceived, (payload: Uint8Array, participant: any, _kind: unknown, topic?: string) => {
        seen.data.push({ text: new TextDecoder().decode(payload), from: participant?.identity, topic });
      });
      room.on(RoomEvent.TrackSubscribed, (track: any) => {
        seen.events.push(`TrackSubscribed:${track.kind}`);
        const element = track.attach() as HTMLMediaElement;
        document.body.append(element);
        if (track.kind === Track.Kind.Video) {
          const video = element as HTMLVideoElement;
          video.muted = true;
          const onFrame = () => {
            seen.frames += 1;
            seen.width = video.videoWidth;
            video.requestVideoFrameCallback(onFrame);
          };
          video.requestVideoFrameCallback(onFrame);
        } else {
          const context = new AudioContext();
          const analyser = context.createAnalyser();
          context.createMediaStreamSource(new MediaStream([track.mediaStreamTrack])).connect(analyser);
          const samples = new Float32Array(analyser.fftSize);
          // After a full reconnect the old, ended track's analyser reads silence: only the newest reports.
          const generation = (seen.audioGeneration = (seen.audioGeneration ?? 0) + 1);
          setInterval(() => {
            if (generation !== seen.audioGeneration) return;
            analyser.getFloatTimeDomainData(samples);
            let peak = 0;
            for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
            seen.audioPeak = peak;
          }, 50);
        }
      });
      await room.connect(url, jwt, { autoSubscribe: true });
    },
    { url, jwt },
  );
}

/** Joins and publishes a moving canvas, a 440 Hz oscillator, and a numbered data message every 200 ms. */
async function joinAsPublisher(page: Page, url: string, jwt: string) {
  await page.evaluate(
    async ({ url, jwt }) => {
      const { Room, Track } = (window as any).LivekitClient;
      const room = new Room({
        adaptiveStream: false,
        dynacast: false,
        publishDefaults: { simulcast: false, videoCodec: 'vp8', red: false, dtx: false },
      });
      (window as any).room = room;
      await room.connect(url, jwt);
      const canvas = document.createElement('canvas');
      canvas.width = 320;
      canvas.height = 240;
      document.body.append(canvas);
      const draw = canvas.getContext('2d')!;
      let frame = 0;
      setInterval(() => {
        draw.fillStyle = `hsl(${(frame * 7) % 360} 80% 50%)`;
        draw.fillRect(0, 0, 320, 240);
        draw.fillStyle = '#fff';
        draw.fillText(String(frame++), 10, 20);
      }, 33);
      const audio = new AudioContext();
      const oscillator = audio.createOscillator();
      oscillator.frequency.value = 440;
      const destination = audio.createMediaStreamDestination();
      oscillator.connect(destination);
      oscillator.start();
      await room.localParticipant.publishTrack(canvas.captureStream(30).getVideoTracks()[0], {
        source: Track.Source.Camera,
        name: 'avatar-video',
      });
      await room.localParticipant.publishTrack(destination.stream.getAudioTracks()[0], {
        source: Track.Source.Microphone,
        name: 'avatar-audio',
      });
      let sequence = 0;
      setInterval(() => {
        void room.localParticipant.publishData(new TextEncoder().encode(`caption-${sequence++}`), { reliable: true, topic: 'captions' });
      }, 200);
    },
    { url, jwt },
  );
}

const seen = (page: Page) =>
  page.evaluate(
    () =>
      (window as any).__lk as {
        events: string[];
        data: Array<{ text: string; from?: string; topic?: string }>;
        frames: number;
        width: number;
        audioPeak: number;
      },
  );

test('refuses a token signed with another secret, and accepts a valid one', async () => {
  const page = await openPage('refused');
  const forged = await token('mallory', { canSubscribe: true }, 'not-the-secret');
  const error = await page.evaluate(
    async ({ url, jwt }) => {
      const room = new (window as any).LivekitClient.Room();
      try {
        await room.connect(url, jwt, { maxRetries: 0 });
        return 'connected';
      } catch (e) {
        return String((e as Error).message);
      }
    },
    { url: livekit.url, jwt: forged },
  );
  expect(error).toMatch(/invalid token/);
  const valid = await fetch(`${livekit.httpUrl}/rtc/validate?access_token=${await token('alice', {})}`);
  expect(valid.status).toBe(200);
  await page.close();
});

test('a subscriber receives a publisher’s video, audio and data, and keeps receiving after a signal resume', async () => {
  test.setTimeout(90_000);
  const viewer = await openPage('viewer');
  const avatar = await openPage('avatar');

  // The viewer joins an empty room first, so the tracks arrive by renegotiation of its one peer connection (the
  // double asks for it with a MediaSectionsRequirement).
  await joinAsSubscriber(viewer, livekit.url, await token('viewer', { canSubscribe: true, canPublish: false, canPublishData: false }));
  await joinAsPublisher(avatar, livekit.url, await token('avatar', { canSubscribe: false, canPublish: true, canPublishData: true }));
  expect(livekit.participant(roomName, 'viewer')?.singlePeerConnection).toBe(true);
  expect(livekit.participant(roomName, 'avatar')?.singlePeerConnection).toBe(true);

  await expect
    .poll(async () => (await seen(viewer)).events, { timeout: 20_000 })
    .toEqual(expect.arrayContaining(['Connected', 'ParticipantConnected', 'TrackSubscribed:video', 'TrackSubscribed:audio']));
  // Video decodes: the canvas's size, and frames keep coming.
  await expect.poll(async () => (await seen(viewer)).width, { timeout: 15_000 }).toBe(320);
  const framesBefore = (await seen(viewer)).frames;
  await expect.poll(async () => (await seen(viewer)).frames, { timeout: 10_000 }).toBeGreaterThan(framesBefore + 10);
  // Audio plays: the oscillator is heard through an AnalyserNode on the remote track.
  await expect.poll(async () => (await seen(viewer)).audioPeak, { timeout: 15_000 }).toBeGreaterThan(0.05);
  // Data arrives, stamped with the publisher's identity, in order.
  await expect.poll(async () => (await seen(viewer)).data.length, { timeout: 10_000 }).toBeGreaterThan(3);
  const { data } = await seen(viewer);
  expect(data[0]).toMatchObject({ from: 'avatar', topic: 'captions' });
  const numbers = data.map((d) => Number(d.text.replace('caption-', '')));
  expect(numbers).toEqual([...numbers].sort((a, b) => a - b));

  // Server-originated data reaches the viewer too (what the dhkit server will send).
  livekit.sendData(roomName, new TextEncoder().encode('from-server'), 'control', ['viewer']);
  await expect.poll(async () => (await seen(viewer)).data.some((d) => d.text === 'from-server'), { timeout: 5_000 }).toBe(true);

  // Drop the viewer's signal socket: livekit-client resumes with reconnect=1 and keeps its peer
  // connections (a signal-only resume is reported as SignalReconnecting, not Reconnecting).
  livekit.dropSignal(roomName, 'viewer');
  await expect
    .poll(async () => (await seen(viewer)).events, { timeout: 20_000 })
    .toEqual(expect.arrayContaining(['SignalReconnecting', 'Reconnected']));
  expect(livekit.participant(roomName, 'viewer')?.resumes).toBe(1);
  const after = await seen(viewer);
  await expect.poll(async () => (await seen(viewer)).frames, { timeout: 10_000 }).toBeGreaterThan(after.frames + 10);
  await expect.poll(async () => (await seen(viewer)).data.length, { timeout: 10_000 }).toBeGreaterThan(after.data.length + 3);
  expect((await seen(viewer)).events).not.toContain('Disconnected');

  // The publisher's signal drops too: its resume renegotiates the publisher PC with an ICE restart,
  // and the forwarded media must survive that.
  livekit.dropSignal(roomName, 'avatar');
  await expect.poll(() => avatar.evaluate(() => (window as any).room.state), { timeout: 20_000 }).toBe('connected');
  await expect.poll(() => livekit.participant(roomName, 'avatar')?.resumes, { timeout: 20_000 }).toBe(1);
  const afterPublisherResume = await seen(viewer);
  await expect.poll(async () => (await seen(viewer)).frames, { timeout: 10_000 }).toBeGreaterThan(afterPublisherResume.frames + 10);
  await expect
    .poll(async () => (await seen(viewer)).data.length, { timeout: 10_000 })
    .toBeGreaterThan(afterPublisherResume.data.length + 3);

  await avatar.close();
  await viewer.close();
});

test('without periodic keyframe requests, a late subscriber gets its picture from the requests its connection brings', async () => {
  // As LiveKit: a subscriber's video starts at a keyframe, asked for as its connection comes up (one that comes back
  // before its DTLS is up is held, not dropped). The double's timer, which would hide a lost one, is off.
  test.setTimeout(60_000);
  const lines: string[] = [];
  const double = await startLiveKitTestServer({ keyframeIntervalMs: 0, log: (line) => lines.push(line) });
  try {
    const avatar = await openPage('avatar');
    const viewer = await openPage('viewer');
    await joinAsPublisher(avatar, double.url, await token('avatar', { canSubscribe: false, canPublish: true, canPublishData: true }));
    await expect.poll(() => lines.filter((line) => line.startsWith('avatar publishes')).length, { timeout: 10_000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the publisher's first keyframe is long gone
    await joinAsSubscriber(viewer, double.url, await token('viewer', { canSubscribe: true, canPublish: false, canPublishData: false }));
    await expect.poll(async () => (await seen(viewer)).width, { timeout: 10_000 }).toBe(320);
    const framesBefore = (await seen(viewer)).frames;
    await expect.poll(async () => (await seen(viewer)).frames, { timeout: 10_000 }).toBeGreaterThan(framesBefore + 10);
    await avatar.close();
    await viewer.close();
  } finally {
    await double.close();
  }
});

test('an older LiveKit without /rtc/v1: the client falls back to /rtc and its two peer connections, and receives', async () => {
  test.setTimeout(90_000);
  const lines: string[] = [];
  const older = await startLiveKitTestServer({ singlePeerConnection: false, log: (line) => lines.push(line) });
  try {
    const viewer = await openPage('viewer');
    const avatar = await openPage('avatar');
    await joinAsPublisher(avatar, older.url, await token('avatar', { canSubscribe: false, canPublish: true, canPublishData: true }));
    // Joining after the tracks are live: they come in the double's first subscriber offer.
    await joinAsSubscriber(viewer, older.url, await token('viewer', { canSubscribe: true, canPublish: false, canPublishData: false }));
    await expect.poll(async () => (await seen(viewer)).width, { timeout: 20_000 }).toBe(320);
    const framesBefore = (await seen(viewer)).frames;
    await expect.poll(async () => (await seen(viewer)).frames, { timeout: 10_000 }).toBeGreaterThan(framesBefore + 10);
    await expect.poll(async () => (await seen(viewer)).audioPeak, { timeout: 15_000 }).toBeGreaterThan(0.05);
    await expect.poll(async () => (await seen(viewer)).data.length, { timeout: 10_000 }).toBeGreaterThan(3);
    expect(lines).toEqual(expect.arrayContaining(['viewer refused /rtc/v1', 'avatar refused /rtc/v1', 'viewer subscriber connected']));
    expect(older.participant(roomName, 'viewer')?.singlePeerConnection).toBe(false);
    await avatar.close();
    await viewer.close();
  } finally {
    await older.close();
  }
});

test('a full reconnect (server asks with LeaveRequest RECONNECT) joins again and re-subscribes', async () => {
  test.setTimeout(90_000);
  const viewer = await openPage('viewer');
  const avatar = await openPage('avatar');
  await joinAsPublisher(avatar, livekit.url, await token('avatar', { canSubscribe: false }));
  // A late joiner: the tracks are in its first subscriber offer, and it needs a keyframe to start.
  await joinAsSubscriber(viewer, livekit.url, await token('viewer', { canSubscribe: true, canPublish: false }));
  await expect.poll(async () => (await seen(viewer)).width, { timeout: 20_000 }).toBe(320);
  const firstSid = livekit.participant(roomName, 'viewer')!.sid;

  livekit.requestReconnect(roomName, 'viewer');
  await expect
    .poll(async () => (await seen(viewer)).events, { timeout: 30_000 })
    .toEqual(expect.arrayContaining(['Reconnecting', 'Reconnected']));
  const rejoined = livekit.participant(roomName, 'viewer');
  expect(rejoined?.sid).not.toBe(firstSid);
  const events = (await seen(viewer)).events;
  expect(events.filter((e) => e === 'TrackSubscribed:video').length).toBe(2);
  const after = await seen(viewer);
  await expect.poll(async () => (await seen(viewer)).frames, { timeout: 10_000 }).toBeGreaterThan(after.frames + 10);
  await expect.poll(async () => (await seen(viewer)).audioPeak, { timeout: 10_000 }).toBeGreaterThan(0.05);

  await avatar.close();
  await viewer.close();
});

test(
  'a visitor token past its lifetime: the joined visitor reconnects with the token LiveKit refreshed; the copied one is ' + 'refused',
  async () => {
    test.setTimeout(90_000);
    const viewer = await openPage('viewer');
    const avatar = await openPage('avatar');
    await joinAsPublisher(avatar, livekit.url, await token('avatar', { canSubscribe: false }));
    // The token dhkit hands a visitor at admission (subscribe only, short-lived).
    const settings = { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret };
    const copied = await visitorToken(settings, roomName, 'visitor');
    await joinAsSubscriber(viewer, livekit.url, copied);
    await expect.poll(async () => (await seen(viewer)).width, { timeout: 20_000 }).toBe(320);

    await livekit.advanceClock(VISITOR_TOKEN_TTL_SECONDS + 60);
    const validate = await fetch(`${livekit.httpUrl}/rtc/validate?access_token=${encodeURIComponent(copied)}`);
    expect(validate.status).toBe(401);
    expect(await validate.text()).toMatch(/expired/);

    livekit.requestReconnect(roomName, 'visitor');
    await expect
      .poll(async () => (await seen(viewer)).events, { timeout: 30_000 })
      .toEqual(expect.arrayContaining(['Reconnecting', 'Reconnected']));
    expect((await seen(viewer)).events.filter((e) => e === 'TrackSubscribed:video').length).toBe(2);
    const after = await seen(viewer);
    await expect.poll(async () => (await seen(viewer)).frames, { timeout: 10_000 }).toBeGreaterThan(after.frames + 10);

    await avatar.close();
    await viewer.close();
  },
);

test('permissions: data from a participant without canPublishData is dropped; the server can still address it', async () => {
  const viewer = await openPage('viewer');
  const avatar = await openPage('avatar');
  await joinAsSubscriber(avatar, livekit.url, await token('avatar', { canSubscribe: true, canPublish: true }));
  await joinAsSubscriber(viewer, livekit.url, await token('viewer', { canSubscribe: true, canPublish: false, canPublishData: false }));
  await viewer.evaluate(() =>
    (window as any).room.localParticipant.publishData(new TextEncoder().encode('not-allowed'), { reliable: true }),
  );
  await viewer.waitForTimeout(1_000);
  livekit.sendData(roomName, new TextEncoder().encode('to-avatar'), undefined, ['avatar']);
  await expect.poll(async () => (await seen(avatar)).data.map((d) => d.text), { timeout: 5_000 }).toContain('to-avatar');
  expect((await seen(avatar)).data.map((d) => d.text)).not.toContain('not-allowed');
  expect((await seen(viewer)).data.map((d) => d.text)).not.toContain('to-avatar');
  await avatar.close();
  await viewer.close();
});
