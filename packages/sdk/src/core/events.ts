import type { ErrorCode, InteractionMode, LanguageCode, MediaMode } from '@dhkit/protocol';
import { createLogger, type Logger } from './logger.js';

export type JobState = 'CONNECTING' | 'READY' | 'CHATTING' | 'ENDED';

/** What `getJobInfo()` returns and `jobInfoChange` carries. */
export interface JobInfo {
  /** The reference SDK's name for the session id (equal to sessionId); '' until admitted. */
  jobId: string;
  sessionId: string;
  robotId: string;
  state: JobState;
  /** The current chat's mode; null while not chatting. */
  interactionMode: InteractionMode | null;
  language: LanguageCode | null;
  mediaMode: MediaMode;
}

export interface ChatTextEvent {
  chatId: string;
  text: string;
  isLast: boolean;
}

/** Why a session will end soon: no activity (a question or `stillHere` postpones it), or its maximum duration (nothing does). */
export type EndMentionReason = 'IDLE_TIMEOUT' | 'MAX_DURATION';

/** Event names and their payloads. The names are the reference SDK's. */
export interface DigitalHumanEventMap {
  /** `retryInMs`: all assistants are busy and the SDK tries again by itself that much later. */
  error: { code: ErrorCode; message: string; retryInMs?: number };
  jobInfoChange: JobInfo;
  /** The first audio of a chat starts playing. */
  speakingStart: { chatId: string };
  /** The last audio of a chat has finished (or was interrupted). */
  speakingStop: { chatId: string };
  /** Each segment of the answer as written (markup kept); concatenate them. */
  semanticRecognized: ChatTextEvent;
  /** What the visitor said (voice input). Each text replaces the last; the one with isLast is final. */
  speechRecognized: ChatTextEvent;
  /** The avatar fell asleep (idle for `sleepAfterIdleSeconds`, or `sleep()`); it ignores speech until woken. */
  enterSleep: Record<string, never>;
  /** The avatar woke up: `type` is the wake word ('VOICE') or the sensor of `wakeup({type})`; absent when a question woke it. */
  enterActive: { type?: 'RADAR' | 'INFRARED' | 'CAMERA' | 'VOICE' };
  languageInfoChange: { currentLanguage: LanguageCode; languageList: LanguageCode[] };
  /** The session ends in `restTime` seconds, for `reason`. */
  jobEndMention: { jobId: string; restTime: number; reason: EndMentionReason };
  /** The session is over: `reason` from the server's sessionEnd, or 'CLOSED' when the channel was lost. */
  jobEnd: { jobId: string; reason: string };
}

export type DigitalHumanEventName = keyof DigitalHumanEventMap;

export const EVENT_NAMES: readonly DigitalHumanEventName[] = [
  'error',
  'jobInfoChange',
  'speakingStart',
  'speakingStop',
  'semanticRecognized',
  'speechRecognized',
  'enterSleep',
  'enterActive',
  'languageInfoChange',
  'jobEndMention',
  'jobEnd',
];

export type Listener<P> = (payload: P) => void;

/** `{eventName: listener}` as accepted by `create({eventListeners})` and `addEventListeners`. */
export type DigitalHumanEventListeners = {
  [K in DigitalHumanEventName]?: Listener<DigitalHumanEventMap[K]>;
};

/**
 * A small emitter typed from an event map. A listener that throws is logged as an error and does not stop
 * the other listeners nor the SDK.
 */
export class TypedEmitter<M extends object> {
  private readonly listeners = new Map<keyof M, Set<Listener<never>>>();

  constructor(private readonly log: Pick<Logger, 'error'> = createLogger('error')) {}

  on<K extends keyof M>(event: K, listener: Listener<M[K]>): this {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return this;
  }

  off<K extends keyof M>(event: K, listener: Listener<M[K]>): this {
    this.listeners.get(event)?.delete(listener as Listener<never>);
    return this;
  }

  emit<K extends keyof M>(event: K, payload: M[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<M[K]>)(payload);
      } catch (error) {
        this.log.error(`a '${String(event)}' listener threw:`, error);
      }
    }
  }

  listenerCount(event: keyof M): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }
}
