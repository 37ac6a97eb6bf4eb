import type { RTCDtlsTransport, RTCRtpSender, RTCRtpTransceiver, MediaStreamTrack as WeriftTrack } from 'werift';
import type { TrackInfo } from '@livekit/protocol';
import { forwardable } from './rtc.js';

/** The most packets held for one subscriber whose DTLS is not up yet (a keyframe is a few dozen). */
const HELD_PACKETS_MAX = 512;
/** RTCP payload-specific feedback (RFC 4585) and its keyframe requests: picture loss, full intra request. */
const PSFB = 206;
const PLI_FMT = 1;
const FIR_FMT = 4;

/** A track a participant announced (AddTrackRequest) and, once its RTP arrives, forwards. */
export interface PublishedTrack {
  info: TrackInfo;
  cid: string;
  kind: 'audio' | 'video';
  source?: WeriftTrack;
  senders: Set<RTCRtpSender>;
  stopKeyframes?: () => void;
  /**
   * Asks the publisher for a keyframe, only once a subscriber's connection is up to carry it, as an SFU asks (a
   * keyframe sent before is lost anyway). A publisher may read a request as someone now seeing its stream: the
   * reference renderer goes to full rate then.
   */
  requestKeyframe?: () => void;
}

/**
 * The publisher's RTP for an announced track arrived: forward it to every subscriber, video from a keyframe on (as
 * LiveKit's forwarder starts a subscriber's video), and keyframes asked for every `keyframeIntervalMs` (late joiners
 * and resumed subscribers need one; cheap on loopback; 0: only as subscribers connect and ask).
 */
export function forwardPublishedTrack(
  published: PublishedTrack,
  track: WeriftTrack,
  transceiver: RTCRtpTransceiver,
  keyframeIntervalMs: number,
): void {
  published.source = track;
  published.info.mid = transceiver.mid ?? '';
  const started = new WeakSet<RTCRtpSender>();
  track.onReceiveRtp.subscribe((rtp) => {
    if (published.senders.size === 0) return;
    const packet = forwardable(rtp);
    const keyframe = published.kind === 'video' && startsVp8Keyframe(rtp.payload);
    for (const sender of published.senders) {
      if (published.kind === 'video' && !started.has(sender)) {
        if (!keyframe) continue; // a decoder can start from nothing else
        started.add(sender);
      }
      sendOnceUp(sender, packet);
    }
  });
  if (published.kind === 'video') {
    published.requestKeyframe = () => {
      // ICE is enough: the keyframe comes back from the publisher about when DTLS is up, and is held until then
      // (sendOnceUp). werift's connection also says "connected" a moment before the sender's DTLS transport does.
      const up = (sender: RTCRtpSender) => ['connected', 'completed'].includes(sender.dtlsTransport?.iceTransport?.state);
      const wanted = [...published.senders].some(up);
      if (wanted && track.ssrc !== undefined) transceiver.receiver.sendRtcpPLI(track.ssrc).catch(() => undefined);
    };
    if (keyframeIntervalMs > 0) {
      const timer = setInterval(published.requestKeyframe, keyframeIntervalMs);
      published.stopKeyframes = () => clearInterval(timer);
    }
  }
}

/**
 * Whether a VP8 RTP payload begins a keyframe (RFC 7741): the start of partition 0, and the P bit of the VP8 header
 * after the payload descriptor (with its optional picture id, TL0PICIDX and TID/KEYIDX bytes) clear.
 */
function startsVp8Keyframe(payload: Buffer): boolean {
  if (payload.length < 2 || (payload[0] & 0x10) === 0 || (payload[0] & 0x07) !== 0) return false;
  let offset = 1;
  if (payload[0] & 0x80) {
    const extension = payload[1];
    offset = 2;
    if (extension & 0x80) offset += payload[offset] & 0x80 ? 2 : 1;
    if (extension & 0x40) offset += 1;
    if (extension & 0x30) offset += 1;
  }
  return offset < payload.length && (payload[offset] & 0x01) === 0;
}

/** Packets held for a subscriber, and the DTLS transport they wait for (werift may give the sender another). */
const held = new WeakMap<RTCRtpSender, { transport: RTCDtlsTransport; packets: Buffer[] }>();

/**
 * Sends a packet to a subscriber, or holds it until the subscriber's DTLS is up, as pion (LiveKit's WebRTC stack)
 * does: its write waits for SRTP to be ready. werift would drop it, and the keyframe asked for as the subscriber's ICE
 * connects (requestKeyframe) comes back from the publisher about then, before the DTLS handshake has ended.
 */
export function sendOnceUp(sender: RTCRtpSender, packet: Buffer): void {
  const transport = sender.dtlsTransport;
  if (!transport || transport.state === 'connected') return void sender.sendRtp(packet).catch(() => undefined);
  if (transport.state === 'closed' || transport.state === 'failed') return;
  let waiting = held.get(sender);
  if (waiting?.transport !== transport) {
    const entry = { transport, packets: [] as Buffer[] };
    waiting = entry;
    held.set(sender, entry);
    const { unSubscribe } = transport.onStateChange.subscribe((state) => {
      if (state !== 'connected' && state !== 'closed' && state !== 'failed') return;
      unSubscribe();
      if (held.get(sender) === entry) held.delete(sender);
      if (state === 'connected' && sender.dtlsTransport === transport) {
        for (const each of entry.packets) sender.sendRtp(each).catch(() => undefined);
      }
    });
  }
  if (waiting.packets.length < HELD_PACKETS_MAX) waiting.packets.push(packet);
}

/**
 * Forwards a subscriber's own keyframe requests (PLI, FIR; not REMB, which shares the RTCP type), as an SFU
 * does: a subscriber whose first keyframe was lost before its connection was up asks within 200 ms instead of
 * waiting for the periodic request.
 */
export function forwardKeyframeRequests(sender: RTCRtpSender, track: PublishedTrack): void {
  sender.onRtcp.subscribe((rtcp) => {
    if (rtcp.type === PSFB && (rtcp.feedback.count === PLI_FMT || rtcp.feedback.count === FIR_FMT)) track.requestKeyframe?.();
  });
}
