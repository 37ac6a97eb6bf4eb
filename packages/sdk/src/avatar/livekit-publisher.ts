/**
 * The reference renderer's page (docs/renderer-protocol.md): draws the local avatar, lip-synced to the
 * utterance audio, and publishes both into a LiveKit room with livekit-client, reporting each clause's
 * start and end as data on RENDERER_SPEECH_TOPIC. Built as `dist/livekit-publisher.esm.js`; never loaded by
 * visitors' pages. `dhkit renderer` drives it through `window.dhkitPublisher`.
 */
import { LocalAudioTrack, LocalVideoTrack, Room, RoomEvent, Track } from 'livekit-client';
import { RENDERER_SPEECH_TOPIC, type RendererSpeechEvent } from '@dhkit/protocol';
import { LocalCanvasAvatar } from './local-canvas-avatar.js';
import { SenderTimeline } from './sender-timeline.js';

/** What a page can get ready before its session exists (a warm page): the avatar pack at a size. */
export interface PublisherPrepareOptions {
  manifestUrl: string;
  width: number;
  height: number;
}

export interface PublisherStartOptions extends PublisherPrepareOptions {
  livekitUrl: string;
  token: string;
  fps: number;
  background: 'pack' | 'green';
}

/** When start()'s steps ended (ms since the epoch): the renderer logs them, bench:livekit shows them. */
export interface PublisherStartSteps {
  /** The pack drawn (at once on a warm page that drew it already). */
  drawnAt: number;
  /** Joined the room. */
  joinedAt: number;
  /** Both tracks published. */
  publishedAt: number;
}

const epochNow = () => performance.timeOrigin + performance.now();

interface Clause {
  chatId: string;
  clauseId: number;
  text: string;
  sampleRate: number;
  /** speechStart went out (announced ahead, with the time until its first sample). */
  announced: boolean;
  /** speechEnd went out. */
  endAnnounced: boolean;
  /** Playing on the audio clock (the avatar's state follows this). */
  started: boolean;
  /** Audio-clock time right after its last scheduled sample. */
  endsAt: number;
  /** Sources scheduled and not yet finished. */
  playing: Set<AudioBufferSourceNode>;
  lastReceived: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * From a sample's time on our audio clock to the moment it leaves into the room: the render quantum, the
 * media stream's 10 ms capture chunks and one 20 ms Opus frame (measured at the LiveKit server: about
 * 20 ms). Speech reports add it to `inMs`, the visitors' fallback where they cannot follow the track's own
 * timeline (`rtpTimestamp`, SenderTimeline).
 */
const ROOM_LATENCY_MS = 20;
/**
 * How far ahead of the audio clock a clause that starts from silence is scheduled. The main thread's
 * `currentTime` trails the render thread by up to a render callback, so a start closer than this may
 * already be due when it reaches the render thread and play early, before its announced moment.
 */
const START_LEAD_S = 0.05;
/**
 * Frames a second while no one sees the stream: a warm page publishing in a spare room, or a session whose visitor
 * has not joined yet or is still setting up its media connection (VIEWER_WAIT_MS). The avatar stands still and one
 * frame a second keeps the track alive, instead of drawing and encoding at full rate for no one (on a shared machine,
 * the CPU the visitor's own join needs).
 */
const UNWATCHED_FPS = 1;
/**
 * Someone in the room sees the stream once a keyframe is asked for: the media server asks the publisher for one as
 * each subscriber's connection comes up (LiveKit does; a decoder with nothing to start from asks too). Until then a
 * joiner is only signalling, and its browser needs the CPU for its own connectivity checks and handshake: on a
 * machine shared with the visitor, full rate from the join on made that step 300–480 ms instead of ~90
 * (bench:livekit). After this long with someone in the room and no request, the page goes to full rate anyway.
 */
const VIEWER_WAIT_MS = 5_000;
/** How often the video sender's statistics are read for keyframe requests while someone joins. */
const KEYFRAME_REQUEST_POLL_MS = 25;

class Publisher {
  private room: Room | null = null;
  private readonly audio = new AudioContext({ sampleRate: 48_000 });
  private readonly analyser = this.audio.createAnalyser();
  private readonly destination = this.audio.createMediaStreamDestination();
  private readonly timeline = new SenderTimeline(this.audio);
  private avatar = new LocalCanvasAvatar();
  private stage: HTMLElement | null = null;
  private prepared: { key: string; done: Promise<void> } | null = null;
  private readonly clauses = new Map<string, Clause>();
  private nextStart = 0;
  private compositor: ReturnType<typeof setInterval> | null = null;
  /** Draws the published frame from the avatar's canvases (set by start()). */
  private composite = () => {};
  /** Someone besides us is in the room (or speech is playing): the avatar moves and frames go at full rate. */
  private watched = true;
  private lastComposited = 0;
  /** whenWatched() callers waiting for someone to see the stream. */
  private watchers: (() => void)[] = [];
  private video: LocalVideoTrack | null = null;
  /** Reads keyframe requests while someone is in the room and nobody sees the stream yet (awaitViewer). */
  private viewerPoll: ReturnType<typeof setInterval> | null = null;
  /** Set once the first video frame was published (for the renderer's health and tests). */
  framesPublished = 0;

  /**
   * Loads the avatar pack at the video's size; the renderer calls it on a warm page before any session
   * asks, with the pack its last session used. Another pack (or size) later replaces this one.
   */
  prepare(options: PublisherPrepareOptions): Promise<void> {
    const key = `${options.manifestUrl} ${options.width}x${options.height}`;
    if (this.prepared?.key === key) return this.prepared.done;
    if (this.prepared) {
      this.avatar.destroy();
      this.stage?.remove();
      this.avatar = new LocalCanvasAvatar();
    }
    const stage = document.createElement('div');
    stage.style.cssText = `position:fixed;left:0;top:0;width:${options.width}px;height:${options.height}px`;
    document.body.appendChild(stage);
    this.stage = stage;
    this.avatar.mount(stage);
    const done = this.avatar.load({ kind: 'pack', url: options.manifestUrl });
    this.prepared = { key, done };
    done.catch(() => {
      if (this.prepared?.key === key) this.prepared = null; // a later call tries again
    });
    return done;
  }

  async start(options: PublisherStartOptions): Promise<PublisherStartSteps> {
    await this.prepare(options);
    const drawnAt = epochNow();
    const stage = this.stage!;
    this.avatar.setBackground(options.background === 'pack');
    this.avatar.attachAnalyser(this.analyser);
    this.avatar.start();
    this.analyser.connect(this.destination);

    // The avatar draws on two canvases (background and figure); the published frame is both, composited.
    const output = document.createElement('canvas');
    output.width = options.width;
    output.height = options.height;
    const context = output.getContext('2d')!;
    const layers = [...stage.querySelectorAll('canvas')].reverse();
    this.composite = () => {
      this.lastComposited = performance.now();
      if (options.background === 'green') {
        context.fillStyle = '#00ff00';
        context.fillRect(0, 0, output.width, output.height);
      } else context.clearRect(0, 0, output.width, output.height);
      for (const layer of layers) if (layer.width > 0) context.drawImage(layer, 0, 0, output.width, output.height);
      this.framesPublished++;
    };
    this.compositor = setInterval(() => {
      if (this.watched || performance.now() - this.lastComposited >= 1000 / UNWATCHED_FPS) this.composite();
    }, 1000 / options.fps);

    await this.audio.resume();
    const room = new Room({ adaptiveStream: false, dynacast: false });
    this.room = room;
    const followRoom = () => this.followRoom();
    room.on(RoomEvent.ParticipantConnected, followRoom).on(RoomEvent.ParticipantDisconnected, followRoom);
    await room.connect(options.livekitUrl, options.token, { autoSubscribe: false });
    this.followRoom();
    const joinedAt = epochNow();
    const video = new LocalVideoTrack(output.captureStream(options.fps).getVideoTracks()[0]);
    this.video = video;
    const sound = new LocalAudioTrack(this.destination.stream.getAudioTracks()[0]);
    this.timeline.watch();
    await Promise.all([
      room.localParticipant.publishTrack(video, { source: Track.Source.Camera, videoCodec: 'vp8', simulcast: false, name: 'avatar' }),
      room.localParticipant.publishTrack(sound, { source: Track.Source.Microphone, dtx: false, red: false, name: 'voice' }),
    ]);
    // The first reliable message of a connection is slow (livekit-client opens its path lazily: ~60 ms);
    // this one pays that, so the first clause's report is as punctual as the rest. Pages ignore it.
    this.report({ type: 'ready' });
    return { drawnAt, joinedAt, publishedAt: epochNow() };
  }

  /**
   * Resolves once someone sees the stream (at once if someone does; VIEWER_WAIT_MS) or after `timeoutMs`: the
   * renderer opens its next warm page after that, not while the visitor's own join needs the machine.
   */
  whenWatched(timeoutMs: number): Promise<void> {
    if (this.watched) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.watchers.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  speech(chatId: string, clauseId: number, text: string, sampleRate: number): void {
    this.clauses.set(`${chatId}/${clauseId}`, {
      chatId,
      clauseId,
      text,
      sampleRate,
      announced: false,
      endAnnounced: false,
      started: false,
      endsAt: 0,
      playing: new Set(),
      lastReceived: false,
      timer: null,
    });
  }

  /**
   * One chunk of a clause's PCM (s16le, base64), played right after everything queued before it. The
   * clause's start is reported as soon as its first chunk is scheduled, and its end as soon as its last is:
   * both ahead of time, with how long until they happen (`inMs`), so that a report's own trip and this
   * page's busy moments never make a caption late.
   */
  audioChunk(chatId: string, clauseId: number, last: boolean, base64: string): void {
    const clause = this.clauses.get(`${chatId}/${clauseId}`);
    if (!clause || clause.endAnnounced) return;
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const samples = Math.floor(bytes.length / 2);
    if (last) clause.lastReceived = true;
    if (samples > 0) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, samples * 2);
      const buffer = this.audio.createBuffer(1, samples, clause.sampleRate);
      const channel = buffer.getChannelData(0);
      for (let i = 0; i < samples; i++) channel[i] = view.getInt16(i * 2, true) / 32768;
      const source = this.audio.createBufferSource();
      source.buffer = buffer;
      source.connect(this.analyser);
      const at = Math.max(this.audio.currentTime + START_LEAD_S, this.nextStart);
      source.start(at);
      this.nextStart = at + buffer.duration;
      clause.endsAt = this.nextStart;
      clause.playing.add(source);
      source.onended = () => {
        clause.playing.delete(source);
        this.maybeEnd(clause);
      };
      if (!clause.announced) {
        clause.announced = true;
        this.report({ type: 'speechStart', chatId, clauseId, text: clause.text, ...this.when(at) });
        clause.timer = setTimeout(() => this.begin(clause), Math.max(0, (at - this.audio.currentTime) * 1000));
      }
    }
    if (!clause.lastReceived) return;
    if (!clause.announced) {
      this.clauses.delete(`${chatId}/${clauseId}`); // a clause without a sample: nothing to say
    } else if (!clause.endAnnounced) {
      clause.endAnnounced = true;
      this.report({ type: 'speechEnd', chatId, clauseId, reason: 'completed', ...this.when(clause.endsAt) });
      this.maybeEnd(clause);
    }
  }

  /** Stops all speech at once; every clause announced (playing or still to come) ends as interrupted. */
  interrupt(): void {
    for (const clause of this.clauses.values()) {
      if (clause.timer) clearTimeout(clause.timer);
      for (const source of clause.playing) {
        source.onended = null;
        source.stop();
      }
      // Also clauses announced for later: the visitor's page drops what it had scheduled.
      if (clause.announced) this.report({ type: 'speechEnd', chatId: clause.chatId, clauseId: clause.clauseId, reason: 'interrupted' });
    }
    this.clauses.clear();
    this.nextStart = 0;
    this.avatar.setState('idle');
  }

  async stop(): Promise<void> {
    this.interrupt();
    if (this.compositor) clearInterval(this.compositor);
    this.stopAwaitingViewer();
    this.timeline.detach();
    await this.room?.disconnect();
    this.avatar.destroy();
    await this.audio.close();
  }

  /** The avatar speaks from the clause's first sample on our clock (its report went out ahead). */
  private begin(clause: Clause): void {
    clause.timer = null;
    clause.started = true;
    this.watch(true); // speech is for someone, even one the room has not told us of yet
    this.avatar.setState('speaking');
    this.maybeEnd(clause);
  }

  /** Not watched while no one else is in the room; watched once someone in it sees the stream (awaitViewer). */
  private followRoom(): void {
    if (!this.room) return;
    if (this.room.remoteParticipants.size > 0) return this.awaitViewer();
    this.stopAwaitingViewer();
    this.watch(false);
  }

  /** Watched at the first keyframe request from now on, or after VIEWER_WAIT_MS (VIEWER_WAIT_MS says why). */
  private awaitViewer(): void {
    if (this.watched || this.viewerPoll) return;
    const since = performance.now();
    let seen: number | undefined;
    let reading = false; // one reading at a time: an older answer arriving after a newer one would look like a request
    this.viewerPoll = setInterval(async () => {
      if (reading) return;
      reading = true;
      const requests = await keyframeRequests(this.video?.sender).finally(() => (reading = false));
      if (!this.viewerPoll) return; // settled meanwhile
      const asked = requests !== undefined && seen !== undefined && requests > seen;
      if (requests !== undefined) seen = requests;
      if (asked || performance.now() - since >= VIEWER_WAIT_MS) this.watch(true); // which ends this polling
    }, KEYFRAME_REQUEST_POLL_MS);
  }

  private stopAwaitingViewer(): void {
    if (this.viewerPoll) clearInterval(this.viewerPoll);
    this.viewerPoll = null;
  }

  /**
   * Full rate and a moving avatar while watched; one still frame a second while not (UNWATCHED_FPS). Speech still
   * queued keeps it watched: it rests once that is done (maybeEnd).
   */
  private watch(watched: boolean): void {
    if (watched === this.watched || (!watched && this.clauses.size > 0)) return;
    this.watched = watched;
    if (watched) {
      this.stopAwaitingViewer();
      this.avatar.start();
      // A frame at once: the keyframe asked for (awaitViewer) is the next frame encoded, and the viewer waits for it.
      this.composite();
      for (const watcher of this.watchers.splice(0)) watcher();
    } else this.avatar.stop();
  }

  /** Forgets a clause once all of it has played; the avatar rests when nothing else is queued. */
  private maybeEnd(clause: Clause): void {
    if (!clause.started || !clause.lastReceived || clause.playing.size > 0) return;
    this.clauses.delete(`${clause.chatId}/${clause.clauseId}`);
    if (this.clauses.size === 0) {
      this.avatar.setState('idle');
      this.followRoom();
    }
  }

  /** A time on our audio clock as a report tells it: on the track's RTP timeline where known, and in ms from now. */
  private when(time: number): Pick<RendererSpeechEvent, 'inMs' | 'rtpTimestamp'> {
    const inMs = Math.round(Math.max(0, (time - this.audio.currentTime) * 1000) + ROOM_LATENCY_MS);
    const rtpTimestamp = this.timeline.rtpTimestampAt(time);
    return rtpTimestamp === undefined ? { inMs } : { inMs, rtpTimestamp };
  }

  private report(event: RendererSpeechEvent | { type: 'ready' }): void {
    const payload = new TextEncoder().encode(JSON.stringify(event));
    void this.room?.localParticipant.publishData(payload, { reliable: true, topic: RENDERER_SPEECH_TOPIC }).catch(() => {});
  }
}

/** Keyframes the media server asked the video sender for so far (PLI and FIR); undefined before it sends. */
async function keyframeRequests(sender: RTCRtpSender | undefined): Promise<number | undefined> {
  let count: number | undefined;
  (await sender?.getStats().catch(() => undefined))?.forEach((stat: { type: string; pliCount?: number; firCount?: number }) => {
    if (stat.type === 'outbound-rtp') count = (count ?? 0) + (stat.pliCount ?? 0) + (stat.firCount ?? 0);
  });
  return count;
}

(window as unknown as { dhkitPublisher: Publisher }).dhkitPublisher = new Publisher();
