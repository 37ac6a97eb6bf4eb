/**
 * How the local avatar's face moves, frame by frame: the mouth follows the audio actually playing (AnalyserNode of
 * the playback graph: level → jaw, spectrum → lip shape → nearest viseme) or a TTS viseme timeline when one covers
 * the audio clock; the eyes blink and wander; the head eases into each state's pose. It only computes; the
 * painters draw what it says.
 */
import type { AvatarPack, MouthLayer, PackPose } from './avatar-pack.js';
import type { AvatarPreview, AvatarState, Viseme, VisemeCue } from './avatar-surface.js';
import { bandPowers, cueAt, mouthFeatures, mouthTarget, nearestViseme, rms, smoothMouth, type MouthFeatures } from './lip-sync.js';

/** Cross-fade between two mouth shapes. */
const MOUTH_FADE_MS = 45;
/** Below this openness the mouth shows the pose's resting shape. */
const MOUTH_REST = 0.06;
const DEFAULT_BLINK = { intervalMs: [2200, 5600], durationMs: 150, doubleChance: 0.15 } as const;
const DEFAULT_GAZE = { rangeX: 3, rangeY: 1.5, intervalMs: [900, 3400] } as const;

/** What the face is asked to show this frame. */
export interface FaceContext {
  pack: AvatarPack | null;
  state: AvatarState;
  /** A held preview (a viseme, the eyelids, no idle motion), or null. */
  still: AvatarPreview | null;
}

export class FaceMotion {
  /** Jaw openness 0..1. */
  mouth = 0;
  /** The viseme or expression the mouth shows. */
  mouthShape = 'sil';
  /** Eyelids: 0 open … 1 closed. */
  lid = 0;
  /** Iris offset in design units. */
  readonly gaze = { x: 0, y: 0 };
  /** The pose as eased so far (tilt, brows, nod, sway). */
  readonly pose = { tilt: 0, brows: 0, nod: 0, sway: 0 };
  private fadeFrom: string | null = null;
  private fadeStart = 0;
  private nextBlinkAt = 0;
  private blinkStart = -1;
  private gazeTarget = { x: 0, y: 0 };
  private nextGazeAt = 0;
  private analyser: AnalyserNode | null = null;
  private samples: Float32Array<ArrayBuffer> | null = null;
  private spectrum: Float32Array<ArrayBuffer> | null = null;
  private timeline: readonly VisemeCue[] = [];
  private visemeTable: Array<[Viseme, MouthFeatures]> = [];

  listenTo(analyser: AnalyserNode | null): void {
    this.analyser = analyser;
    this.samples = analyser ? new Float32Array(analyser.fftSize) : null;
    this.spectrum = analyser ? new Float32Array(analyser.frequencyBinCount) : null;
  }

  setTimeline(cues: readonly VisemeCue[] | null): void {
    this.timeline = cues ? [...cues].sort((a, b) => a.time - b.time) : [];
  }

  /** A pack arrived: its visemes drive lip-sync, and the mouth starts in the state's resting shape. */
  usePack(pack: AvatarPack, state: AvatarState): void {
    const mouth = pack.layers.find((l): l is MouthLayer => l.role === 'mouth');
    this.visemeTable = mouth
      ? (Object.entries(mouth.visemes).map(([v, e]) => [v as Viseme, e.features]) as Array<[Viseme, MouthFeatures]>)
      : [];
    this.mouthShape = pack.poses[state].mouth;
  }

  /** The first blink comes a little while after the avatar starts. */
  startBlinking(now: number): void {
    this.nextBlinkAt = now + 1500 + Math.random() * 2500;
  }

  /** The layers take over from a still first frame: the eyes hold still a moment and blinks start afresh. */
  restart(now: number): void {
    this.startBlinking(now);
    this.nextGazeAt = now + DEFAULT_GAZE.intervalMs[0];
  }

  /** A preview jumps to its mouth at once (no cross-fade). */
  skipFade(): void {
    this.fadeFrom = null;
  }

  /** The avatar was torn down: the mouth is shut. */
  close(): void {
    this.analyser = null;
    this.mouth = 0;
  }

  /** The mouth shape fading out (null: none) and how far the current one has faded in (0..1). */
  mouthFade(): { from: string | null; mix: number } {
    const mix = this.fadeFrom ? Math.min(1, (performance.now() - this.fadeStart) / MOUTH_FADE_MS) : 1;
    if (mix >= 1) this.fadeFrom = null;
    return { from: this.fadeFrom, mix };
  }

  update(now: number, dt: number, face: FaceContext): void {
    this.updateMouth(dt, face);
    this.updateEyes(now, dt, face);
  }

  /** Eases the head into `target` (the state's pose); a still preview jumps there. */
  easePose(target: PackPose, face: FaceContext, dt: number): void {
    const ease = face.still?.still ? 1 : 1 - Math.exp(-dt / 250);
    this.pose.tilt += (target.tilt - this.pose.tilt) * ease;
    this.pose.brows += (target.brows + (face.state === 'speaking' ? -this.mouth * 2 : 0) - this.pose.brows) * ease;
    this.pose.nod += (target.nod - this.pose.nod) * ease;
    this.pose.sway += (target.sway - this.pose.sway) * ease;
  }

  private updateMouth(dt: number, { pack, state, still }: FaceContext): void {
    let target = 0;
    let features: MouthFeatures = [0, 0.3, 0];
    const cue = this.analyser && this.timeline.length ? cueAt(this.timeline, this.analyser.context.currentTime) : null;
    if (cue) {
      features = this.visemeTable.find(([v]) => v === cue.viseme)?.[1] ?? [0.5, 0.5, 0];
      target = features[0];
    } else if (this.analyser && this.samples && this.spectrum) {
      this.analyser.getFloatTimeDomainData(this.samples);
      target = mouthTarget(rms(this.samples));
      if (target > 0) {
        this.analyser.getFloatFrequencyData(this.spectrum);
        features = mouthFeatures(target, bandPowers(this.spectrum, this.analyser.context.sampleRate));
      }
    }
    this.mouth = smoothMouth(this.mouth, target, dt);
    if (this.mouth < 0.002) this.mouth = 0;

    if (!pack) return;
    let shape: string;
    if (still?.viseme) shape = still.viseme;
    else if (cue) shape = cue.viseme;
    else if (this.mouth < MOUTH_REST || !this.visemeTable.length) shape = pack.poses[state].mouth;
    else {
      features[0] = this.mouth;
      const current = this.visemeTable.some(([v]) => v === this.mouthShape) ? (this.mouthShape as Viseme) : null;
      shape = nearestViseme(features, this.visemeTable, current);
    }
    if (shape !== this.mouthShape) {
      this.fadeFrom = this.mouthShape;
      this.fadeStart = performance.now();
      this.mouthShape = shape;
    }
  }

  private updateEyes(now: number, dt: number, { pack, state, still }: FaceContext): void {
    const blink = pack?.motion.blink ?? DEFAULT_BLINK;
    if (still) {
      this.lid = still.blink ?? 0;
      this.blinkStart = -1;
    } else {
      if (this.blinkStart < 0 && now >= this.nextBlinkAt) this.blinkStart = now;
      this.lid = 0;
      if (this.blinkStart >= 0) {
        const p = (now - this.blinkStart) / blink.durationMs;
        if (p >= 1) {
          this.blinkStart = -1;
          // Now and then a double blink, as people do.
          const [min, max] = blink.intervalMs;
          this.nextBlinkAt = now + (Math.random() < blink.doubleChance ? 120 : min + Math.random() * (max - min));
        } else this.lid = Math.sin(Math.PI * p);
      }
    }
    const pose = pack?.poses[state];
    const gazeMotion = pack?.motion.gaze ?? DEFAULT_GAZE;
    if (pose?.gaze) this.gazeTarget = { x: pose.gaze[0], y: pose.gaze[1] };
    else if (still) this.gazeTarget = { x: 0, y: 0 };
    else if (now >= this.nextGazeAt) {
      // Small saccades around the viewer, mostly back to the centre.
      const centre = Math.random() < 0.45;
      this.gazeTarget = centre
        ? { x: 0, y: 0 }
        : { x: (Math.random() * 2 - 1) * gazeMotion.rangeX, y: (Math.random() * 2 - 1) * gazeMotion.rangeY };
      const [min, max] = gazeMotion.intervalMs;
      this.nextGazeAt = now + min + Math.random() * (max - min);
    }
    // Saccades are quick; pose changes ease in.
    const k = still ? 1 : 1 - Math.exp(-dt / (pose?.gaze ? 120 : 40));
    this.gaze.x += (this.gazeTarget.x - this.gaze.x) * k;
    this.gaze.y += (this.gazeTarget.y - this.gaze.y) * k;
  }
}
