import {
  RTCPeerConnection,
  type RTCDtlsTransport,
  RtpPacket,
  useAbsSendTime,
  useOPUS,
  useSdesMid,
  useVP8,
  type RTCIceCandidateInit,
} from 'werift';

/** The only address the test server advertises or accepts: everything runs on one machine. */
export const LOOPBACK = '127.0.0.1';

/**
 * A werift peer connection the way the spike found that Chromium accepts it: ICE-lite (the browser is
 * the controlling agent and does all checks), no STUN/TURN, sockets bound to 127.0.0.1. One codec per
 * kind (Opus, VP8) keeps payload types identical on the publishing and the subscribing side, so
 * forwarding is a copy with a new SSRC. `milestone` hears when ICE and then DTLS are connected (bench:livekit's
 * first-frame steps, on the connection that brings the media).
 */
export function createPeerConnection(milestone?: (line: string) => void): RTCPeerConnection {
  const pc = new RTCPeerConnection({
    iceLite: true,
    iceServers: [],
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: LOOPBACK },
    iceAdditionalHostAddresses: [LOOPBACK],
    codecs: { audio: [useOPUS()], video: [useVP8()] },
    headerExtensions: { audio: [useSdesMid()], video: [useSdesMid(), useAbsSendTime()] },
    bundlePolicy: 'max-bundle',
  });
  skipReusedDtlsSequence(pc);
  if (milestone) {
    pc.iceConnectionStateChange.subscribe((state) => state === 'connected' && milestone('ICE connected'));
    pc.connectionStateChange.subscribe((state) => state === 'connected' && milestone('connected')); // DTLS done
  }
  return pc;
}

/** Above any record sequence number a DTLS handshake can have used. */
const FIRST_APPLICATION_SEQUENCE = 4096;

/**
 * werift (0.24 and 0.25) sends its DTLS Finished in epoch 1 numbered on from the handshake's epoch-0
 * counter, then resets the counter to 0; the application record that reaches that number again (about
 * the 8th: one early SCTP packet, typically the second data message) is a replay to Chromium, which drops
 * it. The message then waits for a later SACK or SCTP's 1 s retransmission timer, so a data message
 * arrives up to a second late. Sequence numbers may skip (the receiver only refuses repeats), so start
 * the application records above anything the handshake used, as soon as DTLS is up.
 */
function skipReusedDtlsSequence(pc: RTCPeerConnection): void {
  const seen = new Set<RTCDtlsTransport>();
  const skip = (transport: RTCDtlsTransport) => {
    if (transport.state !== 'connected') return;
    const context = (transport as unknown as { dtls?: { dtls?: { recordSequenceNumber: number } } }).dtls?.dtls;
    if (context && context.recordSequenceNumber < FIRST_APPLICATION_SEQUENCE) context.recordSequenceNumber = FIRST_APPLICATION_SEQUENCE;
  };
  // Transports appear with the descriptions; each is skipped once its own handshake is done.
  const watch = () => {
    for (const transport of pc.dtlsTransports) {
      if (seen.has(transport)) continue;
      seen.add(transport);
      skip(transport);
      transport.onStateChange.subscribe(() => skip(transport));
    }
  };
  pc.signalingStateChange.subscribe(watch);
  pc.connectionStateChange.subscribe(watch);
}

/** Resolves once werift has gathered its host candidates, so the local SDP carries them. */
export async function gathered(pc: RTCPeerConnection, timeoutMs = 5_000): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    const { unSubscribe } = pc.iceGatheringStateChange.subscribe((state) => {
      if (state !== 'complete') return;
      clearTimeout(timer);
      unSubscribe();
      resolve();
    });
  });
}

/**
 * The local SDP with loopback candidates only. werift also lists the machine's other addresses, but its
 * socket is bound to 127.0.0.1, so those candidates could never work and only slow Chromium down.
 */
export function loopbackOnlySdp(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((line) => !line.startsWith('a=candidate:') || line.includes(` ${LOOPBACK} `))
    .join('\r\n');
}

/**
 * The answer with its inactive media sections kept (port 9) instead of rejected (port 0, werift's way). On `/rtc/v1`
 * the client offers receive-only sections that carry nothing yet; rejecting the first one, the BUNDLE group's tag,
 * would make Chromium refuse the whole answer, and a rejected section could not carry a track later.
 */
export function inactiveSectionsKept(sdp: string): string {
  return sdp.replace(/^m=(audio|video) 0 /gm, 'm=$1 9 ');
}

/**
 * werift gives a new transceiver the place (and mid) of any transceiver negotiated `inactive`, whatever its kind:
 * right for its own offers, wrong for an answerer. A section the client offered on `/rtc/v1` that carries nothing yet
 * is such a transceiver, and the next offer's new section (a published track) would take it over, leaving the
 * client's section without a transceiver ("Transceiver with mid=0 not found"). Marking them used keeps them.
 */
export function keepInactiveSections(pc: RTCPeerConnection): void {
  for (const transceiver of pc.getTransceivers()) transceiver.usedForSender = true;
}

/**
 * A renegotiation offer with the ICE credentials of the description before it. livekit-client restarts ICE on its
 * single connection after a signal resume; werift, answering a restart, starts its ICE agent over and sends nothing
 * until a new pair is nominated, which in our runs never came: the forwarded media stopped (receiving goes on, which
 * is why the classic path, where werift only receives on the client's offering connection, never showed it). The
 * double keeps its agent and its pair instead: on one machine nothing about the path has changed. Chromium's checks with its
 * new credentials still succeed, since werift, ICE-lite, checks only its own (unchanged) credentials.
 */
export function sameIceCredentials(offerSdp: string, previousSdp: string | undefined): string {
  const ufrag = previousSdp && /^a=ice-ufrag:(\S+)/m.exec(previousSdp)?.[1];
  const pwd = previousSdp && /^a=ice-pwd:(\S+)/m.exec(previousSdp)?.[1];
  if (!ufrag || !pwd) return offerSdp;
  return offerSdp.replace(/^a=ice-ufrag:\S+/gm, `a=ice-ufrag:${ufrag}`).replace(/^a=ice-pwd:\S+/gm, `a=ice-pwd:${pwd}`);
}

/**
 * Parses a trickled browser candidate; returns undefined for what the test server cannot use: mDNS
 * names (`*.local`), other interfaces, TCP, and the end-of-candidates marker.
 */
export function usableRemoteCandidate(candidateInit: string): RTCIceCandidateInit | undefined {
  let init: RTCIceCandidateInit;
  try {
    init = JSON.parse(candidateInit) as RTCIceCandidateInit;
  } catch {
    return undefined;
  }
  const fields = (init.candidate ?? '').replace(/^candidate:/, '').split(' ');
  // foundation component transport priority address port typ type …
  if (fields.length < 8 || fields[2]?.toLowerCase() !== 'udp' || fields[4] !== LOOPBACK) return undefined;
  return init;
}

/** `mid → track id` from the `a=mid` / `a=msid` lines of an SDP (livekit-client's track id is the cid). */
export function midToMsidTrack(sdp: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const section of sdp.split(/\r\nm=/).slice(1)) {
    const mid = /\r\na=mid:(\S+)/.exec(section)?.[1];
    const track = /\r\na=msid:\S+ (\S+)/.exec(section)?.[1];
    if (mid && track) map.set(mid, track);
  }
  return map;
}

/**
 * A received packet made ready to forward: a private copy (werift's sender rewrites the header in
 * place) without the publisher's header extensions, whose ids mean something else on the subscriber's
 * connection (a stale `mid` extension would make Chromium drop the packet). The sender adds its own.
 */
export function forwardable(rtp: RtpPacket): Buffer {
  const copy = RtpPacket.deSerialize(rtp.serialize());
  copy.header.extension = false;
  copy.header.extensions = [];
  copy.header.extensionProfile = 0xbede;
  return copy.serialize();
}
