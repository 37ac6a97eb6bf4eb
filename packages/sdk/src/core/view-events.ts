/**
 * What a view reports to its digital human: the visitor's actions, as `dh-*` events on the view. The built-in
 * components dispatch them (bubbling and composed, so they leave the shadow roots); a custom view may too.
 */
import type { LanguageCode } from '@dhkit/protocol';
import type { DroppedContent } from '../rich-media/render-answer.js';

/** `dh-question`: the visitor asked something (typed, or a hot question). Cancelable: cancel to refuse. */
export interface QuestionEventDetail {
  text: string;
}

/** `dh-device-change`: the visitor chose a microphone (`enableDeviceSetting`); '' is the default one. */
export interface DeviceChangeEventDetail {
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

/** The events a digital human listens to on its view. A gesture (pointer or key) lets audio start. */
export interface ViewEventMap {
  'dh-question': CustomEvent<QuestionEventDetail>;
  'dh-interrupt': CustomEvent<void>;
  'dh-mic': CustomEvent<MicEventDetail>;
  'dh-device-change': CustomEvent<DeviceChangeEventDetail>;
  'dh-language-change': CustomEvent<LanguageChangeEventDetail>;
  'dh-media-blocked': CustomEvent<MediaBlockedEventDetail>;
  pointerdown: Event;
  keydown: Event;
}

export type ViewEventHandlers = { [K in keyof ViewEventMap]: (event: ViewEventMap[K]) => void };

/** Listens to every event of the map on `view` until `signal` aborts. */
export function listenToView(view: EventTarget, handlers: ViewEventHandlers, signal: AbortSignal): void {
  for (const name of Object.keys(handlers) as Array<keyof ViewEventMap>) {
    // The one cast: EventTarget's listener type does not know the map.
    view.addEventListener(name, handlers[name] as EventListener, { signal });
  }
}
