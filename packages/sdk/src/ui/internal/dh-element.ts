import type { LanguageCode } from '@dhkit/protocol';
import { LitElement, type PropertyDeclarations } from 'lit';

/** The events of the built-in components; their types are added to HTMLElementEventMap (internal/events.ts). */
export type DhEventName = Extract<keyof HTMLElementEventMap, `dh-${string}`>;
type DetailOf<K extends DhEventName> = HTMLElementEventMap[K] extends CustomEvent<infer D> ? D : never;

/**
 * What every built-in component shares: its tag, defined once per page; its UI language and theme (both
 * reflected, for styles); typed events. Lit merges these properties with each component's own.
 */
export class DhElement extends LitElement {
  /** The element's tag; each component sets its own. */
  declare static readonly tag: string;

  static override properties: PropertyDeclarations = {
    language: { reflect: true },
    theme: { reflect: true },
  };

  /** UI language (`zh_CN` or `en_US`). */
  language: LanguageCode;
  /** `light`, `dark`, or unset to follow the system. */
  theme: 'light' | 'dark' | undefined;

  constructor() {
    super();
    this.language = 'en_US';
    this.theme = undefined;
  }

  /**
   * Defines the component's tag once per page: a second copy of the SDK on the page reuses the first
   * definition. Called by `create()` rather than on import, so importing the SDK has no side effect (and
   * does not fail where there is no DOM, as in server-side rendering).
   */
  static define(this: typeof DhElement): void {
    if (typeof customElements !== 'undefined' && !customElements.get(this.tag)) customElements.define(this.tag, this);
  }

  /** Dispatches a typed event that bubbles and is composed (it leaves the shadow roots); false when a listener canceled it. */
  protected emit<K extends DhEventName>(name: K, detail: DetailOf<K>, options: { cancelable?: boolean } = {}): boolean {
    return this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: !!options.cancelable }));
  }
}
