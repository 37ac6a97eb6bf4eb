import { expect, type Page, test } from '@playwright/test';
import { admin, openVisitor, useLiveKitRig } from './livekit-rig.js';
import { startTurnServer, turnserverPath, type TurnServer } from './turn-server.js';

/**
 * Behind a firewall that lets nothing but TCP through: the visitor's Chromium may only use relayed candidates
 * (`iceTransportPolicy: 'relay'`), and reaches the LiveKit server through a real coturn over TCP — or over TLS
 * (`turns:`, what TURN on 443 is) — given as the robot's ICE server (docs/livekit.md, "Firewalls"). The
 * streamed avatar's video and voice must arrive that way. coturn's certificate is self-signed, made by the test;
 * the browser trusts exactly that key (`--ignore-certificate-errors-spki-list`), as it would a CA-issued one.
 * The rest is the LiveKit rig (e2e/livekit-rig.ts): our server, the reference renderer, the LiveKit test server.
 */

const TURNSERVER = turnserverPath();

let turn: TurnServer;

test.skip(!TURNSERVER, 'coturn is not installed (no `turnserver` on PATH): apt-get install coturn');

// Declared before the rig, so coturn runs (and its certificate's key is known) when the rig launches the browser.
test.beforeAll(async () => {
  turn = await startTurnServer(TURNSERVER!);
});
test.afterAll(async () => {
  await turn?.close();
});

const rig = useLiveKitRig({ browserArgs: () => [`--ignore-certificate-errors-spki-list=${turn.spkiHash}`] });

for (const transport of ['tcp', 'tls'] as const) {
  test(`relay only: video and voice reach the visitor through coturn over ${transport.toUpperCase()}`, async () => {
    await relayOnly(transport);
  });
}

async function relayOnly(transport: 'tcp' | 'tls'): Promise<void> {
  // The robot names one TURN server: coturn's TCP listener, or its TLS one.
  const media = (await admin('GET', '/v1/robots/demo')).json.media;
  const iceServer = transport === 'tls' ? turn.tlsIceServer : turn.iceServer;
  expect((await admin('PATCH', '/v1/robots/demo', { media: { ...media, iceServers: [iceServer] } })).status).toBe(200);
  // The firewall: every peer connection of the page may use relayed candidates only, also after livekit-client
  // reconfigures it (on /rtc/v1 it makes its connection before the join and sets the server's ICE servers after).
  const firewall = (page: Page) =>
    page.addInitScript(() => {
      const Native = window.RTCPeerConnection;
      const w = window as any;
      w.__pcs = [];
      window.RTCPeerConnection = class extends Native {
        constructor(config?: RTCConfiguration) {
          super({ ...config, iceTransportPolicy: 'relay' });
          w.__pcs.push(this);
        }
        override setConfiguration(config?: RTCConfiguration) {
          super.setConfiguration({ ...config, iceTransportPolicy: 'relay' });
        }
      } as typeof RTCPeerConnection;
    });
  const { page } = await openVisitor({ beforeLoad: firewall });
  try {
    // The picture arrives.
    await page.waitForFunction(() => (window as any).__lk.frames > 10, null, { timeout: 30_000 });
    // The voice arrives: a driven answer is heard.
    const { chatId } = await page.evaluate(() => (window as any).dh.sendDrivenText({ text: 'Hello through the relay.' }));
    expect(chatId).toBeTruthy();
    await page.waitForFunction(() => (window as any).__lk.loudest > 0.05, null, { timeout: 30_000 });

    // Every connected peer connection went through coturn: its chosen pair's local candidate is relayed, over TCP or TLS.
    const pairs = await page.evaluate(async () => {
      const found: Array<{ type: string; relayProtocol?: string; bytesReceived: number }> = [];
      for (const pc of (window as any).__pcs as RTCPeerConnection[]) {
        if (pc.connectionState !== 'connected') continue;
        const stats = [...(await pc.getStats()).values()];
        const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
        const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
        const local = stats.find((s) => s.id === pair?.localCandidateId);
        found.push({ type: local?.candidateType, relayProtocol: local?.relayProtocol, bytesReceived: pair?.bytesReceived ?? 0 });
      }
      return found;
    });
    expect(pairs.length).toBeGreaterThan(0);
    for (const pair of pairs) expect(pair).toMatchObject({ type: 'relay', relayProtocol: transport });
    expect(Math.max(...pairs.map((p) => p.bytesReceived))).toBeGreaterThan(10_000);
    // coturn's own account: it allocated relays for this visitor.
    expect(turn.log()).toMatch(/ALLOCATE.*success|allocation/i);
    await page.evaluate(() => (window as any).dh.destroy());
  } finally {
    await page.close();
    // The renderer's one slot is free again before the next visitor.
    const deadline = Date.now() + 15_000;
    while (rig.renderer.active.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
