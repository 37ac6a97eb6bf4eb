/**
 * Events of the built-in components. All bubble and are composed (they leave the shadow roots), so
 * `<digital-human>` or a page can listen on any ancestor.
 */
import type { LanguageCode } from '@dhkit/protocol';
import type { AnswerMedia, DroppedContent } from '../../rich-media/render-answer.js';

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

/** `dh-media-open`: the visitor wants a picture or video of the answer in the viewer. */
export interface MediaOpenEventDetail {
  items: AnswerMedia[];
  index: number;
  /** The element to give focus back to when the viewer closes. */
  opener: HTMLElement | null;
}

/** `dh-media-blocked`: parts of an answer were left out (report as a weak `error`, code MEDIA_BLOCKED). */
export interface MediaBlockedEventDetail {
  dropped: DroppedContent[];
}

/** Dispatches a bubbling, composed event; returns false when a listener canceled it. */
export function emit<T>(target: EventTarget, name: string, detail: T, options: { cancelable?: boolean } = {}): boolean {
  return target.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true, cancelable: !!options.cancelable }));
}

/** The focused element, looking through open shadow roots (to give focus back later). */
export function deepActiveElement(root: Document | ShadowRoot = document): HTMLElement | null {
  let active = root.activeElement as HTMLElement | null;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement as HTMLElement;
  return active;
}

declare global {
  interface HTMLElementEventMap {
    'dh-question': CustomEvent<QuestionEventDetail>;
    'dh-interrupt': CustomEvent<void>;
    'dh-mic': CustomEvent<MicEventDetail>;
    'dh-device-change': CustomEvent<DeviceChangeEventDetail>;
    'dh-language-change': CustomEvent<LanguageChangeEventDetail>;
    'dh-media-open': CustomEvent<MediaOpenEventDetail>;
    'dh-media-blocked': CustomEvent<MediaBlockedEventDetail>;
    'dh-close': CustomEvent<void>;
  }
}
