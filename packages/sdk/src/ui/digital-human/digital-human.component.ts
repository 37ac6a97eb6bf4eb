import { DEFAULT_CONFIG, type DigitalHumanConfig, type RobotProfile } from '@dhkit/protocol';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { EndMentionReason } from '../../core/events.js';
import { DhElement } from '../internal/dh-element.js';
import type { AvatarSurface } from '../../avatar/avatar-surface.js';
import type { JobState } from '../../core/events.js';
import { DHKitError, toDHKitError } from '../../core/errors.js';
import { createLogger, type Logger } from '../../core/logger.js';
import type { DigitalHumanView } from '../../core/view.js';
import { t } from '../../i18n/i18n.js';
import { loadRendererChunk } from '../../rich-media/index.js';
import type DhCaptions from '../captions/captions.component.js';
import { hotQuestionsFor } from '../hot-questions/hot-questions-select.js';
import { emit, type MediaOpenEventDetail, type ViewErrorEventDetail } from '../internal/events.js';
import { baseStyles, themeStyles } from '../internal/theme.styles.js';
import type DhMediaViewer from '../media-viewer/media-viewer.component.js';
import type DhStatus from '../status/status.component.js';
import { QUESTION_ERRORS } from '../status/toasts.js';
import styles from './digital-human.styles.js';
import { AnswerCaptions } from './answer-captions.js';
import { BusyCountdown } from './busy-countdown.js';
import { EndCountdown } from './end-countdown.js';

/**
 * The digital human's view: the avatar surface with the built-in components around it (captions with the
 * rich answer, media viewer, hot questions, language switch, status and errors, input bar, AI label). It
 * holds no session logic; the SDK instance drives it and listens to the components' events, which bubble
 * out of it.
 *
 * @tagname digital-human
 * @event dh-question - The visitor asked (typed, or a hot question): `detail.text`. Cancelable.
 * @event dh-interrupt - The visitor pressed stop while the avatar spoke.
 * @event dh-mic - The visitor pressed the microphone (`detail.action`).
 * @event dh-device-change - The visitor chose a microphone (`detail.deviceId`), with `enableDeviceSetting`.
 * @event dh-language-change - The visitor chose a language (`detail.langCode`).
 * @event dh-media-blocked - Parts of an answer were left out by the media policy (`detail.dropped`).
 * @event dh-error - Something the UI could not do (`detail.code`, `detail.message`), such as an answer renderer
 * chunk that did not load (`CHUNK_LOAD_FAILED`).
 * @event dh-continue - The visitor pressed continue on an idle timeout's end countdown (the server's idle clock starts over).
 * @event dh-start-again - The visitor pressed "start again" after the session ended.
 *
 * @csspart avatar - Container of the avatar surface (a canvas in media mode `local`).
 * @csspart caption - `<dh-captions>`: the rich answer and the clause being spoken (with `enableCaption`).
 * @csspart media - The rendered answer with its pictures and videos (exported from the captions).
 * @csspart clause - The clause being spoken (exported from the captions).
 * @csspart hot-questions - `<dh-hot-questions>` (with `enableHotIssues`).
 * @csspart language - `<dh-language-switch>` (with `showLanguageUI`).
 * @csspart input - `<dh-input-bar>` (with `enableChatBtn`).
 * @csspart status - `<dh-status>`: connection state and error messages.
 * @csspart start-again - The "start again" button after an end (when create() got a function as onceCode).
 * @csspart end-countdown - The card of `jobEndMention` ("still there?", or "time is almost up" before the maximum
 * duration); `continue` is its button.
 * @csspart ai-label - `<dh-ai-label>`, when the robot asks for it.
 *
 * @cssproperty --dh-background - Background when `useDefaultBackground` is on.
 * @cssproperty --dh-accent - Accent color (send button, focus ring); --dh-accent-contrast its text.
 * @cssproperty --dh-font-family - Font of every component.
 * @cssproperty --dh-radius - Corner radius of captions, chips and input bar.
 * @cssproperty --dh-min-height - Smallest height of the element (default 240px).
 * @cssproperty --dh-answer-avatar-scale - How small the avatar gets while an answer card is shown (default 0.62; 1 keeps her size).
 * @cssproperty --dh-avatar-skin / -skin-shade / -hair / -shirt / -lips / -eyes / -cheeks - Colors of the built-in fallback face
 *   (drawn when the avatar pack cannot load), read at mount.
 */
export default class DigitalHumanElement extends DhElement implements DigitalHumanView {
  static override readonly tag = 'digital-human';

  static override styles = [themeStyles, baseStyles, styles];

  static override properties = {
    config: { attribute: false },
    profile: { attribute: false },
    serverAddress: { attribute: false },
    sessionId: { attribute: 'data-session-id', reflect: true },
    state: { type: String, reflect: true },
    speaking: { type: Boolean, reflect: true },
    listening: { type: Boolean, reflect: true },
    voiceUnavailable: { state: true },
    answering: { type: Boolean, reflect: true },
    canStartAgain: { type: Boolean, attribute: false },
  };

  /** The SDK config in force (set by the SDK instance). */
  config: DigitalHumanConfig;
  /** The robot profile of the session (languages, hot questions, media allowlist, AI label, voice input). */
  profile: RobotProfile | null;
  /** The server's HTTP base (answers' media resolve against it). */
  serverAddress: string;
  sessionId: string;
  /** Where warnings go (the digital human's logger, honouring its `logLevel`). */
  log: Logger = createLogger();
  /** The session state, reflected as the `state` attribute. */
  state: JobState;
  /** True while the avatar's audio is playing; reflected as the `speaking` attribute. */
  speaking: boolean;
  /** The microphone is listening (push-to-talk). */
  listening: boolean;
  /**
   * An answer card is shown; reflected as `answering`. The avatar then makes room (shrinks towards the top),
   * so the card never covers her face.
   */
  answering: boolean;
  /** After an end, offer "start again" (`dh-start-again`); the SDK sets it when a new session can follow. */
  canStartAgain: boolean;

  /** The server could not speak an answer this session (SPEECH_SYNTHESIS_FAILED): the status line says so. */
  protected voiceUnavailable = false;
  /** The card of `jobEndMention`. */
  private readonly endCountdown = new EndCountdown(this, () =>
    this.dispatchEvent(new CustomEvent('dh-continue', { bubbles: true, composed: true })),
  );
  /** The seconds to the next admission try while all assistants are busy. */
  private readonly busy = new BusyCountdown(this);
  /** The answer and the clause on the captions. */
  private readonly answer = new AnswerCaptions(this, () => this.captions);
  private surface: AvatarSurface | null = null;

  constructor() {
    super();
    this.config = { ...DEFAULT_CONFIG };
    this.profile = null;
    this.serverAddress = '';
    this.sessionId = '';
    this.state = 'CONNECTING';
    this.speaking = false;
    this.listening = false;
    this.answering = false;
    this.canStartAgain = false;
    // A question the SDK took makes the refusals of earlier ones stale ("type a question first" under an answer).
    // The view bridge cancels a refused question while the event is dispatched, so this looks once it is over.
    this.addEventListener('dh-question', (event) =>
      queueMicrotask(() => event.defaultPrevented || this.status?.dismissCodes(QUESTION_ERRORS)),
    );
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

  private get captions(): DhCaptions | null {
    return this.renderRoot?.querySelector('dh-captions') ?? null;
  }

  private get status(): DhStatus | null {
    return this.renderRoot?.querySelector('dh-status') ?? null;
  }

  private get viewer(): DhMediaViewer | null {
    return this.renderRoot?.querySelector('dh-media-viewer') ?? null;
  }

  /** Puts an avatar surface into the `avatar` part; resolves when its first frame is drawn. */
  async attachSurface(surface: AvatarSurface): Promise<void> {
    this.surface = surface;
    // Before anything is fetched: the first frame then waits only for the backdrop it shows.
    this.showBackground();
    await this.updateComplete;
    const slot = this.renderRoot.querySelector<HTMLElement>('[part="avatar"]');
    if (!slot) throw new DHKitError('INTERNAL_ERROR', 'digital-human: avatar part missing');
    surface.mount(slot);
    surface.start();
    await surface.ready;
  }

  /** Shows the clause being spoken (plain text; pacifying fillers too). */
  showClause(text: string): void {
    this.answer.showClause(text);
  }

  /** Clears the clause after a short linger. */
  clearClauseSoon(delayMs?: number): void {
    this.answer.clearClauseSoon(delayMs);
  }

  /** Appends a `semanticRecognized` segment to the answer shown; a new chatId starts a new answer. */
  addAnswer(chatId: string, text: string, isLast: boolean): void {
    const shown = this.answer.addAnswer(chatId, text, isLast);
    if (shown !== null) this.answering = shown;
  }

  /** The answer shown will get no more segments (interrupted). */
  endAnswer(): void {
    this.answer.endAnswer();
  }

  /** Shows an error in the visitor's language; weak errors only with `enableWeakErrorInfo`. */
  showError(code: string): void {
    // A silent avatar is never left unexplained: a lasting status line, whatever enableWeakErrorInfo says.
    if (code === 'SPEECH_SYNTHESIS_FAILED') this.voiceUnavailable = true;
    this.status?.showError(code);
  }

  /** The system's color scheme, followed when no `theme` is set. */
  private readonly systemScheme = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  private readonly onSystemScheme = () => this.showBackground();

  /** The avatar's own backdrop (`useDefaultBackground`), in the scheme in force: dark mode darkens the scene too. */
  private showBackground(): void {
    const dark = this.theme === 'dark' || (this.theme !== 'light' && !!this.systemScheme?.matches);
    this.surface?.setBackground(this.config.useDefaultBackground, dark);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.systemScheme?.addEventListener('change', this.onSystemScheme);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.systemScheme?.removeEventListener('change', this.onSystemScheme);
  }

  /** Shows the session's end countdown (`jobEndMention`: an idle timeout or the maximum duration); null hides it. */
  showEndCountdown(seconds: number | null, reason?: EndMentionReason): void {
    this.endCountdown.show(seconds, reason);
  }

  /** All assistants are busy: the status line says so and counts down to the next try; null clears it. */
  showBusy(retryInMs: number | null): void {
    this.busy.show(retryInMs);
  }

  private onStartAgain(): void {
    this.dispatchEvent(new CustomEvent('dh-start-again', { bubbles: true, composed: true }));
  }

  /**
   * Clears the answer, the caption, a question typed but not sent and an open picture: a session that ended,
   * or a new one on this element, leaves nothing of the last conversation on screen.
   */
  clearConversation(): void {
    this.answer.clear();
    this.renderRoot?.querySelector('dh-input-bar')?.clear();
    this.viewer?.close();
    this.answering = false;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('state') && (this.state === 'ENDED' || this.state === 'CONNECTING')) {
      this.clearConversation();
      this.endCountdown.show(null);
    }
    if (changed.has('state') && this.state === 'ENDED') {
      // The session's audio clock has stopped: the avatar lets go of it, or the mouth freezes mid-word.
      this.surface?.setVisemeTimeline(null);
      this.surface?.attachAnalyser(null);
    }
    if (changed.has('config') || changed.has('theme')) this.showBackground();
    // The answer renderer (marked + DOMPurify) is a lazy chunk: fetch it as soon as captions may need it.
    if (
      (changed.has('config') || changed.has('serverAddress')) &&
      this.serverAddress &&
      (this.config.enableCaption || this.config.enableMediaViewer)
    ) {
      // A chunk that does not load (a strict CSP, a missing file) is reported, never silent: `dh-error` becomes
      // the digital human's `error` event (CHUNK_LOAD_FAILED); captions meanwhile show answers as plain text.
      loadRendererChunk(this.serverAddress).catch((error: unknown) => {
        const { code, message } = toDHKitError(error, 'CHUNK_LOAD_FAILED');
        emit<ViewErrorEventDetail>(this, 'dh-error', { code, message });
      });
    }
  }

  /** The status line's text: connecting, all busy (with the retry countdown), ended, or no voice. */
  private statusInfo(): string {
    const lang = this.language;
    const busySeconds = this.busy.seconds;
    if (busySeconds !== null && this.state === 'CONNECTING') {
      return `${t(lang, 'allBusy')}. ${t(lang, 'allBusyDetail')} ${busySeconds ? t(lang, 'retryIn', { seconds: busySeconds }) : ''}`.trim();
    }
    if (this.state === 'CONNECTING') return t(lang, 'connecting');
    if (this.state === 'ENDED') return t(lang, 'ended');
    return this.voiceUnavailable ? t(lang, 'voiceUnavailable') : '';
  }

  /** The top bar: the AI label and the language switch. */
  private renderTop(inputDisabled: boolean) {
    const profile = this.profile;
    return html`
      <div class="top">
        ${profile?.aiLabel ? html`<dh-ai-label part="ai-label" .language=${this.language} .theme=${this.theme}></dh-ai-label>` : nothing}
        ${
          this.config.showLanguageUI
            ? html`<dh-language-switch
              part="language"
              .language=${this.language}
              .theme=${this.theme}
              .languages=${profile?.languages ?? []}
              ?disabled=${inputDisabled}
            ></dh-language-switch>`
            : nothing
        }
      </div>
    `;
  }

  protected override render(): TemplateResult {
    const lang = this.language;
    const theme = this.theme;
    const config = this.config;
    const profile = this.profile;
    const ended = this.state === 'ENDED';
    const inputDisabled = ended || this.state === 'CONNECTING';
    const info = this.statusInfo();
    const hotQuestions = config.enableHotIssues ? hotQuestionsFor(profile?.hotQuestions, lang) : [];
    return html`
      <div class="root ${config.useDefaultBackground ? 'default-background' : ''}">
        <div part="avatar"></div>
        ${this.renderTop(inputDisabled)}
        <div class="overlay">
          ${
            config.enableCaption
              ? html`<dh-captions
                part="caption"
                exportparts="answer:media,clause"
                .language=${lang}
                .theme=${theme}
                .mediaViewer=${config.enableMediaViewer}
                .serverAddress=${this.serverAddress}
                .log=${this.log}
                .mediaAllowlist=${profile?.mediaAllowlist ?? []}
                @dh-media-open=${this.onMediaOpen}
              ></dh-captions>`
              : nothing
          }
          ${this.endCountdown.render(lang)}
          ${
            ended && this.canStartAgain
              ? html`<button type="button" part="start-again" class="start-again"
                  @click=${this.onStartAgain}>${t(lang, 'startAgain')}</button>`
              : nothing
          }
          <dh-status part="status" .language=${lang} .theme=${theme} .weakErrors=${config.enableWeakErrorInfo} .info=${info}></dh-status>
          ${
            hotQuestions.length
              ? html`<dh-hot-questions
                part="hot-questions"
                .language=${lang}
                .theme=${theme}
                .questions=${hotQuestions}
                ?disabled=${inputDisabled}
              ></dh-hot-questions>`
              : nothing
          }
          ${
            config.enableChatBtn
              ? html`<dh-input-bar
                part="input"
                .language=${lang}
                .theme=${theme}
                .disabled=${inputDisabled}
                .speaking=${this.speaking}
                .listening=${this.listening}
                .voiceAvailable=${!!profile?.voiceInput}
                .deviceSetting=${this.config.enableDeviceSetting}
              ></dh-input-bar>`
              : nothing
          }
        </div>
        <dh-media-viewer .language=${lang} .theme=${theme}></dh-media-viewer>
      </div>
    `;
  }

  private onMediaOpen(event: CustomEvent<MediaOpenEventDetail>): void {
    event.stopPropagation();
    if (!this.config.enableMediaViewer) return;
    this.viewer?.show(event.detail.items, event.detail.index, event.detail.opener);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'digital-human': DigitalHumanElement;
  }
}
