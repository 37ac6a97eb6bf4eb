import type { RTCRtpSender, RTCRtpTransceiver, MediaStreamTrack as WeriftTrack } from 'werift';
import type { TrackInfo } from '@livekit/protocol';
import { forwardable } from './rtc.js';

/** Late joiners and resumed subscribers need a keyframe; asking every second is cheap on loopback. */
const KEYFRAME_INTERVAL_MS = 1_000;
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

/** The publisher's RTP for an announced track arrived: forward it to every subscriber, keyframes asked for on a timer. */
export function forwardPublishedTrack(published: PublishedTrack, track: WeriftTrack, transceiver: RTCRtpTransceiver): void {
  published.source = track;
  published.info.mid = transceiver.mid ?? '';
  track.onReceiveRtp.subscribe((rtp) => {
    if (published.senders.size === 0) return;
    const packet = forwardable(rtp);
    for (const sender of published.senders) sender.sendRtp(packet).catch(() => undefined);
  });
  if (published.kind === 'video') {
    published.requestKeyframe = () => {
      // ICE is enough: werift's connection says "connected" before the sender's DTLS transport does, and the
      // keyframe's trip through the publisher takes longer than that gap.
      const up = (sender: RTCRtpSender) => ['connected', 'completed'].includes(sender.dtlsTransport?.iceTransport?.state);
      const wanted = [...published.senders].some(up);
      if (wanted && track.ssrc !== undefined) transceiver.receiver.sendRtcpPLI(track.ssrc).catch(() => undefined);
    };
    const timer = setInterval(published.requestKeyframe, KEYFRAME_INTERVAL_MS);
    published.stopKeyframes = () => clearInterval(timer);
  }
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
