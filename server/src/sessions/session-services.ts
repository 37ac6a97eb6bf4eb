/** The process-wide services every live session uses; the composition root (app.ts) builds them once. */
import type { Robot } from '@dhkit/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { SpeechRecognizer } from '../adapters/asr/asr.js';
import type { Brain } from '../adapters/brain/brain.js';
import type { TextToSpeech } from '../adapters/tts/tts.js';
import type { QuestionRecordInput, Store } from '../store/store.js';
import type { LiveSession } from './live-session.js';
import type { SessionTimeouts } from './session-timeouts.js';

/** What a session needs from the process; the composition root (app.ts) builds every adapter in it. */
export interface SessionServices {
  store: Store;
  log: FastifyBaseLogger;
  timeouts: SessionTimeouts;
  onEnded(session: LiveSession): void;
  /**
   * The session's next deadline may have come earlier (a channel said hello, so its timers change; the client
   * stopped reading): the registry looks at it anew.
   */
  onDeadlineEarlier?(session: LiveSession): void;
  onFirstAudio?(sessionId: string, ms: number): void;
  /** A channel text message went out or came in (metrics). */
  onChannelMessage?(direction: 'in' | 'out'): void;
  /** A clause's speech synthesis failed (metrics; the page hears of it once per session). */
  onSpeechFailure?(): void;
  /** Called once per visitor question when its turn has ended (the analytics log). */
  onQuestion?(record: QuestionRecordInput): void;
  /** A question that was not logged (the session is over its analytics cap): counted, never silently lost. */
  onQuestionDropped?(record: QuestionRecordInput): void;
  /** The brain for a robot's `brain` setting. */
  brainFor(robot: Robot): Brain;
  /** The speech engine for a robot (its `tts` and lexicon), as session `sessionId` uses it. */
  ttsFor(robot: Robot, sessionId: string): TextToSpeech;
  /** The speech recognizer for a robot (its `asr`); null: voice input is refused. */
  asrFor(robot: Robot): SpeechRecognizer | null;
}
