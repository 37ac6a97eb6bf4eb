export type AvatarState = 'idle' | 'listening' | 'thinking' | 'speaking';

/** Mouth shapes of the Oculus viseme set; packs draw one mouth per viseme. */
export const VISEMES = ['sil', 'PP', 'FF', 'TH', 'DD', 'kk', 'CH', 'SS', 'nn', 'RR', 'aa', 'E', 'I', 'O', 'U'] as const;
export type Viseme = (typeof VISEMES)[number];

export function isViseme(value: unknown): value is Viseme {
  return typeof value === 'string' && (VISEMES as readonly string[]).includes(value);
}

/** One viseme from a TTS that provides timings; `time` is in seconds on the AudioContext clock. */
export interface VisemeCue {
  time: number;
  viseme: Viseme;
}

/** What a surface shows: for the local renderer, an avatar pack (URL of its manifest.json). */
export type AvatarSource = { kind: 'pack'; url: string };

/** A held, still picture for pack previews and screenshot tests. */
export interface AvatarPreview {
  /** Mouth held on this viseme or pack expression (e.g. `smile`). */
  viseme?: string;
  /** Eyelids: 0 open … 1 closed. */
  blink?: number;
  /** Stop idle motion (breathing, sway, gaze, random blinks). */
  still?: boolean;
}

/**
 * What draws the digital human. `local-canvas-avatar` draws it in the browser and lip-syncs to the
 * playback graph; a LiveKit video surface (a later media mode) will implement the same interface, so the
 * rest of the SDK never knows which one it talks to.
 */
export interface AvatarSurface {
  /** Resolves once the first frame of the loaded source is on screen. */
  readonly ready: Promise<void>;
  /** How open the mouth is right now, 0..1. */
  readonly mouthOpenness: number;
  /** The mouth shape shown now (a viseme or a pack expression). */
  readonly viseme: string;
  /** Puts the surface into `container` (sized by it). */
  mount(container: HTMLElement): void;
  /** Loads what to show; never rejects (a broken source is logged and a plain fallback is drawn). */
  load(source: AvatarSource): Promise<void>;
  /** Starts fetching what `load(source)` will need, before it is certain to be asked for; never rejects. */
  prefetch?(source: AvatarSource): void;
  /** The audio the avatar lip-syncs to (null: mouth at rest). */
  attachAnalyser(analyser: AnalyserNode | null): void;
  /** Visemes with timings from a TTS; preferred over audio analysis while they cover the audio clock. */
  setVisemeTimeline(cues: readonly VisemeCue[] | null): void;
  setState(state: AvatarState): void;
  /** Draw the source's own background (`useDefaultBackground`), or stay transparent; `dark`: its dark variant, if any. */
  setBackground(visible: boolean, dark?: boolean): void;
  /** Holds a still picture (null: back to live). */
  preview(options: AvatarPreview | null): void;
  /** Starts drawing; draws the first frame at once. */
  start(): void;
  /** Stops drawing (keeps the last frame). */
  stop(): void;
  /** Stops and removes everything the surface added. */
  destroy(): void;
}
