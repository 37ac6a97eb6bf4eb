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

const UNMUTE_LABEL = '🔇 Tap to unmute';
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
    this.video.addEventListener('playing', () => this.resolveReady(), { once: true });
  }

  /** Joins the room; resolves once connected (the first frame resolves `ready`). */
  connect(): Promise<void> {
    this.connecting ??= this.room
      .connect(this.options.join.url, this.options.join.token, {
        autoSubscribe: true,
        ...(this.options.join.iceServers?.length ? { rtcConfig: { iceServers: this.options.join.iceServers } } : {}),
      })
      .then(() => {
        // Tracks published before we joined arrive as TrackSubscribed too.
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
      track.attach(this.video);
      void this.video.play().catch(() => undefined);
    } else if (track.kind === Track.Kind.Audio) {
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

/** Draws the video through a WebGL shader that makes green-screen pixels transparent. */
class ChromaKeyer {
  readonly canvas = document.createElement('canvas');
  private readonly gl: WebGLRenderingContext | null;
  private frame = 0;

  constructor(video: HTMLVideoElement) {
    this.canvas.setAttribute('part', 'avatar-video');
    this.canvas.style.width = '100%';
    this.canvas.style.height = '100%';
    this.canvas.style.objectFit = 'contain';
    this.gl = this.canvas.getContext('webgl', { premultipliedAlpha: false, alpha: true, preserveDrawingBuffer: true });
    if (!this.gl) return;
    const gl = this.gl;
    const program = gl.createProgram()!;
    for (const [type, source] of [
      [gl.VERTEX_SHADER, 'attribute vec2 p;varying vec2 uv;void main(){uv=vec2((p.x+1.)/2.,(1.-p.y)/2.);gl_Position=vec4(p,0.,1.);}'],
      [gl.FRAGMENT_SHADER, KEY_SHADER],
    ] as const) {
      const shader = gl.createShader(type)!;
      gl.shaderSource(shader, source);
      gl.compileShader(shader);
      gl.attachShader(program, shader);
    }
    gl.linkProgram(program);
    gl.useProgram(program);
    gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
    const position = gl.getAttribLocation(program, 'p');
    gl.enableVertexAttribArray(position);
    gl.vertexAttribPointer(position, 2, gl.FLOAT, false, 0, 0);
    gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
    for (const parameter of [gl.TEXTURE_WRAP_S, gl.TEXTURE_WRAP_T]) gl.texParameteri(gl.TEXTURE_2D, parameter, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
    const draw = () => {
      this.frame = requestAnimationFrame(draw);
      if (video.readyState < 2 || video.videoWidth === 0) return;
      if (this.canvas.width !== video.videoWidth) {
        this.canvas.width = video.videoWidth;
        this.canvas.height = video.videoHeight;
        gl.viewport(0, 0, video.videoWidth, video.videoHeight);
      }
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, video);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    };
    // The video element is not in the page; it still decodes once playing.
    void video.play().catch(() => undefined);
    draw();
  }

  destroy(): void {
    cancelAnimationFrame(this.frame);
    this.canvas.remove();
  }
}

/** Alpha from the distance to pure green in chroma space, with a soft edge and green spill removed. */
const KEY_SHADER = `precision mediump float;varying vec2 uv;uniform sampler2D t;
void main(){vec4 c=texture2D(t,uv);
float cb=-0.169*c.r-0.331*c.g+0.5*c.b,cr=0.5*c.r-0.419*c.g-0.081*c.b;
float d=distance(vec2(cb,cr),vec2(-0.331,-0.419));
float a=smoothstep(0.32,0.42,d);
c.g=min(c.g,max(c.r,c.b));
gl_FragColor=vec4(c.rgb,a);}`;

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
