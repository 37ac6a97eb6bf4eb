import { html, nothing, type PropertyValues } from 'lit';
import { DhElement } from '../internal/dh-element.js';
import { languageTag, t } from '../../i18n/i18n.js';
import type { AnswerMedia } from '../../rich-media/render-answer.js';
import { deepActiveElement } from '../internal/events.js';
import { baseStyles, themeStyles } from '../internal/theme.styles.js';
import { stepIndex, swipeAction, trapTarget } from './gestures.js';
import styles from './media-viewer.styles.js';

/**
 * A lightbox for the pictures and videos of an answer, as a modal `<dialog>` (top layer: it is not clipped
 * by the widget and the page behind is inert). Keyboard: Esc closes, ←/→ page, Tab stays inside; focus
 * goes back where it was. Touch: swipe left/right to page, swipe down or tap outside to close. The open
 * animation is skipped with reduced motion.
 *
 * Items come from `renderAnswer()` (`RenderedAnswer.media`), whose URLs have passed the media policy.
 *
 * @tagname dh-media-viewer
 * @event dh-close - The viewer closed.
 *
 * @csspart base - The dialog.
 * @csspart figure - Picture or video with its caption.
 * @csspart media - The `<img>` or `<video>`.
 * @csspart caption - Alt text and position ("2 of 5").
 * @csspart close - The close button.
 * @csspart previous - The previous button (with more than one item).
 * @csspart next - The next button (with more than one item).
 *
 * @cssproperty --dh-viewer-backdrop - Backdrop color.
 * @cssproperty --dh-focus-ring - Focus outline color.
 */
export default class DhMediaViewer extends DhElement {
  static override readonly tag = 'dh-media-viewer';

  static override styles = [themeStyles, baseStyles, styles];

  static override properties = {
    items: { attribute: false },
    index: { type: Number },
    open: { type: Boolean, reflect: true },
  };

  items: readonly AnswerMedia[];
  /** The item shown. */
  index: number;
  /** Whether the viewer is open; use `show()` and `close()`. */
  open: boolean;

  private opener: HTMLElement | null = null;
  private gesture: { x: number; y: number; at: number; id: number } | null = null;

  constructor() {
    super();
    this.items = [];
    this.index = 0;
    this.open = false;
  }

  /** Opens the viewer on `items[index]`; focus returns to `opener` (default: what has focus now) on close. */
  show(items: readonly AnswerMedia[], index = 0, opener: HTMLElement | null = deepActiveElement()): void {
    if (!items.length) return;
    this.items = items;
    this.index = Math.min(Math.max(0, Math.trunc(index) || 0), items.length - 1);
    this.opener = opener;
    this.open = true;
  }

  /** Closes the viewer and gives focus back. */
  close(): void {
    if (!this.open) return;
    this.open = false;
  }

  /** Shows the next (`1`) or previous (`-1`) item, wrapping around. */
  step(delta: number): void {
    if (this.items.length > 1) this.index = stepIndex(this.index, delta, this.items.length);
  }

  private get dialog(): HTMLDialogElement | null {
    return this.renderRoot?.querySelector('dialog') ?? null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('open')) return;
    const dialog = this.dialog;
    if (!dialog) return;
    if (this.open && !dialog.open) {
      dialog.showModal();
      this.renderRoot.querySelector<HTMLButtonElement>('[part="close"]')?.focus();
    } else if (!this.open && changed.get('open') === true) {
      this.renderRoot.querySelector('video')?.pause();
      if (dialog.open) dialog.close();
      const opener = this.opener;
      this.opener = null;
      if (opener?.isConnected) opener.focus();
      this.emit('dh-close', undefined);
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.open = false;
  }

  protected override render() {
    const lang = this.language;
    const item = this.items[this.index];
    const several = this.items.length > 1;
    const position = t(lang, 'mediaPosition', { index: this.index + 1, count: this.items.length });
    return html`<dialog
      part="base"
      lang=${languageTag(lang)}
      aria-label=${t(lang, 'mediaViewer')}
      @cancel=${this.onCancel}
      @close=${this.onNativeClose}
      @keydown=${this.onKeydown}
      @click=${this.onClick}
      @pointerdown=${this.onPointerDown}
      @pointerup=${this.onPointerUp}
      @pointercancel=${this.onPointerCancel}
    >
      ${
        this.open && item
          ? html`<figure part="figure">
            ${
              item.kind === 'video'
                ? html`<video part="media" src=${item.src} poster=${item.poster ?? nothing}
                    controls playsinline preload="metadata"></video>`
                : html`<img part="media" src=${item.src} alt=${item.alt} referrerpolicy="no-referrer" />`
            }
            <figcaption part="caption">
              ${item.alt ? html`<span>${item.alt}</span>` : nothing}${item.alt && several ? ' · ' : nothing}${
                several ? html`<span aria-live="polite">${position}</span>` : nothing
              }
            </figcaption>
          </figure>`
          : nothing
      }
      <button type="button" part="close" aria-label=${t(lang, 'close')} @click=${this.close}>×</button>
      ${
        several
          ? html`<button type="button" part="previous" aria-label=${t(lang, 'previous')} @click=${() => this.step(-1)}>‹</button>
            <button type="button" part="next" aria-label=${t(lang, 'next')} @click=${() => this.step(1)}>›</button>`
          : nothing
      }
    </dialog>`;
  }

  private onCancel(event: Event): void {
    // Esc: close through close(), so focus goes back and dh-close fires once.
    event.preventDefault();
    this.close();
  }

  private onNativeClose(): void {
    // The close event is a queued task: it can arrive after a quick reopen (Esc, then Enter on the picture),
    // when the dialog is open again. Only a dialog that is really closed closes the viewer.
    if (this.open && !this.dialog?.open) this.open = false;
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      this.close();
    } else if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      // Arrow keys belong to a focused video's own controls (seeking).
      if ((event.target as Element | null)?.localName === 'video') return;
      event.preventDefault();
      this.step(event.key === 'ArrowRight' ? 1 : -1);
    } else if (event.key === 'Tab') {
      const focusables = Array.from(this.renderRoot.querySelectorAll<HTMLElement>('button, video'));
      const next = trapTarget(
        focusables,
        this.renderRoot instanceof ShadowRoot ? (this.renderRoot.activeElement as HTMLElement | null) : null,
        event.shiftKey,
      );
      if (next) {
        event.preventDefault();
        next.focus();
      }
    }
  }

  private onClick(event: MouseEvent): void {
    // A click on the dialog itself (not on the picture or a button) is a click beside the media: close.
    if (event.target === this.dialog) this.close();
  }

  private onPointerDown(event: PointerEvent): void {
    if (event.pointerType === 'mouse' || !event.isPrimary) return;
    this.gesture = { x: event.clientX, y: event.clientY, at: event.timeStamp, id: event.pointerId };
  }

  private onPointerUp(event: PointerEvent): void {
    const gesture = this.gesture;
    this.gesture = null;
    if (!gesture || gesture.id !== event.pointerId) return;
    const action = swipeAction(event.clientX - gesture.x, event.clientY - gesture.y, event.timeStamp - gesture.at);
    if (action === 'next') this.step(1);
    else if (action === 'previous') this.step(-1);
    else if (action === 'close') this.close();
  }

  private onPointerCancel(): void {
    this.gesture = null;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-media-viewer': DhMediaViewer;
  }
}
