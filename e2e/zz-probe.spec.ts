import { chromium, expect, test, type Browser } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../playwright.config.js';
import { startServer } from '../server/dist/index.js';
import { startRenderer } from '../server/dist/renderer/reference-renderer.js';
import { startLiveKitTestServer } from '../test/livekit-server/index.js';

const RATE = 24000;
function clausePcm(): Uint8Array {
  const samples = new Int16Array(Math.round(0.7 * RATE));
  for (let i = 0; i < 0.35 * RATE; i++) { const t = i / RATE; samples[i] = Math.round(0.3 * Math.sin(2 * Math.PI * 220 * t) * 32767); }
  return new Uint8Array(samples.buffer);
}
test.setTimeout(120000);
test('probe', async () => {
  const livekit = await startLiveKitTestServer();
  const t0 = Date.now();
  const renderer = await startRenderer({ port: 0, capacity: 1, sdkDir: 'packages/sdk/dist', chromiumPath: CHROMIUM_PATH, chromiumArgs: CHROMIUM_ARGS, log: (l) => console.log(`[r +${Date.now() - t0}] ${l}`) });
  const pcm = clausePcm();
  const tts = { sampleRate: RATE, async *synthesize() { for (let i = 0; i < pcm.length; i += 4800) yield pcm.subarray(i, Math.min(pcm.length, i + 4800)); }, async close() {} };
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'p-')), adminKey: 'k0123456789012345678', demo: true, logLevel: 'warn', tts: tts as any });
  const admin = async (method: string, path: string, body?: unknown) => (await fetch(server.url + path, { method, headers: { authorization: 'Bearer k0123456789012345678', 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) })).json();
  await admin('PATCH', '/v1/robots/demo', { media: { mode: 'livekit', livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret }, renderer: { url: renderer.url } } });
  const site = createServer((_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><div id="dh" style="width:360px;height:540px"></div><script src="${server.url}/sdk/dhkit.umd.js"></script>`));
  await new Promise<void>((res) => site.listen(0, '127.0.0.1', res));
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'], headless: true });
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || m.text().startsWith('P:')) console.log(m.text().slice(0, 200)); });
  await page.addInitScript(() => { const O = window.RTCPeerConnection; (window as any).RTCPeerConnection = function (...a: any[]) { const pc = new (O as any)(...a); pc.addEventListener('datachannel', (e: any) => e.channel.addEventListener('message', (m: any) => console.log('P:DCMSG ' + (Date.now() % 100000) + ' ' + e.channel.label + ' ' + (m.data.byteLength ?? m.data.size)))); return pc; }; (window as any).RTCPeerConnection.prototype = O.prototype; });
  await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
  for (let round = 0; round < 2; round++) {
  const { onceCode } = await admin('POST', '/v1/robots/demo/once-codes');
  const result = await page.evaluate(async ({ serverUrl, onceCode }) => {
    const w = window as any;
    const events: any[] = [];
    const started = performance.now();
    const dh = await w.DHKit.create({ serverAddress: serverUrl, robotId: 'demo', onceCode, containerId: 'dh', config: { enableCaption: true } });
    const createMs = performance.now() - started;
    const res = performance.getEntriesByType('resource').filter((e: any) => e.startTime >= started).map((e: any) => `${e.name.replace(/^.*\/\/[^/]+/, '').slice(0, 40)} ${Math.round(e.startTime - started)}-${Math.round(e.responseEnd - started)}`);
    console.log('P:res ' + res.join(' | '));
    for (const name of ['speakingStart', 'speakingStop']) dh.on(name, (p: any) => events.push({ name, t: performance.now() }));
    const root = (document.querySelector('#dh digital-human') as any).shadowRoot;
    const audio = root.querySelector('audio') as HTMLAudioElement;
    while (!audio.srcObject) await new Promise((r) => setTimeout(r, 20));
    const context = new AudioContext();
    const code = `class O extends AudioWorkletProcessor{constructor(){super();this.s=1e9;this.on=false}process(i){const c=i[0][0];if(!c)return true;for(let k=0;k<c.length;k++){const a=Math.abs(c[k]);if(a>0.05){if(!this.on){this.port.postMessage({type:'on',frame:currentFrame+k});this.on=true}this.s=0}else if(this.on&&++this.s>sampleRate*0.1){this.port.postMessage({type:'off',frame:currentFrame+k-this.s});this.on=false}}return true}}registerProcessor('onset',O)`;
    await context.audioWorklet.addModule(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })));
    const node = new AudioWorkletNode(context, 'onset');
    const onsets: any[] = [];
    node.port.onmessage = (e) => { const ts = context.getOutputTimestamp(); onsets.push({ type: e.data.type, t: ts.performanceTime! + (e.data.frame / context.sampleRate - ts.contextTime!) * 1000 }); };
    context.createMediaStreamSource(audio.srcObject as MediaStream).connect(node);
    await context.resume();
    // caption change observer
    const captions: any[] = [];
    const cap = root.querySelector('dh-captions');
    const poll = () => { const c = cap?.clause ?? ''; if (c && captions[captions.length - 1]?.c !== c) captions.push({ c, t: performance.now() }); requestAnimationFrame(poll); };
    poll();
    const raw: any[] = []; dh.streamed.surface.room.on('dataReceived', (payload: Uint8Array) => raw.push([JSON.parse(new TextDecoder().decode(payload)), performance.now()]));
    const receiver = [...dh.streamed.surface.room.remoteParticipants.values()].flatMap((p: any) => [...p.trackPublications.values()]).find((pub: any) => pub.kind === 'audio').track.receiver;
    const est: any[] = []; let last: any = null;
    const pollStats = async () => { const r = await receiver.getStats(); let inb: any, play: any; r.forEach((s: any) => { if (s.type === 'inbound-rtp') inb = s; if (s.type === 'media-playout') play = s; });
      if (last && inb.jitterBufferEmittedCount > last.e) est.push({ t: performance.now(), jb: 1000 * (inb.jitterBufferDelay - last.d) / (inb.jitterBufferEmittedCount - last.e), tgt: 1000 * (inb.jitterBufferTargetDelay - last.td) / (inb.jitterBufferEmittedCount - last.e), play: play ? 1000 * play.totalPlayoutDelay / play.totalSamplesCount : null });
      last = { d: inb.jitterBufferDelay, e: inb.jitterBufferEmittedCount, td: inb.jitterBufferTargetDelay }; };
    const statsTimer = setInterval(pollStats, 100);
    await new Promise((r) => setTimeout(r, 1000));
    dh.sendDrivenText({ text: 'One. Two. Three. Four. Five. Six.' });
    await new Promise((r) => setTimeout(r, 6000));
    const sdkDelay = dh.streamed.surface.playoutDelayMs; clearInterval(statsTimer); const room = dh.streamed.surface.room;
    const stats: any[] = [];
    for (const p of room.remoteParticipants.values()) for (const pub of p.trackPublications.values()) {
      const report = await pub.track?.receiver?.getStats();
      report?.forEach((s: any) => { if (s.type === 'inbound-rtp') stats.push({ kind: s.kind, jbd: s.jitterBufferDelay, emitted: s.jitterBufferEmittedCount, target: s.jitterBufferTargetDelay, min: s.jitterBufferMinimumDelay, totalPlayout: s.totalPlayoutDelay, playoutSamples: s.totalSamplesCount }); });
    }
    await dh.destroy();
    await context.close();
    return { sdkDelay, origin: performance.timeOrigin, est, raw, createMs, events, onsets, captions, outLat: context.outputLatency, baseLat: context.baseLatency, stats };
  }, { serverUrl: server.url, onceCode });
  const ons = result.onsets.filter((o: any) => o.type === 'on').map((o: any) => o.t);
  const offs = result.onsets.filter((o: any) => o.type === 'off').map((o: any) => o.t);
  console.log('createMs', Math.round(result.createMs), 'lat', result.outLat, result.baseLat);
  console.log('captions', JSON.stringify(result.captions.map((c:any)=>[c.c, Math.round(c.t-ons[0])])), 'ons', JSON.stringify(ons.map((o:number)=>Math.round(o-ons[0]))), 'offs', JSON.stringify(offs.map((o:number)=>Math.round(o-ons[0])))); console.log(JSON.stringify(result.raw.map((r:any)=>[r[0].type, r[0].clauseId, r[0].text, Math.round(r[1]-ons[0])]))); console.log('est at captions', result.captions.map((c: any) => { const e = [...result.est].reverse().find((x: any) => x.t <= c.t); return e ? `${Math.round(e.jb)}/${Math.round(e.tgt)}/${e.play?.toFixed(1)}` : '-'; }).join(' ')); console.log('sdkDelay', result.sdkDelay); console.log('ZZ', ons.map((o: number) => Math.round((o + result.origin) % 100000)).join(' '), 'abs captions', result.captions.map((c: any) => Math.round((c.t + result.origin) % 100000)).join(' ')); console.log('caption - onset:', result.captions.map((c: any, i: number) => Math.round(c.t - ons[i])).join(', '));
  const start = result.events.find((e: any) => e.name === 'speakingStart'); const stop = result.events.find((e: any) => e.name === 'speakingStop');
  console.log('speakingStart - first onset', Math.round(start.t - ons[0]), 'speakingStop - last off', Math.round(stop.t - offs[offs.length - 1]), 'n', ons.length, offs.length, result.captions.length);
  console.log(JSON.stringify(result.stats));
  }
  await browser.close(); await server.close(); await renderer.close(); await livekit.close(); site.close();
});
