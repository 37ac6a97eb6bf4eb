import {
  ClientConfiguration,
  LeaveRequest,
  LeaveRequest_Action,
  DisconnectReason,
  ParticipantInfo,
  ParticipantInfo_State,
  ParticipantPermission,
  ParticipantUpdate,
  Pong,
  ReconnectResponse,
  SessionDescription,
  SignalRequest,
  SignalResponse,
  SignalTarget,
  TrackInfo,
  TrackPublishedResponse,
  TrackSource,
  TrackType,
  protoInt64,
  MediaSectionsRequirement,
  type AddTrackRequest,
} from '@livekit/protocol';
import type { RTCDataChannel, RTCPeerConnection, RTCRtpSender } from 'werift';
import type { WebSocket } from 'ws';
import type { Admission } from './auth.js';
import { forwardKeyframeRequests, forwardPublishedTrack, type PublishedTrack } from './published-track.js';
import type { Room } from './room.js';
import { MediaSections } from './media-sections.js';
import {
  createPeerConnection,
  gathered,
  inactiveSectionsKept,
  keepInactiveSections,
  sameIceCredentials,
  loopbackOnlySdp,
  midToMsidTrack,
  usableRemoteCandidate,
} from './rtc.js';
import { newId, nowSeconds, serverInfo, type Log } from './server-info.js';

type SignalMessage = SignalResponse['message'];

/**
 * One participant: its signal socket (replaced on resume) and its connections: a publisher and a subscriber connection
 * on the classic path (`/rtc`), or the one connection of the single peer connection path (`/rtc/v1`), which the client
 * offers and which carries both ways (`singlePeerConnection`).
 */
export class Participant {
  readonly sid = newId('PA');
  readonly identity: string;
  readonly name: string;
  readonly canSubscribe: boolean;
  readonly canPublish: boolean;
  readonly canPublishData: boolean;
  readonly tracks = new Map<string, PublishedTrack>();
  /** Signal resumes (`reconnect=1`) this participant made. */
  resumes = 0;
  state = ParticipantInfo_State.ACTIVE;
  private version = 1;
  private ws?: WebSocket;
  private readonly joinedAt = nowSeconds();
  private readonly subscriber?: RTCPeerConnection;
  private publisher?: RTCPeerConnection;
  /** `/rtc/v1`: the forwarded tracks on the client's receive-only sections; a requirement for more is out. */
  private readonly sections?: MediaSections;
  private sectionsRequested = false;
  private readonly subscriberChannels = new Map<string, RTCDataChannel>();
  /** The client's own channels by label: `/rtc/v1` sends the server's data on them (no subscriber channels there). */
  private readonly publisherChannels = new Map<string, RTCDataChannel>();
  /** Forwarded tracks on the subscriber connection: sender → the published track's sid. */
  private readonly downTracks = new Map<RTCRtpSender, string>();
  private subscriberOfferId = 0;
  private subscriberBusy = false;
  private subscriberDirty = false;
  private publisherQueue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    readonly room: Room,
    readonly admission: Admission,
    readonly autoSubscribe: boolean,
    private readonly log: Log,
    readonly singlePeerConnection = false,
  ) {
    this.identity = admission.identity;
    this.name = admission.name;
    this.canSubscribe = admission.canSubscribe;
    this.canPublish = admission.canPublish;
    this.canPublishData = admission.canPublishData;
    if (singlePeerConnection) {
      this.sections = new MediaSections();
      return;
    }
    this.subscriber = createPeerConnection((line) => this.log(`${this.identity} subscriber ${line}`));
    // livekit-client adopts the subscriber side's channels by label; the server creates them.
    this.subscriberChannels.set('_reliable', this.subscriber.createDataChannel('_reliable', { ordered: true }));
    this.subscriberChannels.set('_lossy', this.subscriber.createDataChannel('_lossy', { ordered: false, maxRetransmits: 0 }));
  }

  info(): ParticipantInfo {
    return new ParticipantInfo({
      sid: this.sid,
      identity: this.identity,
      name: this.name,
      state: this.state,
      tracks: [...this.tracks.values()].filter((t) => t.source).map((t) => t.info),
      joinedAt: this.joinedAt,
      version: this.version++,
      isPublisher: [...this.tracks.values()].some((t) => t.source),
      permission: new ParticipantPermission({
        canSubscribe: this.canSubscribe,
        canPublish: this.canPublish,
        canPublishData: this.canPublishData,
      }),
    });
  }

  liveTracks(): PublishedTrack[] {
    return [...this.tracks.values()].filter((t) => t.source);
  }

  /** Binds a signal socket: the first one at join, a new one at each resume. */
  attach(ws: WebSocket): void {
    this.ws?.removeAllListeners();
    if (this.ws && this.ws.readyState <= 1) this.ws.close(1000, 'replaced by a resumed connection');
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      let request: SignalRequest;
      try {
        request = isBinary ? SignalRequest.fromBinary(new Uint8Array(data as Buffer)) : SignalRequest.fromJsonString(String(data));
      } catch {
        return this.log(`undecodable signal request from ${this.identity}`);
      }
      this.onSignal(request).catch((error) => this.log(`${this.identity} ${request.message.case}: ${(error as Error).stack}`));
    });
    // A dropped socket is not a leave: livekit-client comes back with `reconnect=1` and keeps its
    // peer connections. Only an explicit LeaveRequest (or a replacing join) removes the participant.
    ws.on('close', () => {
      if (this.ws === ws) this.ws = undefined;
    });
  }

  /** The signal resume: same participant, new socket; the peer connections carry on. */
  resume(ws: WebSocket): void {
    this.resumes += 1;
    this.attach(ws);
    this.send({
      case: 'reconnect',
      value: new ReconnectResponse({
        iceServers: [],
        clientConfiguration: new ClientConfiguration(),
        serverInfo: serverInfo(),
      }),
    });
    // Whatever changed while the socket was gone (a track published meanwhile) is sent again.
    for (const other of this.room.others(this))
      this.send({ case: 'update', value: new ParticipantUpdate({ participants: [other.info()] }) });
  }

  /** Asks the client for a full reconnect (LeaveRequest RECONNECT), as a LiveKit node going away does. */
  requestReconnect(): void {
    this.send({ case: 'leave', value: new LeaveRequest({ reason: DisconnectReason.MIGRATION, action: LeaveRequest_Action.RECONNECT }) });
  }

  /** Closes the signal socket from the server side, as a network drop would. */
  dropSignal(): void {
    this.ws?.terminate();
  }

  send(message: SignalMessage): void {
    if (this.ws?.readyState !== 1) return;
    this.ws.send(new SignalResponse({ message }).toBinary());
  }

  sendData(bytes: Uint8Array, label: string): void {
    const channels = this.sections ? this.publisherChannels : this.subscriberChannels;
    const channel = channels.get(label) ?? channels.get('_reliable');
    if (channel?.readyState === 'open') channel.send(Buffer.from(bytes));
  }

  private async onSignal(request: SignalRequest): Promise<void> {
    const message = request.message;
    switch (message.case) {
      case 'offer':
        return this.onPublisherOffer(message.value);
      case 'answer':
        return this.onSubscriberAnswer(message.value);
      case 'trickle': {
        const candidate = usableRemoteCandidate(message.value.candidateInit);
        if (!candidate) return;
        if (message.value.target === SignalTarget.PUBLISHER || this.sections) await this.publisherQueue; // its offer first
        const pc = message.value.target === SignalTarget.PUBLISHER || this.sections ? this.publisher : this.subscriber;
        await pc?.addIceCandidate(candidate).catch(() => undefined);
        return;
      }
      case 'addTrack':
        return this.onAddTrack(message.value);
      case 'mute': {
        const track = this.tracks.get(message.value.sid);
        if (!track) return;
        track.info.muted = message.value.muted;
        this.room.broadcastUpdate(this);
        return;
      }
      case 'leave':
        this.room.remove(this);
        return;
      case 'ping':
        this.send({ case: 'pong', value: protoInt64.parse(Date.now()) });
        return;
      case 'pingReq':
        this.send({
          case: 'pongResp',
          value: new Pong({ lastPingTimestamp: message.value.timestamp, timestamp: protoInt64.parse(Date.now()) }),
        });
        return;
      default:
        // subscription, trackSetting, syncState, updateLayers, …: accepted and ignored; the test
        // server always forwards everything to everybody.
        return;
    }
  }

  private onAddTrack(request: AddTrackRequest): void {
    if (!this.canPublish) {
      this.log(`${this.identity} may not publish; ignoring addTrack ${request.cid}`);
      return;
    }
    const kind = request.type === TrackType.VIDEO ? 'video' : 'audio';
    const info = new TrackInfo({
      sid: newId('TR'),
      type: request.type,
      name: request.name,
      source: request.source || (kind === 'video' ? TrackSource.CAMERA : TrackSource.MICROPHONE),
      width: request.width,
      height: request.height,
      muted: request.muted,
      simulcast: false,
      mimeType: kind === 'video' ? 'video/VP8' : 'audio/opus',
      stream: request.stream,
    });
    this.tracks.set(info.sid, { info, cid: request.cid, kind, senders: new Set() });
    this.send({ case: 'trackPublished', value: new TrackPublishedResponse({ cid: request.cid, track: info }) });
  }

  /**
   * The client's publisher connection offers (at join on `/rtc/v1`, first publish, renegotiation, ICE restart); we
   * answer. On `/rtc/v1` the answer also puts waiting subscribed tracks on the offer's receive-only sections.
   */
  onPublisherOffer(offer: SessionDescription): Promise<void> {
    const run = async () => {
      if (!this.publisher) this.publisher = this.createPublisherConnection();
      const pc = this.publisher;
      const sdp = this.sections ? sameIceCredentials(offer.sdp, pc.remoteDescription?.sdp) : offer.sdp;
      await pc.setRemoteDescription({ type: 'offer', sdp });
      const bound = this.sections?.bind(pc) ?? [];
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      if (this.sections) keepInactiveSections(pc);
      await gathered(pc);
      this.send({
        case: 'answer',
        value: new SessionDescription({
          type: 'answer',
          sdp: this.sections ? inactiveSectionsKept(loopbackOnlySdp(pc.localDescription!.sdp)) : loopbackOnlySdp(pc.localDescription!.sdp),
          id: offer.id,
          midToTrackId: this.sections?.midToTrackId() ?? {},
        }),
      });
      if (this.sections) this.log(`${this.identity} publisher answer sent`);
      for (const track of bound) track.requestKeyframe?.();
      this.sectionsRequested = false;
      if (this.sections?.hasWaiting) this.requestSections();
    };
    this.publisherQueue = this.publisherQueue.then(run, run);
    return this.publisherQueue;
  }

  private createPublisherConnection(): RTCPeerConnection {
    // On /rtc/v1 it brings the media: its milestones are logged, and once DTLS is up its tracks get a keyframe at once
    // (one asked for with the answer came before the connection could carry it).
    const milestone = (line: string) => {
      this.log(`${this.identity} publisher ${line}`);
      if (line === 'connected') for (const track of this.sections?.tracks() ?? []) track.requestKeyframe?.();
    };
    const pc = createPeerConnection(this.sections && milestone);
    pc.onDataChannel.subscribe((channel) => {
      this.publisherChannels.set(channel.label, channel);
      channel.onMessage.subscribe((data) => {
        if (typeof data !== 'string') this.room.relayData(this, data, channel.label);
      });
    });
    pc.ontrack = ({ track, transceiver }) => {
      // werift fires again for known transceivers on each renegotiation.
      if ([...this.tracks.values()].some((t) => t.source === track || (t.source && t.info.mid === transceiver.mid))) return;
      const cid = midToMsidTrack(pc.remoteDescription?.sdp ?? '').get(transceiver.mid ?? '');
      const published =
        [...this.tracks.values()].find((t) => t.cid === cid && !t.source) ??
        [...this.tracks.values()].find((t) => t.kind === track.kind && !t.source);
      if (!published) return this.log(`${this.identity}: RTP track ${cid} without an addTrack`);
      forwardPublishedTrack(published, track, transceiver, this.room.keyframeIntervalMs);
      this.log(`${this.identity} publishes ${published.kind} ${published.info.sid}`);
      this.room.trackLive(this, published);
    };
    return pc;
  }

  /** Adds a forwarded track to this participant's subscriber connection (negotiated by the caller). */
  subscribe(publisher: Participant, track: PublishedTrack): void {
    if (this.sections) return this.sections.add(publisher.sid, track);
    if (!this.subscriber) return;
    const transceiver = this.subscriber.addTransceiver(track.kind, { direction: 'sendonly' });
    // livekit-client finds the participant and the track from the stream id `PA_xxx|TR_xxx`.
    transceiver.sender.streamId = `${publisher.sid}|${track.info.sid}`;
    (transceiver.sender as { trackId: string }).trackId = track.info.sid; // werift: writable, typed readonly
    this.downTracks.set(transceiver.sender, track.info.sid);
    track.senders.add(transceiver.sender);
    track.requestKeyframe?.();
    forwardKeyframeRequests(transceiver.sender, track);
  }

  unsubscribe(track: PublishedTrack): void {
    this.sections?.remove(track);
    for (const [sender, sid] of this.downTracks) {
      if (sid !== track.info.sid) continue;
      track.senders.delete(sender);
      this.downTracks.delete(sender);
    }
  }

  /** Offers the subscriber connection; one offer at a time, a change meanwhile re-offers after the answer. */
  async negotiateSubscriber(): Promise<void> {
    if (this.closed) return;
    if (this.sections) return this.requestSections();
    if (!this.subscriber) return;
    if (this.subscriberBusy) {
      this.subscriberDirty = true;
      return;
    }
    this.subscriberBusy = true;
    this.subscriberDirty = false;
    const pc = this.subscriber;
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    await gathered(pc);
    const midToTrackId: Record<string, string> = {};
    for (const transceiver of pc.getTransceivers()) {
      const sid = this.downTracks.get(transceiver.sender);
      if (sid && transceiver.mid) midToTrackId[transceiver.mid] = sid;
    }
    this.log(`${this.identity} subscriber offer sent`);
    this.send({
      case: 'offer',
      value: new SessionDescription({
        type: 'offer',
        sdp: loopbackOnlySdp(pc.localDescription!.sdp),
        id: ++this.subscriberOfferId,
        midToTrackId,
      }),
    });
  }

  /**
   * `/rtc/v1`: asks the client to offer again, with more receive-only sections if the waiting tracks need them (it
   * adds them and renegotiates); the answer to that offer binds the tracks. One request until its offer is answered.
   */
  private requestSections(): void {
    if (!this.sections?.hasWaiting || this.sectionsRequested || !this.publisher) return;
    this.sectionsRequested = true;
    this.send({ case: 'mediaSectionsRequirement', value: new MediaSectionsRequirement(this.sections.missing(this.publisher)) });
  }

  private async onSubscriberAnswer(answer: SessionDescription): Promise<void> {
    if (!this.subscriber) return;
    this.log(`${this.identity} subscriber answer received`);
    if (answer.id && answer.id !== this.subscriberOfferId) return; // an answer to an offer we replaced
    await this.subscriber.setRemoteDescription({ type: 'answer', sdp: answer.sdp });
    this.subscriberBusy = false;
    for (const other of this.room.others(this))
      for (const track of other.liveTracks()) if (this.hasDownTrack(track)) track.requestKeyframe?.();
    if (this.subscriberDirty) await this.negotiateSubscriber();
  }

  private hasDownTrack(track: PublishedTrack): boolean {
    return [...this.downTracks.values()].includes(track.info.sid);
  }

  close(reason: DisconnectReason): void {
    if (this.closed) return;
    this.closed = true;
    this.state = ParticipantInfo_State.DISCONNECTED;
    if (reason !== DisconnectReason.CLIENT_INITIATED) {
      this.send({ case: 'leave', value: new LeaveRequest({ reason, action: LeaveRequest_Action.DISCONNECT }) });
    }
    this.ws?.close(1000, 'participant left');
    void this.subscriber?.close().catch(() => undefined);
    void this.publisher?.close().catch(() => undefined);
  }
}
