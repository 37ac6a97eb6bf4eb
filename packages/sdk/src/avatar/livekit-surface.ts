/**
 * The streamed avatar (media mode `livekit`, docs/livekit.md): the renderer's video and audio from a LiveKit
 * room, behind the same AvatarSurface interface as the local canvas. A lazy chunk (`/sdk/livekit.esm.js`,
 * with livekit-client inside), loaded only for sessions in livekit mode.
 */
import { Room, RoomEvent, Track, type RemoteTrack, type RemoteParticipant } from 'livekit-client';
import { RENDERER_SPEECH_TOPIC, type LiveKitJoinInfo, type RendererSpeechEvent } from '@dhkit/protocol';
import type { AvatarPreview, AvatarSource, AvatarState, AvatarSurface, VisemeCue } from './avatar-surface.js';
import { PlayoutDelayEstimator } from './playout-delay.js';
import { SpeechSchedule, type SpeechScheduleHost } from './speech-schedule.js';
import { TrackPlayoutClock } from './track-playout-clock.js';
import { ChromaKeyer } from './chroma-keyer.js';

export interface LiveKitSurfaceOptions {
  join: LiveKitJoinInfo;
  /** The renderer's speech reports (captions and speaking events follow them). */
  onSpeech(event: RendererSpeechEvent): void;
  /** The browser refused to play sound without a gesture: the video plays muted until the visitor taps. */
  onAutoplayBlocked?(): void;
  log?: { info(...args: unknown[]): void; warn(...args: unknown[]): void };
  /** Start muted (`defaultMuteRemoteAudio`). */
  muted?: boolean;
}

/**
 * When the visitor's steps towards the first frame ended, in ms since the epoch (0: not yet): for diagnostics
 * and bench:livekit, which shows where create()'s time goes.
 */
export interface StreamStartup {
  /** The chunk ran and began to join the room. */
  connectingAt: number;
  /** Joined the room (signalling done; media may still be connecting). */
  joinedAt: number;
  /** The renderer's video track was subscribed (its peer connection is up). */
  videoAt: number;
  /** The video element started playing: its first frame was decoded. */
  playingAt: number;
}

const epochNow = () => performance.timeOrigin + performance.now();

const UNMUTE_LABEL = '🔇 Tap to unmute';
/**
 * The least the visitor's browser buffers of the stream, in seconds (`playoutDelayHint`, Chromium). WebRTC's own
 * jitter buffer aims at some 40 ms on a quiet network and runs dry whenever packets come in a burst after a pause
 * (a busy renderer or SFU, Wi-Fi): the voice then breaks up, a tone split into two (measured on the 2-core test
 * machine: 0.1–1.2 s of concealed voice in every answer, and one clause in three split). A voice that only speaks
 * to the visitor loses nothing by coming 0.1 s later, and its speech reports get that much more time to arrive
 * before it. The video gets the same once it plays, so that lips and voice stay together (not before: the first
 * frame must not wait).
 */
const STREAM_BUFFER_S = 0.15;

/** How often the audio receiver's statistics are read for the playout delay. */
const STATS_INTERVAL_MS = 250;

export class LiveKitSurface implements AvatarSurface {
  readonly ready: Promise<void>;
  readonly mouthOpenness = 0;
  readonly viseme = 'sil';
  private resolveReady!: () => void;
  private readonly room: Room;
  private readonly video = document.createElement('video');
  private readonly audio = document.createElement('audio');
  private container: HTMLElement | null = null;
  private keyer: ChromaKeyer | null = null;
  private unmuteButton: HTMLButtonElement | null = null;
  private muted: boolean;
  private connecting: Promise<void> | null = null;
  private destroyed = false;
  private readonly playout = new PlayoutDelayEstimator();
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private voice: RemoteTrack | undefined;
  readonly startup: StreamStartup = { connectingAt: 0, joinedAt: 0, videoAt: 0, playingAt: 0 };
  private readonly playoutClock = new TrackPlayoutClock(
    () => this.voice?.receiver?.getSynchronizationSources?.() ?? [],
    () => this.playout.deviceDelayMs,
  );

  constructor(private readonly options: LiveKitSurfaceOptions) {
    this.ready = new Promise<void>((resolve) => (this.resolveReady = resolve));
    this.muted = !!options.muted;
    this.video.autoplay = true;
    this.video.muted = true; // the sound plays through the audio element; the video element stays silent
    this.video.playsInline = true;
    this.video.setAttribute('part', 'avatar-video');
    this.video.setAttribute('aria-label', 'Digital human');
    this.audio.autoplay = true;
    this.room = new Room({ adaptiveStream: false, dynacast: false });
    this.room
      .on(RoomEvent.TrackSubscribed, (track, _publication, participant) => this.onTrack(track, participant))
      .on(RoomEvent.DataReceived, (payload, participant, _kind, topic) => {
        if (topic !== RENDERER_SPEECH_TOPIC || (participant && participant.identity !== options.join.rendererIdentity)) return;
        try {
          const event = JSON.parse(new TextDecoder().decode(payload)) as RendererSpeechEvent;
          if (
            (event.type === 'speechStart' || event.type === 'speechEnd') &&
            typeof event.chatId === 'string' &&
            Number.isInteger(event.clauseId)
          )
            options.onSpeech(event);
        } catch {
          // not ours
        }
      })
      .on(RoomEvent.AudioPlaybackStatusChanged, () => {
        if (!this.room.canPlaybackAudio) this.showUnmute();
      });
    this.video.addEventListener(
      'playing',
      () => {
        this.startup.playingAt = epochNow();
        this.resolveReady();
      },
      { once: true },
    );
  }

  /** Joins the room; resolves once connected (the first frame resolves `ready`). */
  connect(): Promise<void> {
    if (!this.connecting) this.startup.connectingAt = epochNow();
    this.connecting ??= this.room
      .connect(this.options.join.url, this.options.join.token, {
        autoSubscribe: true,
        ...(this.options.join.iceServers?.length ? { rtcConfig: { iceServers: this.options.join.iceServers } } : {}),
      })
      .then(() => {
        // Tracks published before we joined arrive as TrackSubscribed too.
        this.startup.joinedAt = epochNow();
        this.options.log?.info('livekit: joined', this.options.join.room);
      });
    return this.connecting;
  }

  mount(container: HTMLElement): void {
    if (this.container) return;
    this.container = container;
    for (const element of [this.video, this.audio]) {
      element.style.width = '100%';
      element.style.height = '100%';
      element.style.objectFit = 'contain';
    }
    this.audio.style.display = 'none';
    if (this.options.join.chromaKey) {
      this.keyer = new ChromaKeyer(this.video);
      container.appendChild(this.keyer.canvas);
    } else container.appendChild(this.video);
    container.appendChild(this.audio);
  }

  load(_source: AvatarSource): Promise<void> {
    return this.connect().catch((error: unknown) => this.options.log?.warn('livekit: could not join', error));
  }

  /** The stream carries its own lip-sync. */
  attachAnalyser(_analyser: AnalyserNode | null): void {}
  setVisemeTimeline(_cues: readonly VisemeCue[] | null): void {}
  setState(_state: AvatarState): void {}
  setBackground(_visible: boolean): void {}
  preview(_options: AvatarPreview | null): void {}
  start(): void {}
  stop(): void {}

  setMuted(muted: boolean): void {
    this.muted = muted;
    this.audio.muted = muted;
    if (!muted) void this.playAudio();
  }

  /** A gesture anywhere on the digital human: sound the browser held back starts (unless the page muted it). */
  resumeAudio(): void {
    if (this.unmuteButton && !this.muted) void this.playAudio();
  }

  /** How long the streamed voice now takes from the renderer to the visitor's ears, as far as we can tell. */
  get playoutDelayMs(): number {
    return this.playout.delayMs;
  }

  /** Milliseconds until the voice's RTP timestamp `rtpTimestamp` is heard, if the receiver can tell. */
  msUntilHeard(rtpTimestamp: number): number | undefined {
    return this.playoutClock.msUntilHeard(rtpTimestamp);
  }

  /** Remote audio is flowing (for tests and diagnostics). */
  get audioPlaying(): boolean {
    return !this.audio.paused && !this.audio.muted && this.audio.srcObject !== null;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.statsTimer) clearInterval(this.statsTimer);
    void this.room.disconnect();
    this.keyer?.destroy();
    this.video.srcObject = null;
    this.audio.srcObject = null;
    this.video.remove();
    this.audio.remove();
    this.unmuteButton?.remove();
  }

  private onTrack(track: RemoteTrack, participant: RemoteParticipant): void {
    if (participant.identity !== this.options.join.rendererIdentity) return;
    if (track.kind === Track.Kind.Video) {
      this.startup.videoAt ||= epochNow();
      track.attach(this.video);
      void this.video.play().catch(() => undefined);
      void this.ready.then(() => bufferAtLeast(track, STREAM_BUFFER_S));
    } else if (track.kind === Track.Kind.Audio) {
      bufferAtLeast(track, STREAM_BUFFER_S);
      track.attach(this.audio);
      this.audio.muted = this.muted;
      void this.playAudio();
      this.watchPlayout(track);
    }
  }

  /** Keeps the playout delay current from the audio receiver's statistics (a new track replaces the old). */
  private watchPlayout(track: RemoteTrack): void {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.voice = track;
    let reading = false;
    this.statsTimer = setInterval(() => {
      const receiver = track.receiver;
      if (!receiver || reading || this.destroyed) return;
      reading = true;
      receiver
        .getStats()
        .then((report) => this.playout.update(report))
        .catch(() => undefined)
        .finally(() => (reading = false));
    }, STATS_INTERVAL_MS);
  }

  private async playAudio(): Promise<void> {
    try {
      await this.audio.play();
      await this.room.startAudio();
      this.unmuteButton?.remove();
      this.unmuteButton = null;
    } catch {
      // Autoplay policy: no sound before a gesture. Keep the picture going, muted, and offer a tap.
      this.showUnmute();
    }
  }

  private showUnmute(): void {
    if (this.unmuteButton || !this.container) return;
    this.options.onAutoplayBlocked?.();
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = UNMUTE_LABEL;
    button.setAttribute('part', 'unmute');
    button.style.position = 'absolute';
    button.style.left = '50%';
    button.style.top = '12px'; // the input bar and captions cover the bottom
    button.style.transform = 'translateX(-50%)';
    button.addEventListener('click', () => {
      button.remove();
      this.unmuteButton = null;
      this.setMuted(false);
    });
    this.container.appendChild(button);
    this.unmuteButton = button;
  }
}

/** Asks the browser to buffer at least `seconds` of a received track, where it can (Chromium: `playoutDelayHint`). */
function bufferAtLeast(track: RemoteTrack, seconds: number): void {
  if (track.receiver && 'playoutDelayHint' in track.receiver) track.setPlayoutDelay(seconds);
}

/** What DigitalHuman hands the chunk: where to show captions and whom to tell about speaking. */
export interface StreamedAvatarHost extends SpeechScheduleHost {
  join: LiveKitJoinInfo;
  muted: boolean;
  log?: LiveKitSurfaceOptions['log'];
}

/**
 * The streamed avatar as DigitalHuman sees it: the surface, plus the renderer's speech reports turned into
 * captions and speakingStart/Stop in step with the streamed voice.
 */
export class StreamedAvatar {
  readonly surface: LiveKitSurface;
  private readonly schedule: SpeechSchedule;

  constructor(host: StreamedAvatarHost) {
    this.surface = new LiveKitSurface({
      join: host.join,
      muted: host.muted,
      log: host.log,
      onSpeech: (event) => this.schedule.report(event),
    });
    this.schedule = new SpeechSchedule(
      host,
      () => this.surface.playoutDelayMs,
      (rtpTimestamp) => this.surface.msUntilHeard(rtpTimestamp),
    );
  }

  /** How many speech reports took effect by the voice track's own timeline, and how many by the fallback. */
  get captionTiming(): { track: number; fallback: number } {
    return { ...this.schedule.timedBy };
  }

  /** How long before its sound each clause start's report arrived, in ms (negative: after it; diagnostics). */
  get startLeadsMs(): number[] {
    return [...this.schedule.startLeadsMs];
  }

  /** When the steps towards the first frame ended (diagnostics, bench:livekit). */
  get startup(): StreamStartup {
    return { ...this.surface.startup };
  }

  /** The server's turnEnd: once its last clause has been heard, the chat stops speaking. */
  turnEnded(chatId: string): void {
    this.schedule.turnEnded(chatId);
  }

  /** Everything stops now (the server cuts the renderer too). */
  interrupt(): void {
    this.schedule.interrupt();
  }

  setMuted(muted: boolean): void {
    this.surface.setMuted(muted);
  }

  resumeAudio(): void {
    this.surface.resumeAudio();
  }
}

/** The chunk's entry (`import(serverAddress + '/sdk/livekit.esm.js')`): joins the room, shows the stream. */
export function streamAvatar(host: StreamedAvatarHost): StreamedAvatar {
  return new StreamedAvatar(host);
}
