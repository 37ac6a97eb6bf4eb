import {
  ClientConfiguration,
  DataPacket,
  DataPacket_Kind,
  UserPacket,
  JoinResponse,
  DisconnectReason,
  ParticipantUpdate,
  Room as RoomInfo,
  type SessionDescription,
} from '@livekit/protocol';
import type { WebSocket } from 'ws';
import type { Admission } from './auth.js';
import { Participant } from './participant.js';
import type { PublishedTrack } from './published-track.js';
import { newId, nowSeconds, PING_INTERVAL_S, PING_TIMEOUT_S, SERVER_VERSION, serverInfo, type Log } from './server-info.js';

/** One LiveKit room: participants, with two peer connections each (`/rtc`) or one (`/rtc/v1`). */
export class Room {
  readonly sid = newId('RM');
  readonly participants = new Map<string, Participant>();
  private readonly createdAt = nowSeconds();

  constructor(
    readonly name: string,
    private readonly log: Log,
    /** How often its publishers are asked for a keyframe on a timer (0: never); LiveKitTestServerOptions. */
    readonly keyframeIntervalMs: number,
  ) {}

  info(): RoomInfo {
    return new RoomInfo({
      sid: this.sid,
      name: this.name,
      creationTime: this.createdAt,
      numParticipants: this.participants.size,
      emptyTimeout: 300,
    });
  }

  /**
   * A fresh join. A second join with the same identity replaces the first, as in LiveKit. `singlePeerConnection`: the
   * join came on `/rtc/v1`, with the client's first publisher `offer` in it (none from a browser that defers it).
   */
  async join(
    admission: Admission,
    ws: WebSocket,
    autoSubscribe: boolean,
    singlePeerConnection = false,
    offer?: SessionDescription,
  ): Promise<Participant> {
    const previous = [...this.participants.values()].find((p) => p.identity === admission.identity);
    if (previous) this.remove(previous, DisconnectReason.DUPLICATE_IDENTITY);
    const participant = new Participant(this, admission, autoSubscribe, this.log, singlePeerConnection);
    this.participants.set(participant.sid, participant);
    participant.attach(ws);
    participant.send({
      case: 'join',
      value: new JoinResponse({
        room: this.info(),
        participant: participant.info(),
        otherParticipants: this.others(participant).map((p) => p.info()),
        serverVersion: SERVER_VERSION,
        serverInfo: serverInfo('ND_livekit_test_server'),
        iceServers: [],
        // As livekit-server decides: the subscriber connection is the primary one only for a participant that may
        // subscribe. A publish-only participant (the renderer) connects its publisher connection at once and
        // publishes on it, instead of first waiting for a subscriber connection that carries nothing for it. There is
        // no subscriber connection on /rtc/v1.
        subscriberPrimary: participant.canSubscribe && !singlePeerConnection,
        clientConfiguration: new ClientConfiguration(),
        pingInterval: PING_INTERVAL_S,
        pingTimeout: PING_TIMEOUT_S,
      }),
    });
    this.broadcastUpdate(participant);
    if (participant.canSubscribe && autoSubscribe) {
      for (const other of this.others(participant)) for (const track of other.liveTracks()) participant.subscribe(other, track);
    }
    // /rtc/v1: the answer to the join's offer carries the tracks already published, on the offer's own sections.
    if (offer) await participant.onPublisherOffer(offer);
    // /rtc: the subscriber connection is offered at once (data channels, and the tracks already published): with
    // subscriberPrimary the client's connect() waits for it. A publish-only participant gets none.
    if (participant.canSubscribe) await participant.negotiateSubscriber();
    return participant;
  }

  others(participant: Participant): Participant[] {
    return [...this.participants.values()].filter((p) => p !== participant);
  }

  /** Tells everybody else about a participant's new state (joined, published, left). */
  broadcastUpdate(participant: Participant): void {
    const update = new ParticipantUpdate({ participants: [participant.info()] });
    for (const other of this.others(participant)) other.send({ case: 'update', value: update });
  }

  /** A publisher's track got its first RTP: announce it and subscribe everybody who auto-subscribes. */
  trackLive(publisher: Participant, track: PublishedTrack): void {
    this.broadcastUpdate(publisher);
    for (const other of this.others(publisher)) {
      if (!other.canSubscribe || !other.autoSubscribe) continue;
      other.subscribe(publisher, track);
      void other.negotiateSubscriber();
    }
  }

  /** Relays a data packet from one participant, stamped with its sender, to the addressed others. */
  relayData(from: Participant, bytes: Uint8Array, label: string): void {
    if (!from.canPublishData) return;
    let packet: DataPacket;
    try {
      packet = DataPacket.fromBinary(bytes);
    } catch {
      return this.log(`undecodable data packet from ${from.identity}`);
    }
    packet.participantIdentity = from.identity;
    packet.participantSid = from.sid;
    if (packet.value.case === 'user') {
      packet.value.value.participantIdentity = from.identity;
      packet.value.value.participantSid = from.sid;
    }
    const to = packet.destinationIdentities;
    packet.destinationIdentities = [];
    const out = packet.toBinary();
    for (const other of this.others(from)) {
      if (to.length === 0 || to.includes(other.identity)) other.sendData(out, label);
    }
  }

  /** Server-originated data (what a LiveKit agent or the server API would send). */
  sendData(payload: Uint8Array, topic?: string, destinationIdentities: string[] = []): void {
    const packet = new DataPacket({
      kind: DataPacket_Kind.RELIABLE,
      value: { case: 'user', value: new UserPacket({ payload, topic }) },
    });
    const out = packet.toBinary();
    for (const participant of this.participants.values()) {
      if (destinationIdentities.length === 0 || destinationIdentities.includes(participant.identity))
        participant.sendData(out, '_reliable');
    }
  }

  remove(participant: Participant, reason: DisconnectReason = DisconnectReason.CLIENT_INITIATED): void {
    if (!this.participants.delete(participant.sid)) return;
    participant.close(reason);
    for (const track of participant.tracks.values()) {
      track.stopKeyframes?.();
      for (const other of this.participants.values()) other.unsubscribe(track);
    }
    this.broadcastUpdate(participant);
    this.log(`${participant.identity} left ${this.name}`);
  }
}
