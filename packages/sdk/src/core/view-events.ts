/**
 * What a view reports to its digital human: the visitor's actions, as `dh-*` events on the view. The built-in
 * components dispatch them (bubbling and composed, so they leave the shadow roots); a custom view may too.
 */
import type { ErrorCode, LanguageCode } from '@dhkit/protocol';
import type { DroppedContent } from '../rich-media/render-answer.js';
import type { DigitalHuman } from './digital-human.js';
import type { DHKitError } from './errors.js';

/** `dh-question`: the visitor asked something (typed, or a hot question). Cancelable: cancel to refuse. */
export interface QuestionEventDetail {
  text: string;
}

/** `dh-device-change`: the visitor chose a microphone (`enableDeviceSetting`); '' is the default one. */
interface DeviceChangeEventDetail {
  deviceId: string;
}

/** `dh-mic`: the visitor pressed the microphone button. */
export interface MicEventDetail {
  action: 'start' | 'stop';
}

/** `dh-language-change`: the visitor chose a language (`changeLanguage({langCode})` should follow). */
export interface LanguageChangeEventDetail {
  langCode: LanguageCode;
}

/** `dh-media-blocked`: parts of an answer were left out (report as a weak `error`, code MEDIA_BLOCKED). */
export interface MediaBlockedEventDetail {
  dropped: DroppedContent[];
}

/**
 * `dh-error`: something a part of the view could not do (a lazy chunk that did not load); the digital human
 * reports it as its `error` event and shows it to the visitor.
 */
export interface ViewErrorEventDetail {
  code: ErrorCode;
  message: string;
}

/** The events a digital human listens to on its view. A gesture (pointer or key) lets audio start. */
export interface ViewEventMap {
  'dh-question': CustomEvent<QuestionEventDetail>;
  'dh-interrupt': CustomEvent<void>;
  'dh-mic': CustomEvent<MicEventDetail>;
  'dh-device-change': CustomEvent<DeviceChangeEventDetail>;
  'dh-language-change': CustomEvent<LanguageChangeEventDetail>;
  'dh-media-blocked': CustomEvent<MediaBlockedEventDetail>;
  'dh-error': CustomEvent<ViewErrorEventDetail>;
  /** The visitor pressed continue on the end countdown (`jobEndMention`). */
  'dh-continue': CustomEvent<void>;
  /** The visitor pressed "start again" after the session ended. */
  'dh-start-again': CustomEvent<void>;
  pointerdown: Event;
  keydown: Event;
}

export type ViewEventHandlers = { [K in keyof ViewEventMap]: (event: ViewEventMap[K]) => void };

/**
 * What a view may do beyond the public API of its digital human (`human`): let audio start after a gesture,
 * report a failure as an `error` event, tell the server the visitor is still there.
 */
export interface ViewHooks {
  human: DigitalHuman;
  gesture(): void;
  report(error: DHKitError): void;
  continueSession(): void;
}

/** What the visitor's actions on a view turn into, as callbacks of the digital human. */
export interface ViewActions {
  /** Throws (QUESTION_EMPTY, …) when the question is refused. */
  ask(text: string): void;
  interrupt(): void;
  startSpeaking(): Promise<void>;
  stopSpeaking(): void;
  setListening(listening: boolean): void;
  setDevice(deviceId: string): Promise<void>;
  changeLanguage(language: LanguageCode): Promise<void>;
  /** A new session after the last one ended; rejects when it cannot start. */
  startAgain(): Promise<void>;
  /** The visitor is still there (continue on the end countdown). */
  continueSession(): void;
  /** A gesture: audio may start now. */
  gesture(): void;
  /** Reports a failure as an `error` event and on the view. */
  report(error: DHKitError): void;
}
