import type { ClientMessage, ServerMessage, SessionInfo, WelcomeMessage } from '@dhkit/protocol';
import { DHKitError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { requestSession } from './admission.js';
import { admitWhileBusy, type BusyListener } from './busy-retry.js';
import { SessionChannel, type ChannelHandlers } from './channel.js';
import type { OnceCodeSource } from './once-code.js';
import { isFinalClose, retryResume } from './resume.js';
import { channelUrl, sessionEndUrl, type ServerAddress } from './server-address.js';

/** How long a cancelled create() waits for the server to confirm the session's end. */
const END_REQUEST_TIMEOUT_MS = 3_000;

/** What the connection reports to its owner (typed events, as listener methods). */
interface SessionConnectionEvents {
  message(message: ServerMessage): void;
  /** A binary frame (answer audio). */
  binary(frame: Uint8Array): void;
  /** All assistants are busy: the next admission try is in `retryInMs` (`error`: the refusal); null once admitted. */
  busy: BusyListener;
  /** The channel dropped; it is being reopened with the same token. */
  resuming(): void;
  resumed(): void;
  /** The session is over for good: `endReason` is the server's sessionEnd reason, null when the channel was lost. */
  ended(code: number, reason: string, endReason: string | null): void;
}

export interface SessionConnectionOptions {
  address: ServerAddress;
  robotId: string;
  onceCode: OnceCodeSource;
  /** How long admission keeps trying while all assistants are busy (CONCURRENCY_LIMIT, SERVER_BUSY); 0: it fails at once. */
  busyWaitMs: number;
  log: Logger;
  events: SessionConnectionEvents;
}

/**
 * One session with the server: admission (spending a once-code), its channel, and reopening that channel
 * after a network blip within the lease. Closing it at any point frees the session's slot: a bye on an open
 * channel, otherwise an explicit end request, so a create() cancelled mid-way leaves no session behind.
 */
export class SessionConnection {
  private session: SessionInfo | null = null;
  /** The admission request in flight: close() waits for it, to end the session it may yet admit. */
  private admission: Promise<SessionInfo> | null = null;
  private channel: SessionChannel | null = null;
  /** Set once the owner is ready: from then on a lost channel is resumed rather than fatal. */
  private ready = false;
  private closed = false;
  private resuming = false;
  /** The server's sessionEnd reason: the close that follows is final. */
  private endReason: string | null = null;
  private readonly handlers: ChannelHandlers;

  constructor(private readonly options: SessionConnectionOptions) {
    const { message, binary } = options.events;
    this.handlers = { message, binary, lost: (event) => this.handleLost(event.code, event.reason) };
  }

  get info(): SessionInfo | null {
    return this.session;
  }

  /** `POST /v1/sessions` with a once-code from the source. Rejects with CANCELLED when closed meanwhile. */
  async admit(): Promise<SessionInfo> {
    const onceCode = await this.options.onceCode();
    if (this.closed) throw DHKitError.fromCode('CANCELLED');
    const { address, robotId, busyWaitMs, events } = this.options;
    const attempt = () => (this.admission = requestSession(address, { robotId, onceCode }));
    const session = await admitWhileBusy(attempt, busyWaitMs, () => this.closed, events.busy);
    this.session = session;
    // close() ends it.
    if (this.closed) throw DHKitError.fromCode('CANCELLED');
    this.options.log.info('session admitted', session.sessionId);
    return session;
  }

  /** Opens the channel of the session admit() brought; resolves with the server's welcome. */
  async openChannel(session: SessionInfo): Promise<WelcomeMessage> {
    const channel = this.newChannel(session);
    this.channel = channel;
    try {
      return await channel.open(this.handlers);
    } catch (error) {
      if (this.closed) throw DHKitError.fromCode('CANCELLED', undefined, error);
      throw error;
    }
  }

  /** The owner is ready: a channel lost from now on is reopened. */
  markReady(): void {
    this.ready = true;
  }

  /** The server announced the end (`sessionEnd`): the close that follows is not a network loss. */
  handleSessionEnd(reason: string): void {
    this.endReason = reason;
  }

  send(message: ClientMessage): boolean {
    return !!this.channel?.send(message);
  }

  sendBinary(frame: Uint8Array): boolean {
    return !!this.channel?.sendBinary(frame);
  }

  /**
   * The page is going away: a beacon tells the server (a WebSocket frame may not leave a closing page),
   * so it frees the slot at once instead of after the lease TTL.
   */
  sendEndBeacon(): void {
    const session = this.session;
    if (!session || typeof navigator === 'undefined' || !navigator.sendBeacon) return;
    try {
      navigator.sendBeacon(sessionEndUrl(this.options.address, session.sessionId), endBody(session));
    } catch {
      // best effort: the lease runs out anyway
    }
  }

  /**
   * Ends the session: bye on a ready channel; before that (a cancelled create()), an end request once the
   * admission in flight has answered, so the slot is free when this resolves. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channel?.close();
    if (this.ready) return;
    const session = this.session ?? (await this.admission?.catch(() => null));
    if (session) await this.requestEnd(session);
  }

  private newChannel(session: SessionInfo): SessionChannel {
    return new SessionChannel(
      channelUrl(this.options.address, session.channelPath),
      session.token,
      session.heartbeatIntervalMs,
      this.options.log,
    );
  }

  private handleLost(code: number, reason: string): void {
    if (this.closed) return;
    if (!this.endReason && !isFinalClose(code) && this.session && this.ready) {
      void this.resume(this.session, code, reason);
      return;
    }
    this.options.events.ended(code, reason, this.endReason);
  }

  /** Reopens the channel with the same token, backing off, within the session's lease TTL. */
  private async resume(session: SessionInfo, code: number, reason: string): Promise<void> {
    if (this.resuming) return;
    this.resuming = true;
    this.options.log.info(`channel lost (${code}${reason ? ` ${reason}` : ''}); resuming`);
    this.options.events.resuming();
    try {
      const channel = await retryResume(
        async () => {
          const next = this.newChannel(session);
          try {
            await next.open(this.handlers, { resume: true });
          } catch (error) {
            next.abandon();
            throw error;
          }
          return next;
        },
        { windowMs: session.leaseTtlMs || 30_000, cancelled: () => this.closed },
      );
      if (this.closed) {
        channel.close();
        return;
      }
      this.channel = channel;
      this.options.log.info('channel resumed');
      this.options.events.resumed();
    } catch {
      if (!this.closed) this.options.events.ended(code, reason, this.endReason);
    } finally {
      this.resuming = false;
    }
  }

  /** `POST …/end` with the token: frees the slot of a session whose channel never became ready. */
  private async requestEnd(session: SessionInfo): Promise<void> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), END_REQUEST_TIMEOUT_MS);
    try {
      await fetch(sessionEndUrl(this.options.address, session.sessionId), {
        method: 'POST',
        body: endBody(session),
        credentials: 'omit',
        keepalive: true,
        signal: abort.signal,
      });
    } catch (error) {
      this.options.log.warn('could not end the session', error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The end request's body: text/plain JSON, a simple request that needs no preflight (and fits a beacon). */
function endBody(session: SessionInfo): Blob {
  return new Blob([JSON.stringify({ token: session.token })], { type: 'text/plain' });
}
