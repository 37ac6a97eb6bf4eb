import { DEFAULT_CONFIG, type DigitalHumanConfig, type LanguageCode } from '@dhkit/protocol';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { AvatarSurface } from '../../avatar/avatar-surface.js';
import type { JobState } from '../../core/events.js';
import styles from './digital-human.styles.js';

const TEXT = {
  en_US: { placeholder: 'Ask me anything…', send: 'Send', stop: 'Stop', connecting: 'Connecting…', ended: 'The conversation has ended.', aiLabel: 'AI-generated', question: 'Your question' },
  zh_CN: { placeholder: '请输入问题', send: '发送', stop: '停止', connecting: '正在连接…', ended: '对话已结束。', aiLabel: 'AI 生成', question: '你的问题' },
} as const;

/** How long a caption stays after the speech stopped. */
const CAPTION_LINGER_MS = 1500;
/** How long a transient error stays in the status line. */
const STATUS_LINGER_MS = 6000;

export interface QuestionEventDetail {
  text: string;
}

/**
 * The digital human's view: the avatar surface, captions in step with speech, the text input and a status
 * line. It holds no session logic; the SDK instance drives it and listens to its events.
 *
 * @event dh-question - The visitor submitted a question (`detail.text`, untrimmed).
 * @event dh-interrupt - The visitor pressed the stop button while the avatar spoke.
 *
 * @csspart avatar - Container of the avatar surface (a canvas in media mode `local`).
 * @csspart caption - The caption of the clause being spoken.
 * @csspart input - The input bar (form) with the text field and the buttons.
 * @csspart status - Connection state and error messages.
 * @csspart ai-label - The "AI-generated" label, when the robot asks for it.
 *
 * @cssproperty --dh-background - Background when `useDefaultBackground` is on.
 * @cssproperty --dh-accent - Accent color (send button, focus ring); --dh-accent-contrast its text.
 * @cssproperty --dh-font-family
 * @cssproperty --dh-radius - Corner radius of caption and input bar.
 * @cssproperty --dh-caption-background / --dh-caption-color
 * @cssproperty --dh-input-background / --dh-input-color
 * @cssproperty --dh-status-background / --dh-status-color / --dh-error-background
 * @cssproperty --dh-min-height - Smallest height of the element (default 240px).
 * @cssproperty --dh-avatar-skin / -skin-shade / -hair / -shirt / -lips / -eyes / -cheeks - Colors of the built-in fallback face (drawn when the avatar pack cannot load), read at mount.
 */
export default class DigitalHumanElement extends LitElement {
  static override styles = styles;

  static override properties = {
    config: { attribute: false },
    language: { attribute: false },
    aiLabel: { attribute: false },
    state: { type: String, reflect: true },
    speaking: { type: Boolean, reflect: true },
    caption: { state: true },
    statusText: { state: true },
    statusIsError: { state: true },
  };

  /** The SDK config in force (set by the SDK instance). */
  config: DigitalHumanConfig;
  language: LanguageCode;
  /** Show the "AI-generated" label (from the robot profile). */
  aiLabel: boolean;
  /** The session state, reflected as the `state` attribute. */
  state: JobState;
  /** True while the avatar's audio is playing; reflected as the `speaking` attribute. */
  speaking: boolean;
  protected caption: string;
  protected statusText: string;
  protected statusIsError: boolean;

  private surface: AvatarSurface | null = null;
  private captionTimer: ReturnType<typeof setTimeout> | undefined;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.config = { ...DEFAULT_CONFIG };
    this.language = 'en_US';
    this.aiLabel = false;
    this.state = 'CONNECTING';
    this.speaking = false;
    this.caption = '';
    this.statusText = '';
    this.statusIsError = false;
  }

  /** How open the avatar's mouth is right now, 0..1 (follows the audio actually playing). */
  get mouthOpenness(): number {
    return this.surface?.mouthOpenness ?? 0;
  }

  /** The mouth shape shown now: a viseme (`sil`, `PP`, `aa`, …) or a pose expression (`smile`). */
  get viseme(): string {
    return this.surface?.viseme ?? 'sil';
  }

  /**
   * The avatar surface, for pack previews and tests: `avatar.preview({viseme: 'aa', still: true})`,
   * `avatar.setState('thinking')`. The SDK instance keeps driving it during a conversation.
   */
  get avatar(): AvatarSurface | null {
    return this.surface;
  }

  /** Puts an avatar surface into the `avatar` part; resolves when its first frame is drawn. */
  async attachSurface(surface: AvatarSurface): Promise<void> {
    this.surface = surface;
    await this.updateComplete;
    const slot = this.renderRoot.querySelector<HTMLElement>('[part="avatar"]');
    if (!slot) throw new Error('digital-human: avatar part missing');
    surface.mount(slot);
    surface.setBackground(this.config.useDefaultBackground);
    surface.start();
    await surface.ready;
  }

  /** Shows a caption now (plain text). */
  showCaption(text: string): void {
    clearTimeout(this.captionTimer);
    this.caption = this.config.enableCaption ? text : '';
  }

  /** Clears the caption after a short linger. */
  clearCaptionSoon(delayMs = CAPTION_LINGER_MS): void {
    clearTimeout(this.captionTimer);
    this.captionTimer = setTimeout(() => (this.caption = ''), delayMs);
  }

  /** Shows a status line; errors clear themselves after a while unless `sticky`. */
  showStatus(text: string, options: { error?: boolean; sticky?: boolean } = {}): void {
    clearTimeout(this.statusTimer);
    this.statusText = text;
    this.statusIsError = !!options.error;
    if (text && !options.sticky) this.statusTimer = setTimeout(() => (this.statusText = ''), STATUS_LINGER_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.captionTimer);
    clearTimeout(this.statusTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('config') && !this.config.enableCaption) this.caption = '';
    if (changed.has('config')) this.surface?.setBackground(this.config.useDefaultBackground);
    if (changed.has('state') || changed.has('language')) {
      const text = TEXT[this.language] ?? TEXT.en_US;
      if (this.state === 'CONNECTING') this.showStatus(text.connecting, { sticky: true });
      else if (this.state === 'ENDED') this.showStatus(text.ended, { sticky: true });
      else if (changed.get('state') === 'CONNECTING') this.showStatus('');
    }
  }

  protected override render() {
    const text = TEXT[this.language] ?? TEXT.en_US;
    const ended = this.state === 'ENDED';
    const inputDisabled = ended || this.state === 'CONNECTING';
    return html`
      <div class="root ${this.config.useDefaultBackground ? 'default-background' : ''}">
        <div part="avatar"></div>
        ${this.aiLabel ? html`<div part="ai-label">${text.aiLabel}</div>` : nothing}
        <div class="overlay">
          <div part="caption" class=${this.caption ? '' : 'hidden'} aria-live="polite">${this.caption}</div>
          <div part="status" class="${this.statusText ? '' : 'hidden'} ${this.statusIsError ? 'error' : ''}" role="status">
            ${this.statusText}
          </div>
          ${this.config.enableChatBtn
            ? html`<form part="input" @submit=${this.onSubmit}>
                <input
                  type="text"
                  name="question"
                  autocomplete="off"
                  enterkeyhint="send"
                  aria-label=${text.question}
                  placeholder=${text.placeholder}
                  ?disabled=${inputDisabled}
                />
                <button type="button" class="stop ${this.speaking ? '' : 'hidden'}" @click=${this.onStop}>${text.stop}</button>
                <button type="submit" class="send" ?disabled=${inputDisabled}>${text.send}</button>
              </form>`
            : nothing}
        </div>
      </div>
    `;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('input[name="question"]');
    if (!input) return;
    const detail: QuestionEventDetail = { text: input.value };
    const accepted = this.dispatchEvent(
      new CustomEvent<QuestionEventDetail>('dh-question', { detail, bubbles: true, composed: true, cancelable: true }),
    );
    // The SDK cancels the event when it refused the question; keep the text so the visitor can fix it.
    if (accepted) input.value = '';
  }

  private onStop(): void {
    this.dispatchEvent(new CustomEvent('dh-interrupt', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementEventMap {
    'dh-question': CustomEvent<QuestionEventDetail>;
    'dh-interrupt': CustomEvent<void>;
  }
}
