/**
 * Admission (docs/server-api.md): a visitor's once-code becomes a live session. In order: the process's
 * session cap, the robot, its language and origin, the client's once-code lockout (after the origin: a page
 * that may not embed the robot learns that, not a lockout), the media precheck
 * (a full renderer refuses before the code is spent), then one atomic store step that consumes the code
 * and takes a concurrency lease, and last the session's media (livekit mode). On PostgreSQL the robot comes
 * from this process's copy and the lockout is checked in the store step, which confirms the copy: one round trip.
 */
import {
  PROTOCOL_VERSION,
  errorMessage,
  isLanguageCode,
  toRobotProfile,
  type LanguageCode,
  type MediaMode,
  type Robot,
  type RobotProfile,
  type SessionInfo,
} from '@dhkit/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { CodedError } from '../errors.js';
import { precheckMedia, startSessionMedia, wantsLiveKit, type SessionMedia } from '../media/media-admission.js';
import type { LockoutPolicy } from '../security/rate-limits.js';
import type { OnceCodeLockout } from '../security/shared-limits.js';
import { isOriginAllowed, randomSecret, sha256Hex } from '../security/secrets.js';
import type { AdmissionResult, Store } from '../store/store.js';
import { LiveSession } from './live-session.js';
import type { SessionServices } from './session-services.js';
import { OnceCodeRetries } from './once-code-retries.js';
import type { SessionRegistry } from './session-registry.js';
import { heartbeatIntervalFor, type SessionTimeouts } from './session-timeouts.js';

export interface AdmissionDependencies {
  store: Store;
  registry: SessionRegistry;
  timeouts: SessionTimeouts;
  /** Live sessions this process accepts at most (SERVER_BUSY beyond). */
  maxSessions: number;
  /** Failed once-codes per client address and robot. */
  onceCodeLockout: OnceCodeLockout;
  sessionServices: SessionServices;
}

/** One visitor's request for a session. */
export interface AdmissionInput {
  robotId: string;
  onceCode: string;
  language?: string;
  /** The page's Origin header, if it sent one. */
  origin: string | undefined;
  /** The client's address (for the once-code lockout). */
  clientAddress: string;
  /** This server's address as a renderer should reach it (livekit mode). */
  serverAddress: string;
  log: FastifyBaseLogger;
}

export class Admission {
  private readonly heartbeatIntervalMs: number;
  private readonly retries = new OnceCodeRetries();
  /**
   * The page's view of each robot copy, made once per copy: the stores share one copy per robot version between
   * admissions, and copying its hot questions for every admission was garbage per visitor.
   */
  private readonly profiles = new WeakMap<Robot, RobotProfile>();

  constructor(private readonly deps: AdmissionDependencies) {
    this.heartbeatIntervalMs = heartbeatIntervalFor(deps.timeouts);
  }

  /** Admits the visitor or throws a CodedError with the refusal's catalog code. */
  async admit(input: AdmissionInput): Promise<SessionInfo> {
    const { timeouts } = this.deps;
    if (this.deps.registry.size >= this.deps.maxSessions) throw new CodedError('SERVER_BUSY', undefined, { retryAfterMs: 5000 });
    // First against the store's copy of the robot (PostgreSQL: no read of its own); when the store finds the
    // robot changed since, once more against the row read afresh, unchecked then, as any read-then-admit is.
    let admitted = await this.spend(input, await this.checkedRobot(input, false), true);
    admitted ??= (await this.spend(input, await this.checkedRobot(input, true), false))!;
    const { robot, language, mediaMode, sessionId, token, tokenHash } = admitted;
    let media: SessionMedia;
    try {
      media = await startSessionMedia(mediaMode, { robot, sessionId, language, serverAddress: input.serverAddress, log: input.log });
    } catch (error) {
      await this.deps.store.endSession(sessionId, 'SERVER_BUSY', Date.now());
      throw error;
    }
    const live = new LiveSession(sessionId, robot, language, tokenHash, this.deps.sessionServices);
    live.rendererLink = media.link ?? null;
    if (media.link) media.link.onLost = () => live.end('RENDERER_LOST');
    this.deps.registry.add(live);
    return {
      sessionId,
      jobId: sessionId,
      token,
      channelPath: `/v1/sessions/${sessionId}/channel`,
      protocol: PROTOCOL_VERSION,
      mediaMode: media.mode,
      ...(media.livekit ? { livekit: media.livekit } : {}),
      heartbeatIntervalMs: this.heartbeatIntervalMs,
      leaseTtlMs: timeouts.leaseTtlMs,
      language,
      robot: this.profileOf(robot),
    };
  }

  private profileOf(robot: Robot): RobotProfile {
    let profile = this.profiles.get(robot);
    if (!profile) this.profiles.set(robot, (profile = toRobotProfile(robot)));
    return profile;
  }

  /** Whether the store checks the once-code lockout inside admitSession (it keeps the lockout: PostgreSQL). */
  private get lockoutInStore(): boolean {
    const keptIn = this.deps.onceCodeLockout.keptIn;
    return keptIn !== undefined && keptIn === this.deps.store.sharedLimits;
  }

  /**
   * Every check before the once-code may be spent, in order: the robot, its language and origin, the client's
   * once-code lockout (after the origin: a page that may not embed the robot learns that, not a lockout; where
   * the store keeps the lockout it checks it in admitSession instead), the media precheck (a full renderer
   * refuses before the code is spent).
   */
  private async checkedRobot(input: AdmissionInput, fresh: boolean): Promise<CheckedRobot> {
    const { store, onceCodeLockout } = this.deps;
    const lockKey = lockKeyOf(input);
    // Read side by side with the robot; its answer is still looked at only after the robot's checks.
    const lockRead = this.lockoutInStore ? null : Promise.resolve(onceCodeLockout.lockedFor(lockKey));
    lockRead?.catch(() => {});
    const found = await store.admissionRobot(input.robotId, fresh);
    if (!found) throw new CodedError('ROBOT_NOT_FOUND');
    const { robot } = found;
    const language = input.language ?? robot.defaultLanguage;
    if (!isLanguageCode(language) || !robot.languages.includes(language)) throw new CodedError('LANGUAGE_NOT_SUPPORTED');
    if (!isOriginAllowed(robot.allowedOrigins, input.origin)) throw originRefused(robot.id, input.origin, input.log);
    // A livekit robot's precheck asks its renderer: a locked-out client is refused before that, wherever the lockout is kept.
    const lockedFor = lockRead ? await lockRead : wantsLiveKit(robot) ? await onceCodeLockout.lockedFor(lockKey) : 0;
    if (lockedFor > 0) throw new CodedError('ONCE_CODE_LOCKED', undefined, { retryAfterMs: lockedFor });
    // Livekit mode: a full renderer refuses before the once-code is spent (docs/livekit.md).
    const mediaMode = await precheckMedia(robot);
    return { robot, revision: found.revision, language, mediaMode };
  }

  /**
   * The one atomic store step: consume the code, take a concurrency lease. Null when `checkRevision` and the
   * store found the robot changed since `checked` was read (nothing was written).
   */
  private async spend(input: AdmissionInput, checked: CheckedRobot, checkRevision: boolean): Promise<Admitted | null> {
    const { onceCodeLockout } = this.deps;
    const lockKey = lockKeyOf(input);
    const session = { sessionId: `s_${randomSecret(15)}`, token: randomSecret(32), tokenHash: '' };
    session.tokenHash = sha256Hex(session.token);
    const codeHash = sha256Hex(input.onceCode);
    this.retries.start(codeHash);
    const lockoutInStore = this.lockoutInStore;
    let result: AdmissionResult;
    let spent = false;
    try {
      result = await this.admitInStore(checked, codeHash, input.origin, {
        ...session,
        robotRevision: checkRevision ? checked.revision : undefined,
        lockKey: lockoutInStore ? lockKey : undefined,
        // Where the store keeps the lockout it counts a failed guess in the same call (and knows a spent code
        // from any process); this process still knows a retry of a code that is in flight here right now.
        failurePolicy: lockoutInStore && !this.retries.isRetry(codeHash) ? onceCodeLockout.policy : undefined,
      });
      spent = result.ok;
      // A retry of a real code (now spent) is not a guess: counting it locked racing pages out.
      if (!lockoutInStore && !result.ok && result.reason === 'ONCE_CODE_INVALID' && !this.retries.isRetry(codeHash))
        await onceCodeLockout.recordFailure(lockKey);
    } finally {
      this.retries.finish(codeHash, spent);
    }
    if (!result.ok) {
      if (result.reason === 'ROBOT_CHANGED') return null;
      if (result.reason === 'ONCE_CODE_LOCKED') throw new CodedError('ONCE_CODE_LOCKED', undefined, { retryAfterMs: result.retryAfterMs });
      throw new CodedError(result.reason);
    }
    // Where the store keeps the lockout, the admission cleared the client's failures already.
    if (!this.lockoutInStore) await onceCodeLockout.recordSuccess(lockKey);
    return { ...checked, ...session };
  }

  private admitInStore(
    checked: CheckedRobot,
    codeHash: string,
    origin: string | undefined,
    session: { sessionId: string; tokenHash: string; robotRevision?: string; lockKey?: string; failurePolicy?: LockoutPolicy },
  ): Promise<AdmissionResult> {
    const { store, timeouts } = this.deps;
    const robotId = checked.robot.id;
    const now = Date.now();
    return store.admitSession({
      robotId,
      codeHash,
      now,
      robotRevision: session.robotRevision,
      lockKey: session.lockKey,
      failurePolicy: session.failurePolicy,
      session: {
        id: session.sessionId,
        robotId,
        tokenHash: session.tokenHash,
        language: checked.language,
        origin: origin ?? null,
        createdAt: now,
        // Until the channel opens the registry renews it; a session that never opens lets it lapse.
        leaseExpiresAt: now + timeouts.leaseTtlMs,
      },
    });
  }
}

/** A robot that passed admission's checks, with the revision of the copy checked. */
interface CheckedRobot {
  robot: Robot;
  revision: string | undefined;
  language: LanguageCode;
  mediaMode: MediaMode;
}

/** An admitted session, before its media starts. */
interface Admitted extends CheckedRobot {
  sessionId: string;
  token: string;
  tokenHash: string;
}

/** Failed once-codes are counted per client address and robot. */
function lockKeyOf(input: AdmissionInput): string {
  return `${input.clientAddress}|${input.robotId}`;
}

/** The page's developer and the operator both learn which origin was refused (never the robot's list). */
function originRefused(robotId: string, origin: string | undefined, log: FastifyBaseLogger): CodedError {
  const who = origin ?? 'a request without an Origin header';
  log.info({ robotId, origin }, `refused ${who}: not in robot ${robotId}'s allowedOrigins`);
  return new CodedError('ORIGIN_NOT_ALLOWED', `${errorMessage('ORIGIN_NOT_ALLOWED')} (${who} is not in the robot's allowedOrigins.)`);
}
