import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import { forwardKeyframeRequests, type PublishedTrack } from './published-track.js';

type Kind = PublishedTrack['kind'];

/**
 * Subscribed tracks in the single peer connection mode (`/rtc/v1`): there is no subscriber connection; the client's
 * publisher offer carries receive-only media sections (livekit-client 2.23 offers 3 audio and 3 video at join), and
 * the server sends each forwarded track on one of them, named in its answer (`a=msid:PA_…|TR_… TR_…` and
 * `midToTrackId`). Only the client offers on that connection, so a track that needs a section is bound at the next
 * offer: a `MediaSectionsRequirement` asks the client for one (more sections when all are taken, or none when a
 * free one only needs the renegotiation that names it).
 */
export class MediaSections {
  /** Subscribed, not on a section yet: track → its stream id `PA_xxx|TR_xxx`. */
  private readonly waiting = new Map<PublishedTrack, string>();
  private readonly bound = new Map<RTCRtpTransceiver, PublishedTrack>();

  add(publisherSid: string, track: PublishedTrack): void {
    if (this.has(track)) return;
    this.waiting.set(track, `${publisherSid}|${track.info.sid}`);
  }

  remove(track: PublishedTrack): void {
    this.waiting.delete(track);
    for (const [transceiver, bound] of this.bound) {
      if (bound !== track) continue;
      track.senders.delete(transceiver.sender);
      this.bound.delete(transceiver);
      transceiver.setDirection('recvonly'); // answered `inactive` from the next offer on; free for another track
    }
  }

  has(track: PublishedTrack): boolean {
    return this.waiting.has(track) || [...this.bound.values()].includes(track);
  }

  /** The tracks on sections now. */
  tracks(): PublishedTrack[] {
    return [...this.bound.values()];
  }

  get hasWaiting(): boolean {
    return this.waiting.size > 0;
  }

  /**
   * With the client's offer set as the remote description, before the answer: puts waiting tracks on free sections
   * of their kind (sending from then on). Returns the tracks bound now, which need a keyframe once answered.
   */
  bind(pc: RTCPeerConnection): PublishedTrack[] {
    const now: PublishedTrack[] = [];
    for (const [track, streamId] of this.waiting) {
      const transceiver = this.free(pc, track.kind)[0];
      if (!transceiver) continue;
      transceiver.setDirection('sendonly');
      transceiver.sender.streamId = streamId; // livekit-client finds the participant and the track from it
      (transceiver.sender as { trackId: string }).trackId = track.info.sid; // werift: writable, typed readonly
      this.bound.set(transceiver, track);
      this.waiting.delete(track);
      track.senders.add(transceiver.sender);
      forwardKeyframeRequests(transceiver.sender, track);
      now.push(track);
    }
    return now;
  }

  /** What the answer's `midToTrackId` says: which section carries which track. */
  midToTrackId(): Record<string, string> {
    const map: Record<string, string> = {};
    for (const [transceiver, track] of this.bound) if (transceiver.mid) map[transceiver.mid] = track.info.sid;
    return map;
  }

  /** How many more sections of each kind the waiting tracks need beyond the free ones (the requirement to send). */
  missing(pc: RTCPeerConnection | undefined): { numAudios: number; numVideos: number } {
    const need = (kind: Kind) => {
      const waiting = [...this.waiting.keys()].filter((track) => track.kind === kind).length;
      return Math.max(0, waiting - (pc ? this.free(pc, kind).length : 0));
    };
    return { numAudios: need('audio'), numVideos: need('video') };
  }

  /** The client's receive-only sections of a kind that carry nothing yet. */
  private free(pc: RTCPeerConnection, kind: Kind): RTCRtpTransceiver[] {
    return pc
      .getTransceivers()
      .filter((t) => t.kind === kind && t.mid && !this.bound.has(t) && ['sendonly', 'sendrecv'].includes(t.offerDirection ?? ''));
  }
}
