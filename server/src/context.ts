import type { KnowledgeBrain } from './turn/brain/knowledge-brain.js';
import type { TextToSpeech } from './turn/tts/tts.js';
import type { SessionRegistry, SessionServices } from './sessions/live-session.js';
import type { Store } from './store/store.js';

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
  /** Directory of the SDK build (`@dhkit/sdk`'s dist), or null when the package cannot be found. */
  sdkDir: string | null;
  assetsDir: string;
}
