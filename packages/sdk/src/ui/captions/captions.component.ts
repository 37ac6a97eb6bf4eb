import { html, type PropertyValues } from 'lit';
import { DhElement } from '../internal/dh-element.js';
import { languageTag, t } from '../../i18n/i18n.js';
import { answerPlainText } from '../../rich-media/plain-text.js';
import { loadRendererChunk, rendererIfLoaded } from '../../rich-media/index.js';
import type { AnswerMedia } from '../../rich-media/render-answer.js';
import { baseStyles, themeStyles } from '../internal/theme.styles.js';
import styles from './captions.styles.js';
import { createLogger, type Logger } from '../../core/logger.js';

/**
 * Captions: the clause being spoken (plain text, in step with the audio) and the whole answer with its rich
 * media (markdown → sanitized DOM via `renderAnswer`). Screen readers hear each answer once, when it is
 * complete, through a polite live region (not every streamed segment).
 *
 * Pictures open in the media viewer on click, Enter or Space when `mediaViewer` is on; videos get an
 * "open" button. Media that the robot's policy refuses are left out and reported with `dh-media-blocked`
 * once the answer is complete.
 *
 * @tagname dh-captions
 * @event dh-media-open - The visitor opened a picture or video (`detail.items`, `detail.index`, `detail.opener`).
 * @event dh-media-blocked - Parts of the answer were left out (`detail.dropped`).
 *
 * @csspart base - Column of answer and caption.
 * @csspart answer - The rendered answer (hidden while empty or when `rich` is off).
 * @csspart clause - The clause being spoken (hidden while empty, and while the answer card shows the text).
 *
 * @cssproperty --dh-caption-background - Clause background; --dh-caption-color its text.
 * @cssproperty --dh-caption-font-size - Clause font size (default 16px).
 * @cssproperty --dh-answer-background - Answer background; --dh-answer-color its text.
 * @cssproperty --dh-answer-max-width - Widest answer and caption (default 640px).
 * @cssproperty --dh-answer-max-height - Tallest answer before it scrolls (default 40vh).
 * @cssproperty --dh-link-color - Links in answers.
 * @cssproperty --dh-answer-media-max-height - Tallest picture or video inside the answer (default 200px; the viewer shows it large).
 */
/** What shapes the rendering besides the answer itself: when one changes, the answer is rendered afresh. */
const SETTINGS = ['rich', 'mediaViewer', 'serverAddress', 'mediaAllowlist', 'language'] as const;

export default class DhCaptions extends DhElement {
  static override readonly tag = 'dh-captions';

  static override styles = [themeStyles, baseStyles, styles];

  static override properties = {
    clause: {},
    answer: { attribute: false },
    complete: { type: Boolean, reflect: true },
    rich: { type: Boolean, reflect: true },
    mediaViewer: { type: Boolean, attribute: 'media-viewer', reflect: true },
    serverAddress: { attribute: 'server-address' },
    mediaAllowlist: { attribute: false },
    announcement: { state: true },
  };

  /** The clause being spoken now (plain text). */
  clause: string;
  /** The answer so far: the concatenated `semanticRecognized` texts (markdown with inline HTML). */
  answer: string;
  /** The answer is complete (its last segment arrived, or it was interrupted): announce it. */
  complete: boolean;
  /** Show the rendered answer with its media; off: only the clause. */
  rich: boolean;
  /** Pictures and videos open in the media viewer (`enableMediaViewer`). */
  mediaViewer: boolean;
  /** The server the answer came from; media may come from its origin, relative URLs resolve against it. */
  serverAddress: string;
  /** The robot's `mediaAllowlist`. */
  mediaAllowlist: readonly string[];
  /** Where warnings go (the digital human's logger, honouring its `logLevel`). */
  log: Logger = createLogger();
  protected announcement: string;

  private pending: DocumentFragment | null = null;
  /** The answer card shows the text: the clause line would only repeat it, so it is kept for assistive tech only. */
  private cardShown = false;
  private media: AnswerMedia[] = [];
  /** The answer text whose rendering the DOM shows now (null: none, or the plain-text fallback). */
  private shownAnswer: string | null = null;

  constructor() {
    super();
    this.clause = '';
    this.answer = '';
    this.complete = false;
    this.rich = true;
    this.mediaViewer = false;
    this.serverAddress = '';
    this.mediaAllowlist = [];
    this.announcement = '';
  }

  /** The pictures and videos of the answer shown, in order. */
  get answerMedia(): readonly AnswerMedia[] {
    return this.media;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (![...SETTINGS, 'answer', 'complete'].some((key) => changed.has(key as keyof DhCaptions))) return;
    if (!this.answer) {
      this.pending = document.createDocumentFragment();
      this.media = [];
      this.announcement = '';
      this.cardShown = false;
      this.shownAnswer = null;
      return;
    }
    const renderer = rendererIfLoaded();
    if (!renderer && this.serverAddress) {
      // The renderer is a lazy chunk; render again (as if the answer changed) once it is here.
      loadRendererChunk(this.serverAddress).then(
        () => this.requestUpdate('answer', ''),
        (error: unknown) => this.log.warn('could not load the answer renderer', error),
      );
    }
    const rendered =
      renderer && this.serverAddress
        ? renderer.renderAnswerNow(this.answer, { serverAddress: this.serverAddress, mediaAllowlist: this.mediaAllowlist }, this.log)
        : null;
    const text = rendered ? answerPlainText(rendered) : this.answer;
    // Only `complete` changed (the last segment arrived): the DOM shown is already this answer. Replacing it
    // would take focus from a picture the visitor is on and disconnect the viewer's opener.
    const same = rendered !== null && this.shownAnswer === this.answer && !SETTINGS.some((key) => changed.has(key));
    // Announce once per answer, when it is whole; a new answer clears the region first.
    this.announcement = this.complete ? text : '';
    this.cardShown = this.rich && !!rendered;
    if (!this.rich || !rendered) {
      this.pending = document.createDocumentFragment();
      this.media = [];
      this.shownAnswer = null;
    } else if (!same) {
      this.media = rendered.media;
      this.decorateMedia(rendered.fragment);
      this.pending = rendered.fragment;
      this.shownAnswer = this.answer;
    }
    if (rendered && this.complete && (changed.has('complete') || changed.has('answer')) && rendered.dropped.length) {
      this.emit('dh-media-blocked', { dropped: rendered.dropped });
    }
  }

  protected override updated(): void {
    if (!this.pending) return;
    // A streamed answer grows under a visitor's keyboard: keep focus on the same picture across the re-render.
    const root = this.renderRoot as ShadowRoot;
    const focused = (root.activeElement as HTMLElement | null)?.dataset?.dhMedia;
    this.renderRoot.querySelector('[part="answer"]')?.replaceChildren(this.pending);
    this.pending = null;
    if (focused !== undefined) root.querySelector<HTMLElement>(`[data-dh-media="${focused}"]`)?.focus();
  }

  protected override render() {
    const lang = this.language;
    return html`<div part="base" lang=${languageTag(lang)}>
      <div part="answer" role="region" aria-label=${t(lang, 'answer')}
        @click=${this.onAnswerActivate} @keydown=${this.onAnswerKeydown}></div>
      <div part="clause" class=${this.cardShown ? 'visually-hidden' : ''}>${this.clause}</div>
      <div class="visually-hidden" aria-live="polite" aria-atomic="true">${this.announcement}</div>
    </div>`;
  }

  /** Makes the answer's pictures (and videos, through a button) open the viewer. Our own attributes only. */
  private decorateMedia(fragment: DocumentFragment): void {
    if (!this.mediaViewer) return;
    const lang = this.language;
    const elements = Array.from(fragment.querySelectorAll<HTMLElement>('img, video'));
    elements.forEach((element, index) => {
      const name =
        element.getAttribute(element.localName === 'img' ? 'alt' : 'title') || t(lang, element.localName === 'img' ? 'image' : 'video');
      if (element.localName === 'img') {
        element.classList.add('openable');
        element.dataset.dhMedia = String(index);
        element.tabIndex = 0;
        element.setAttribute('role', 'button');
        element.setAttribute('aria-label', t(lang, 'openImage', { name }));
      } else {
        const button = element.ownerDocument.createElement('button');
        button.type = 'button';
        button.className = 'open-video';
        button.dataset.dhMedia = String(index);
        button.textContent = t(lang, 'openVideo', { name });
        element.after(button);
      }
    });
  }

  private openFrom(target: EventTarget | null): boolean {
    const element = (target as Element | null)?.closest?.<HTMLElement>('[data-dh-media]');
    if (!element || !this.mediaViewer) return false;
    const index = Number(element.dataset.dhMedia);
    if (!Number.isInteger(index) || !this.media[index]) return false;
    this.emit('dh-media-open', { items: this.media, index, opener: element });
    return true;
  }

  private onAnswerActivate(event: MouseEvent): void {
    if (this.openFrom(event.target)) event.preventDefault();
  }

  private onAnswerKeydown(event: KeyboardEvent): void {
    if ((event.key === 'Enter' || event.key === ' ') && (event.target as Element).localName === 'img' && this.openFrom(event.target)) {
      event.preventDefault();
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-captions': DhCaptions;
  }
}
