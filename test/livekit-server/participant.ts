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
  type AddTrackRequest,
} from '@livekit/protocol';
import type { RTCDataChannel, RTCPeerConnection, RTCRtpSender } from 'werift';
import type { WebSocket } from 'ws';
import type { Admission } from './auth.js';
import { forwardKeyframeRequests, forwardPublishedTrack, type PublishedTrack } from './published-track.js';
import type { Room } from './room.js';
import { createPeerConnection, gathered, loopbackOnlySdp, midToMsidTrack, usableRemoteCandidate } from './rtc.js';
import { newId, nowSeconds, serverInfo, type Log } from './server-info.js';

type SignalMessage = SignalResponse['message'];

/** One participant: its signal socket (replaced on resume) and its publisher/subscriber connections. */
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
  private readonly subscriber: RTCPeerConnection;
  private publisher?: RTCPeerConnection;
  private readonly subscriberChannels = new Map<string, RTCDataChannel>();
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
  ) {
    this.identity = admission.identity;
    this.name = admission.name;
    this.canSubscribe = admission.canSubscribe;
    this.canPublish = admission.canPublish;
    this.canPublishData = admission.canPublishData;
    this.subscriber = createPeerConnection();
    // The media connection's milestones, for bench:livekit's first-frame steps.
    this.subscriber.iceConnectionStateChange.subscribe((state) => {
      if (state === 'connected') this.log(`${this.identity} subscriber ICE connected`);
    });
    this.subscriber.connectionStateChange.subscribe((state) => {
      if (state === 'connected') this.log(`${this.identity} subscriber connected`); // DTLS done
    });
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
    const channel = this.subscriberChannels.get(label) ?? this.subscriberChannels.get('_reliable');
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
        const pc = message.value.target === SignalTarget.PUBLISHER ? this.publisher : this.subscriber;
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

  /** The client's publisher connection offers (first publish, renegotiation, ICE restart); we answer. */
  private onPublisherOffer(offer: SessionDescription): Promise<void> {
    const run = async () => {
      if (!this.publisher) this.publisher = this.createPublisherConnection();
      const pc = this.publisher;
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await gathered(pc);
      this.send({
        case: 'answer',
        value: new SessionDescription({ type: 'answer', sdp: loopbackOnlySdp(pc.localDescription!.sdp), id: offer.id }),
      });
    };
    this.publisherQueue = this.publisherQueue.then(run, run);
    return this.publisherQueue;
  }

  private createPublisherConnection(): RTCPeerConnection {
    const pc = createPeerConnection();
    pc.onDataChannel.subscribe((channel) => {
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
      forwardPublishedTrack(published, track, transceiver);
      this.log(`${this.identity} publishes ${published.kind} ${published.info.sid}`);
      this.room.trackLive(this, published);
    };
    return pc;
  }

  /** Adds a forwarded track to this participant's subscriber connection (negotiated by the caller). */
  subscribe(publisher: Participant, track: PublishedTrack): void {
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
    for (const [sender, sid] of this.downTracks) {
      if (sid !== track.info.sid) continue;
      track.senders.delete(sender);
      this.downTracks.delete(sender);
    }
  }

  /** Offers the subscriber connection; one offer at a time, a change meanwhile re-offers after the answer. */
  async negotiateSubscriber(): Promise<void> {
    if (this.closed) return;
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

  private async onSubscriberAnswer(answer: SessionDescription): Promise<void> {
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
    void this.subscriber.close().catch(() => undefined);
    void this.publisher?.close().catch(() => undefined);
  }
}
