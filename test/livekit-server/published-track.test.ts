/**
 * The test double forwards as LiveKit does on the one point that decides a late subscriber's first picture: what it
 * forwards before the subscriber's DTLS is up is held and sent once it is, not dropped (werift's own sender drops it,
 * and the keyframe asked for as the subscriber's ICE connects comes back about then). Two real werift connections on
 * loopback: the double's side, and a subscriber that answers it.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { RTCPeerConnection, RtpHeader, RtpPacket, useVP8 } from 'werift';
import { sendOnceUp } from './published-track.js';
import { createPeerConnection, LOOPBACK, loopbackOnlySdp } from './rtc.js';

const connections: RTCPeerConnection[] = [];
afterEach(async () => {
  await Promise.all(connections.splice(0).map((pc) => pc.close()));
});

/** A VP8 RTP packet numbered `sequenceNumber`. */
function packet(sequenceNumber: number): Buffer {
  const header = new RtpHeader({ payloadType: 96, sequenceNumber, timestamp: sequenceNumber * 3000, ssrc: 1234, marker: true });
  return new RtpPacket(header, Buffer.from([0x10, 0x00, 0x9d, 0x01, 0x2a])).serialize();
}

it('holds what it forwards to a subscriber until the subscriber’s DTLS is up, then sends it in order', async () => {
  const double = createPeerConnection();
  const subscriber = new RTCPeerConnection({
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: LOOPBACK },
    iceAdditionalHostAddresses: [LOOPBACK],
    codecs: { video: [useVP8()] },
  });
  connections.push(double, subscriber);
  const { sender } = double.addTransceiver('video', { direction: 'sendonly' });
  const received: number[] = [];
  subscriber.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => received.push(rtp.header.sequenceNumber)));

  await double.setLocalDescription(await double.createOffer());
  await subscriber.setRemoteDescription({ type: 'offer', sdp: loopbackOnlySdp(double.localDescription!.sdp) });
  await subscriber.setLocalDescription(await subscriber.createAnswer());
  await double.setRemoteDescription({ type: 'answer', sdp: loopbackOnlySdp(subscriber.localDescription!.sdp) });

  // Forwarded while the handshake is still to come: werift's sender alone would drop all three.
  expect(sender.dtlsTransport.state).not.toBe('connected');
  for (const sequenceNumber of [100, 101, 102]) sendOnceUp(sender, packet(sequenceNumber));
  await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(3), { timeout: 10_000 });
  // The sender renumbers from an offset of its own: consecutive, in the order forwarded.
  expect(received.slice(1).map((n, i) => (n - received[i] + 0x10000) % 0x10000)).toEqual([1, 1]);

  // Once up, a packet goes straight through.
  sendOnceUp(sender, packet(103));
  await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(4), { timeout: 10_000 });
  expect(received).toHaveLength(4);
});
