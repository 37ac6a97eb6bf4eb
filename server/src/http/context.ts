import type { Robot } from '@dhkit/protocol';
import type { TextToSpeech } from '../adapters/tts/tts.js';
import type { KnowledgeBrain } from '../adapters/brain/knowledge-brain.js';
import type { SpeechHealth } from '../adapters/tts/speech-check.js';
import type { IssuanceLimit, OnceCodeLockout } from '../security/shared-limits.js';
import type { ServerMetrics } from '../observability/metrics.js';
import type { Admission } from '../sessions/admission.js';
import type { SessionRegistry } from '../sessions/session-registry.js';
import type { AnalyticsDrops } from '../store/analytics-drops.js';
import type { KnowledgeEntry, Store } from '../store/store.js';
import type { PublicUrl } from '../security/public-url.js';

/** What the composition root (app.ts) hands to every route plugin. */
export interface AppContext {
  store: Store;
  /** The process's knowledge brain: its search route and its index cache. */
  brain: KnowledgeBrain<KnowledgeEntry>;
  registry: SessionRegistry;
  admission: Admission;
  /** SHA-256 (hex) of the admin key. */
  adminKeyHash: string;
  /** Failed admin authentications per client address (http/admin-auth.ts). */
  adminLockout: OnceCodeLockout;
  demo: boolean;
  /** Once-code issuance per robot. */
  onceCodeRate: IssuanceLimit;
  /** Directory of the SDK build (`@dhkit/sdk`'s dist), or null when the package cannot be found. */
  sdkDir: string | null;
  assetsDir: string;
  /** The speech engine of a robot (its `tts` and lexicon), for the voice sample. */
  ttsFor(robot: Robot): TextToSpeech;
  /** Directory of the console build (`@dhkit/console`'s dist), or null. */
  consoleDir: string | null;
  /** The process's Prometheus metrics (/metrics). */
  metrics: ServerMetrics;
  /** SHA-256 (hex) of the token that may read /metrics besides the admin key; null: the admin key only. */
  metricsTokenHash: string | null;
  /** Question-log rows not written, per reason (shown by /healthz). */
  analyticsDrops: AnalyticsDrops;
  /** The origin of the URLs the server hands out (security/public-url.ts). */
  publicUrl: PublicUrl;
  /** Whether espeak-ng is there and speaks the robots' voices (null when tests inject their own engine). */
  speech: SpeechHealth | null;
}
