/**
 * Admission (docs/server-api.md): a visitor's once-code becomes a live session. In order: the process's
 * session cap, the robot, its language and origin, the client's once-code lockout (after the origin: a page
 * that may not embed the robot learns that, not a lockout), the media precheck
 * (a full renderer refuses before the code is spent), then one atomic store step that consumes the code
 * and takes a concurrency lease, and last the session's media (livekit mode).
 */
import { PROTOCOL_VERSION, errorMessage, isLanguageCode, toRobotProfile, type LanguageCode, type SessionInfo } from '@dhkit/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { CodedError } from '../errors.js';
import { precheckMedia, startSessionMedia, type SessionMedia } from '../media/media-admission.js';
import type { OnceCodeLockout } from '../security/shared-limits.js';
import { isOriginAllowed, randomSecret, sha256Hex } from '../security/secrets.js';
import type { Store } from '../store/store.js';
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

  constructor(private readonly deps: AdmissionDependencies) {
    this.heartbeatIntervalMs = heartbeatIntervalFor(deps.timeouts);
  }

  /** Admits the visitor or throws a CodedError with the refusal's catalog code. */
  async admit(input: AdmissionInput): Promise<SessionInfo> {
    const { store, registry, timeouts, onceCodeLockout } = this.deps;
    const { robotId, onceCode, origin } = input;
    const lockKey = `${input.clientAddress}|${robotId}`;
    if (registry.size >= this.deps.maxSessions) throw new CodedError('SERVER_BUSY', undefined, { retryAfterMs: 5000 });

    // Two independent reads, side by side (on PostgreSQL two round trips in parallel, not in a row); the lockout's
    // answer is still looked at only after the robot's checks, so a page the robot refuses learns that first.
    const lockRead = Promise.resolve(onceCodeLockout.lockedFor(lockKey));
    lockRead.catch(() => {});
    const robot = await store.getRobot(robotId);
    if (!robot) throw new CodedError('ROBOT_NOT_FOUND');
    const language = input.language ?? robot.defaultLanguage;
    if (!isLanguageCode(language) || !robot.languages.includes(language)) throw new CodedError('LANGUAGE_NOT_SUPPORTED');
    if (!isOriginAllowed(robot.allowedOrigins, origin)) throw originRefused(robot.id, origin, input.log);
    const lockedFor = await lockRead;
    if (lockedFor > 0) throw new CodedError('ONCE_CODE_LOCKED', undefined, { retryAfterMs: lockedFor });
    // Livekit mode: a full renderer refuses before the once-code is spent (docs/livekit.md).
    const mediaMode = await precheckMedia(robot);

    const sessionId = `s_${randomSecret(15)}`;
    const token = randomSecret(32);
    const tokenHash = sha256Hex(token);
    const now = Date.now();
    const codeHash = sha256Hex(onceCode);
    this.retries.start(codeHash);
    let result: Awaited<ReturnType<Store['admitSession']>>;
    let spent = false;
    try {
      result = await this.admitInStore(robot.id, codeHash, now, { sessionId, tokenHash, language, origin });
      spent = result.ok;
      // A retry of a real code (now spent) is not a guess: counting it locked racing pages out.
      if (!result.ok && result.reason === 'ONCE_CODE_INVALID' && !this.retries.isRetry(codeHash))
        await onceCodeLockout.recordFailure(lockKey);
    } finally {
      this.retries.finish(codeHash, spent);
    }
    if (!result.ok) throw new CodedError(result.reason);
    await onceCodeLockout.recordSuccess(lockKey);
    let media: SessionMedia;
    try {
      media = await startSessionMedia(mediaMode, { robot, sessionId, language, serverAddress: input.serverAddress, log: input.log });
    } catch (error) {
      await store.endSession(sessionId, 'SERVER_BUSY', Date.now());
      throw error;
    }
    const live = new LiveSession(sessionId, robot, language, tokenHash, this.deps.sessionServices);
    live.rendererLink = media.link ?? null;
    if (media.link) media.link.onLost = () => live.end('RENDERER_LOST');
    registry.add(live);
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
      robot: toRobotProfile(robot),
    };
  }

  /** The one atomic store step: consume the code, take a concurrency lease. */
  private admitInStore(
    robotId: string,
    codeHash: string,
    now: number,
    session: { sessionId: string; tokenHash: string; language: LanguageCode; origin?: string },
  ) {
    const { store, timeouts } = this.deps;
    const { sessionId, tokenHash, language, origin } = session;
    return store.admitSession({
      robotId,
      codeHash,
      now,
      session: {
        id: sessionId,
        robotId,
        tokenHash,
        language,
        origin: origin ?? null,
        createdAt: now,
        // Until the channel opens the registry renews it; a session that never opens lets it lapse.
        leaseExpiresAt: now + timeouts.leaseTtlMs,
      },
    });
  }
}

/** The page's developer and the operator both learn which origin was refused (never the robot's list). */
function originRefused(robotId: string, origin: string | undefined, log: FastifyBaseLogger): CodedError {
  const who = origin ?? 'a request without an Origin header';
  log.info({ robotId, origin }, `refused ${who}: not in robot ${robotId}'s allowedOrigins`);
  return new CodedError('ORIGIN_NOT_ALLOWED', `${errorMessage('ORIGIN_NOT_ALLOWED')} (${who} is not in the robot's allowedOrigins.)`);
}
