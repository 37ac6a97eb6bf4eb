import { DHKitError, toDHKitError } from '../core/errors.js';
import type { ViewActions, ViewEventHandlers, ViewEventMap, ViewHooks } from '../core/view-events.js';

/** The visitor's actions on `<digital-human>` as its digital human's public methods, and the view's hooks. */
export function viewActions(view: { listening: boolean }, hooks: ViewHooks): ViewActions {
  const { human, gesture, report, continueSession } = hooks;
  return {
    ask: (text) => human.sendTextQuestion({ text }),
    interrupt: () => human.interruptSpeaking(),
    startSpeaking: () => human.startUserSpeak(),
    stopSpeaking: () => human.stopUserSpeak(),
    setListening: (listening) => (view.listening = listening),
    setDevice: (deviceId) => human.setAudioInputDevice({ deviceId }),
    changeLanguage: (langCode) => human.changeLanguage({ langCode }),
    startAgain: () => human.startNewSession(),
    continueSession,
    gesture,
    report,
  };
}

/**
 * Connects the view's `dh-*` events (and gestures) to the digital human's `actions` until `signal` aborts.
 * Only views that dispatch them need it, so the headless core goes without.
 */
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
      actions
        .setDevice(event.detail?.deviceId ?? '')
        .catch((error: unknown) => actions.report(toDHKitError(error, 'MICROPHONE_UNAVAILABLE')));
    },
    'dh-language-change': (event) => {
      actions.changeLanguage(event.detail?.langCode).catch((error: unknown) => actions.report(toDHKitError(error)));
    },
    'dh-media-blocked': (event) => {
      const what = (event.detail?.dropped ?? []).map((item) => `${item.kind} ${item.value}`).join(', ');
      actions.report(new DHKitError('MEDIA_BLOCKED', `Left out of the answer by the media policy: ${what}`));
    },
    'dh-error': (event) => actions.report(new DHKitError(event.detail.code, event.detail.message)),
    'dh-continue': () => actions.continueSession(),
    'dh-start-again': () => {
      actions.startAgain().catch((error: unknown) => actions.report(toDHKitError(error)));
    },
    pointerdown: () => actions.gesture(),
    keydown: () => actions.gesture(),
  };
  for (const name of Object.keys(handlers) as Array<keyof ViewEventMap>) {
    // The one cast: EventTarget's listener type does not know the map.
    view.addEventListener(name, handlers[name] as EventListener, { signal });
  }
}
