import type { LanguageCode } from '@dhkit/protocol';
import { DHKitError, toDHKitError } from './errors.js';
import { listenToView, type ViewEventHandlers } from './view-events.js';

/** What the visitor's actions on the view turn into, as callbacks of the digital human. */
export interface ViewActions {
  /** Throws (QUESTION_EMPTY, …) when the question is refused. */
  ask(text: string): void;
  interrupt(): void;
  startSpeaking(): Promise<void>;
  stopSpeaking(): void;
  setListening(listening: boolean): void;
  setDevice(deviceId: string): Promise<void>;
  changeLanguage(language: LanguageCode): Promise<void>;
  /** A gesture: audio may start now. */
  gesture(): void;
  /** Reports a failure as an `error` event and on the view. */
  report(error: DHKitError): void;
}

/** Connects the view's `dh-*` events to `actions` until `signal` aborts. */
export function bridgeView(view: EventTarget, actions: ViewActions, signal: AbortSignal): void {
  const handlers: ViewEventHandlers = {
    'dh-question': (event) => {
      try {
        actions.ask(event.detail?.text);
      } catch (error) {
        event.preventDefault();
        actions.report(toDHKitError(error));
      }
    },
    'dh-interrupt': () => actions.interrupt(),
    'dh-mic': (event) => {
      if (event.detail?.action === 'stop') {
        actions.stopSpeaking();
        actions.setListening(false);
        return;
      }
      actions.setListening(true);
      actions.startSpeaking().catch((error: unknown) => {
        actions.setListening(false);
        actions.report(toDHKitError(error));
      });
    },
    'dh-device-change': (event) => {
      actions.setDevice(event.detail?.deviceId ?? '').catch((error: unknown) => actions.report(toDHKitError(error, 'MICROPHONE_UNAVAILABLE')));
    },
    'dh-language-change': (event) => {
      actions.changeLanguage(event.detail?.langCode).catch((error: unknown) => actions.report(toDHKitError(error)));
    },
    'dh-media-blocked': (event) => {
      const what = (event.detail?.dropped ?? []).map((item) => `${item.kind} ${item.value}`).join(', ');
      actions.report(new DHKitError('MEDIA_BLOCKED', `Left out of the answer by the media policy: ${what}`));
    },
    pointerdown: () => actions.gesture(),
    keydown: () => actions.gesture(),
  };
  listenToView(view, handlers, signal);
}
