export type AvatarState = 'idle' | 'listening' | 'thinking' | 'speaking';

/**
 * What draws the digital human. `local-canvas-avatar` draws it in the browser and lip-syncs to the
 * playback graph; a LiveKit video surface (a later media mode) will implement the same interface, so the
 * rest of the SDK never knows which one it talks to.
 */
export interface AvatarSurface {
  /** Resolves once the first frame is on screen. */
  readonly ready: Promise<void>;
  /** How open the mouth is right now, 0..1. */
  readonly mouthOpenness: number;
  /** Puts the surface into `container` (sized by it). */
  mount(container: HTMLElement): void;
  /** The audio the avatar lip-syncs to (null: mouth at rest). */
  attachAnalyser(analyser: AnalyserNode | null): void;
  setState(state: AvatarState): void;
  /** Starts drawing; draws the first frame at once. */
  start(): void;
  /** Stops drawing (keeps the last frame). */
  stop(): void;
  /** Stops and removes everything the surface added. */
  destroy(): void;
}
