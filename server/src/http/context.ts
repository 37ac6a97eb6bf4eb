import type { KnowledgeBrain } from '../adapters/brain/knowledge-brain.js';
import type { TextToSpeech } from '../adapters/tts/tts.js';
import type { FailureLockout, RateLimiter } from '../security/rate-limits.js';
import type { SessionRegistry, SessionServices, SessionTimeouts } from '../sessions/live-session.js';
import type { Store } from '../store/store.js';

/** What the composition root hands to every route plugin. */
export interface AppContext {
  store: Store;
  brain: KnowledgeBrain;
  tts: TextToSpeech;
  registry: SessionRegistry;
  sessionServices: SessionServices;
  /** SHA-256 (hex) of the admin key. */
  adminKeyHash: string;
  demo: boolean;
  timeouts: SessionTimeouts;
  /** Live sessions this process accepts at most (SERVER_BUSY beyond). */
  maxSessions: number;
  /** Failed once-codes per client address and robot. */
  onceCodeLockout: FailureLockout;
  /** Once-code issuance per robot. */
  onceCodeRate: RateLimiter;
  /** Directory of the SDK build (`@dhkit/sdk`'s dist), or null when the package cannot be found. */
  sdkDir: string | null;
  assetsDir: string;
}
