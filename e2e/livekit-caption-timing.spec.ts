import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server/dist/index.js';
import type { TextToSpeech } from '../server/dist/adapters/tts/tts.js';
import { CLAUSE_MS, ONSETS_WORKLET, toneSpeech } from '../scripts/voice-timing.mjs';
import { ADMIN_KEY, RENDERER_SECRET, until, useLiveKitRig } from './livekit-rig.js';

/**
 * Media mode `livekit`: captions and speaking events in step with the streamed voice, measured against a known
 * sound (tones of a known length from a tone TTS, their onsets detected where the page plays them out).
 */

const rig = useLiveKitRig();

/** The median of some numbers. */
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// The one timing-sensitive measurement here. Captions follow the voice track's own timeline (the receiver's playout
// position), so load does not move them. What did fail under load (a CI run: seven sound onsets for six clauses) was
// the sound itself: packets that came in a burst after a pause ran the visitor's jitter buffer dry and split a tone in
// two. Clauses now alternate two pitches and the detector counts a clause where the pitch changes
// (scripts/voice-timing.mjs), so a split or shortened silence no longer miscounts them. One quiet fresh-clone run
// showed speakingStart 90 ms before the voice, most likely because the page extrapolated the receiver's last reading
// through a stall as if it played on; a stalled receiver now holds the caption back (TrackPlayoutClock,
// STALLED_AFTER_MS). A stall of seconds
// still breaks the sound itself (at load 24: four onsets heard for six clauses), so one retry stays; a second failure fails.
test.describe('captions against a known sound', () => {
  test.describe.configure({ retries: 1 });
  test('captions and speaking events are in step with the streamed voice (+15/-45 ms, the target in docs/benchmarks.md)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-e2e-lk-tone-'));
    const toned = await startServer({
      port: 0,
      host: '127.0.0.1',
      dataDir,
      adminKey: ADMIN_KEY,
      demo: true,
      logLevel: 'warn',
      tts: toneSpeech() as TextToSpeech,
    });
    const page = await rig.browser.newPage();
    try {
      const patched = await fetch(`${toned.url}/v1/robots/demo`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          media: {
            mode: 'livekit',
            livekit: { url: rig.livekit.url, apiKey: rig.livekit.apiKey, apiSecret: rig.livekit.apiSecret },
            renderer: { url: rig.renderer.url, secret: RENDERER_SECRET },
          },
        }),
      });
      expect(patched.status).toBe(200);
      const onceCode = (
        await (
          await fetch(`${toned.url}/v1/robots/demo/once-codes`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } })
        ).json()
      ).onceCode;
      await page.goto(`${rig.siteUrl}/?server=${encodeURIComponent(toned.url)}`);
      await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
      const measured = await page.evaluate(
        async ({ serverUrl, onceCode, clauses, detector }) => {
          const w = window as any;
          const dh = await w.DHKit.create({
            serverAddress: serverUrl,
            robotId: 'demo',
            onceCode,
            containerId: 'dh',
            config: { enableCaption: true },
          });
          const root = (document.querySelector('#dh digital-human') as any).shadowRoot as ShadowRoot;
          const audio = root.querySelector('audio') as HTMLAudioElement;
          while (!audio.srcObject) await new Promise((resolve) => setTimeout(resolve, 20));
          // When each tone becomes audible: an AudioWorklet on the streamed voice, its frames placed on the
          // page clock at the moment they are played out (getOutputTimestamp).
          const context = new AudioContext();
          await context.audioWorklet.addModule(URL.createObjectURL(new Blob([detector], { type: 'text/javascript' })));
          const node = new AudioWorkletNode(context, 'onsets');
          const sound: Array<{ type: string; t: number }> = [];
          node.port.onmessage = ({ data }) => {
            const stamp = context.getOutputTimestamp();
            sound.push({ type: data.type, t: stamp.performanceTime! + (data.frame / context.sampleRate - stamp.contextTime!) * 1000 });
          };
          context.createMediaStreamSource(audio.srcObject as MediaStream).connect(node);
          await context.resume();
          // When each caption appears: the caption element's own DOM change.
          const captions: Array<{ text: string; t: number }> = [];
          const captionRoot = (root.querySelector('dh-captions') as any).shadowRoot as ShadowRoot;
          new MutationObserver(() => {
            const text = captionRoot.querySelector('[part="clause"]')?.textContent?.trim() ?? '';
            if (text && captions[captions.length - 1]?.text !== text) captions.push({ text, t: performance.now() });
          }).observe(captionRoot, { subtree: true, childList: true, characterData: true });
          const events: Array<{ name: string; t: number }> = [];
          for (const name of ['speakingStart', 'speakingStop']) dh.on(name, () => events.push({ name, t: performance.now() }));
          // Voice the receiver had to make up (packets late): what splits a tone, logged to tell that from a caption fault.
          const concealedMs = async () => {
            let ms = 0;
            (await dh.streamed?.surface?.voice?.receiver?.getStats())?.forEach((stat: any) => {
              if (stat.type === 'inbound-rtp' && stat.kind === 'audio') ms = (stat.concealedSamples - stat.silentConcealedSamples) / 48;
            });
            return ms;
          };
          await new Promise((resolve) => setTimeout(resolve, 1000)); // the receiver settles
          const concealedBefore = await concealedMs();
          dh.sendDrivenText({ text: clauses.join(' ') });
          const deadline = performance.now() + 20_000;
          while (!events.some((e) => e.name === 'speakingStop') && performance.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 50));
          await new Promise((resolve) => setTimeout(resolve, 300));
          const playoutDelayMs = dh.streamed?.surface?.playoutDelayMs;
          const captionTiming = dh.streamed?.captionTiming as { track: number; fallback: number };
          const concealed = Math.round((await concealedMs()) - concealedBefore);
          await dh.destroy();
          await context.close();
          return { sound, captions, events, playoutDelayMs, captionTiming, concealed };
        },
        { serverUrl: toned.url, onceCode, clauses: ['One.', 'Two.', 'Three.', 'Four.', 'Five.', 'Six.'], detector: ONSETS_WORKLET },
      );
      const onsets = measured.sound.filter((s) => s.type === 'on').map((s) => s.t);
      const offsets = measured.captions.map((caption, i) => Math.round(caption.t - onsets[i]));
      const start = measured.events.find((e) => e.name === 'speakingStart')!;
      const stop = measured.events.find((e) => e.name === 'speakingStop')!;
      const heardEnd = onsets[5] + CLAUSE_MS;
      console.log(
        `[livekit] caption − voice per clause, ms: ${offsets.join(', ')}; speakingStart − voice ${Math.round(start.t - onsets[0])} ms; ` +
          `speakingStop − end of voice ${Math.round(stop.t - heardEnd)} ms; playout delay estimate ${measured.playoutDelayMs} ms; ` +
          `reports timed by the track ${measured.captionTiming.track}, by the fallback ${measured.captionTiming.fallback}; ` +
          `voice concealed by the receiver ${measured.concealed} ms; onsets heard ${onsets.length}`,
      );
      expect(measured.captions.map((c) => c.text)).toEqual(['One.', 'Two.', 'Three.', 'Four.', 'Five.', 'Six.']);
      expect(onsets).toHaveLength(6);
      // Every report (six starts, six ends) took effect on the voice track's own timeline, none by the fallback.
      expect(measured.captionTiming).toEqual({ track: 12, fallback: 0 });
      // The target (docs/benchmarks.md): captions within +15/−45 ms of their audio. The median must be inside; each clause may
      // stray by the measurement's own grain (a 10 ms margin: Opus smearing the onset, timer granularity), and
      // one clause in six may stray further (two browsers and a renderer share the test machine's two cores:
      // a late timer or a jitter buffer that jumps between two readings), but never grossly.
      expect(median(offsets)).toBeGreaterThanOrEqual(-45);
      expect(median(offsets)).toBeLessThanOrEqual(15);
      expect(offsets.filter((offset) => offset < -55 || offset > 25).length).toBeLessThanOrEqual(1);
      for (const offset of offsets) expect(Math.abs(offset)).toBeLessThan(150);
      expect(start.t - onsets[0]).toBeGreaterThanOrEqual(-55);
      expect(start.t - onsets[0]).toBeLessThanOrEqual(40);
      // speakingStop: when the last clause (tone and its silence) has been heard, plus a short grace.
      expect(stop.t - heardEnd).toBeGreaterThanOrEqual(-45);
      expect(stop.t - heardEnd).toBeLessThanOrEqual(150);
    } finally {
      await page.close();
      await toned.close();
      rmSync(dataDir, { recursive: true, force: true });
      await until(() => rig.renderer.active.size === 0);
    }
  });
});
