/**
 * Per-session token buckets: what one visitor may make the server do per minute. Every question may cost a
 * paid LLM call and a speech synthesis, every utterance a speech recognition; a flood from one socket must
 * neither run up a bill nor slow the other visitors. Robots may set their own limits (`rateLimits`).
 */
import type { RateLimit, RateLimits } from '@dhkit/protocol';

const DEFAULT_RATE_LIMITS: Readonly<Required<RateLimits>> = {
  // A visitor reads or hears each answer: a run of quick follow-ups (or a page's scripted checks) is fine, a
  // steady stream faster than one a second is not (500 flooded questions start ~27 brain calls, not 500).
  questions: { burst: 20, perMinute: 60 },
  // A page may stream driven text in small pieces (one per LLM token of its own backend).
  drivenText: { burst: 100, perMinute: 1200 },
  utterances: { burst: 10, perMinute: 30 },
};

/** Messages of any kind (pings, junk, everything) per session: past this the session is flooding. */
export const FRAME_LIMIT: RateLimit = { burst: 200, perMinute: 3000 };

export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = performance.now.bind(performance),
  ) {
    this.tokens = limit.burst;
    this.refilledAt = this.now();
  }

  /** Takes one token; false when the bucket is empty (the action is refused). */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.limit.burst, this.tokens + ((now - this.refilledAt) * this.limit.perMinute) / 60_000);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token. */
  get retryAfterMs(): number {
    return Math.max(0, Math.ceil(((1 - this.tokens) * 60_000) / this.limit.perMinute));
  }
}

export type RateLimitedAction = keyof RateLimits;

/** One session's buckets, from its robot's limits (defaults for what the robot leaves out). */
export class SessionRateLimits {
  private readonly buckets: Record<RateLimitedAction, TokenBucket>;

  constructor(limits: RateLimits = {}, now?: () => number) {
    this.buckets = {
      questions: new TokenBucket(limits.questions ?? DEFAULT_RATE_LIMITS.questions, now),
      drivenText: new TokenBucket(limits.drivenText ?? DEFAULT_RATE_LIMITS.drivenText, now),
      utterances: new TokenBucket(limits.utterances ?? DEFAULT_RATE_LIMITS.utterances, now),
    };
  }

  /** Takes one token for `action`; false when the session is over its limit. */
  allow(action: RateLimitedAction): boolean {
    return this.buckets[action].take();
  }
}
