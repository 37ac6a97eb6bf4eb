/**
 * Events of the built-in components. All bubble and are composed (they leave the shadow roots), so
 * `<digital-human>` or a page can listen on any ancestor.
 */
import type { ViewEventMap } from '../../core/view-events.js';
import type { AnswerMedia } from '../../rich-media/render-answer.js';

export type {
  LanguageChangeEventDetail,
  MediaBlockedEventDetail,
  MicEventDetail,
  QuestionEventDetail,
  ViewErrorEventDetail,
} from '../../core/view-events.js';

/** `dh-media-open`: the visitor wants a picture or video of the answer in the viewer. */
export interface MediaOpenEventDetail {
  items: AnswerMedia[];
  index: number;
  /** The element to give focus back to when the viewer closes. */
  opener: HTMLElement | null;
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
  interface HTMLElementEventMap extends Omit<ViewEventMap, 'pointerdown' | 'keydown'> {
    'dh-media-open': CustomEvent<MediaOpenEventDetail>;
    'dh-close': CustomEvent<void>;
  }
}
