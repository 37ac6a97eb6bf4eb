import { LIMITS } from '@dhkit/protocol';
import { html, nothing } from 'lit';
import { DhElement } from '../internal/dh-element.js';
import { languageTag, t } from '../../i18n/i18n.js';
import { baseStyles, themeStyles } from '../internal/theme.styles.js';
import styles from './input-bar.styles.js';
import { insertionOverflows, keptLength } from './question-limit.js';

/** How long the "voice is not available" tooltip stays after a press on the disabled mic. */
const TOOLTIP_MS = 3000;

/**
 * The visitor's input: a text field, a send button, a microphone button and, while the avatar speaks, a stop
 * button. When voice is not available the microphone stays focusable but inert and explains why in a
 * tooltip (a disabled button could neither be focused nor hovered). The field stops at the question's limit (the
 * browser's `maxlength`, which cuts typed or pasted text silently); when it cuts, a notice tells the visitor (a polite
 * live region) until the field is shorter than the limit again or the question is sent.
 *
 * @tagname dh-input-bar
 * @event dh-question - The visitor sent the field's text (`detail.text`, untrimmed). Cancelable: when a
 *   listener cancels it (the question was refused), the text stays in the field.
 * @event dh-interrupt - The visitor pressed stop while the avatar spoke.
 * @event dh-mic - The visitor pressed the microphone (`detail.action`: `start`, or `stop` while listening).
 * @event dh-device-change - The visitor chose a microphone in the device picker (`detail.deviceId`; '' = default).
 *
 * @csspart base - The form.
 * @csspart field - The text field.
 * @csspart device - The microphone picker (`device-setting` with voice available).
 * @csspart send - The send button.
 * @csspart stop - The stop button (only while `speaking`).
 * @csspart mic - The microphone button; also `mic-listening` while listening.
 * @csspart mic-listening - The microphone button while listening.
 * @csspart tooltip - Why voice input is unavailable.
 * @csspart notice - Says that the question was cut at its limit (a polite live region; empty until then).
 *
 * @cssproperty --dh-input-background - Bar background.
 * @cssproperty --dh-input-color - Text color.
 * @cssproperty --dh-input-font-size - Field font size (default 16px, so phones do not zoom in).
 * @cssproperty --dh-accent - Send button; --dh-accent-contrast its text.
 * @cssproperty --dh-radius - Corner radius.
 */
export default class DhInputBar extends DhElement {
  static override readonly tag = 'dh-input-bar';

  static override styles = [themeStyles, baseStyles, styles];

  static override properties = {
    disabled: { type: Boolean, reflect: true },
    speaking: { type: Boolean, reflect: true },
    showMic: { type: Boolean, attribute: 'show-mic', reflect: true },
    voiceAvailable: { type: Boolean, attribute: 'voice-available', reflect: true },
    listening: { type: Boolean, reflect: true },
    deviceSetting: { type: Boolean, attribute: 'device-setting', reflect: true },
    maxLength: { type: Number, attribute: 'max-length' },
    tooltipShown: { state: true },
    trimmed: { state: true },
    microphones: { state: true },
  };

  /** No input possible (connecting, ended). */
  disabled: boolean;
  /** The avatar is speaking: the stop button shows. */
  speaking: boolean;
  /** Show the microphone button at all. */
  showMic: boolean;
  /** Voice input can be used (microphone allowed, voice mode supported). */
  voiceAvailable: boolean;
  /** The microphone is listening. */
  listening: boolean;
  /** Offer a microphone picker (`enableDeviceSetting`), when voice is available. */
  deviceSetting: boolean;
  /** Longest question in characters. */
  maxLength: number;
  protected tooltipShown: boolean;
  /** The last edit went past `maxLength` and the browser cut it: the notice shows. */
  protected trimmed: boolean;
  /** The browser's microphones (labels appear once the visitor has allowed the microphone). */
  protected microphones: Array<{ deviceId: string; label: string }>;

  private tooltipTimer: ReturnType<typeof setTimeout> | undefined;
  /** While an IME composes: the field's length outside the composition. */
  private lengthBeforeComposition = 0;

  constructor() {
    super();
    this.disabled = false;
    this.speaking = false;
    this.showMic = true;
    this.voiceAvailable = false;
    this.listening = false;
    this.deviceSetting = false;
    this.maxLength = LIMITS.questionMaxChars;
    this.tooltipShown = false;
    this.trimmed = false;
    this.microphones = [];
  }

  protected override updated(changed: Map<string, unknown>): void {
    const picking = this.deviceSetting && this.voiceAvailable;
    if ((changed.has('deviceSetting') || changed.has('voiceAvailable') || changed.has('listening')) && picking) void this.listMicrophones();
    if (changed.has('deviceSetting') || changed.has('voiceAvailable')) {
      navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
      if (picking) navigator.mediaDevices?.addEventListener?.('devicechange', this.onDeviceChange);
    }
  }

  private readonly onDeviceChange = () => void this.listMicrophones();

  private async listMicrophones(): Promise<void> {
    const devices = (await navigator.mediaDevices?.enumerateDevices?.().catch(() => [])) ?? [];
    this.microphones = devices
      .filter((device) => device.kind === 'audioinput' && device.deviceId !== 'default' && device.deviceId !== '')
      .map((device, i) => ({ deviceId: device.deviceId, label: device.label || `${t(this.language, 'microphone')} ${i + 1}` }));
  }

  private onDevicePicked(event: Event): void {
    this.emit('dh-device-change', { deviceId: (event.target as HTMLSelectElement).value });
  }

  /** The text field. */
  get field(): HTMLInputElement | null {
    return this.renderRoot?.querySelector<HTMLInputElement>('[part="field"]') ?? null;
  }

  /** Moves focus to the text field. */
  override focus(options?: FocusOptions): void {
    this.field?.focus(options);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.tooltipTimer);
    navigator.mediaDevices?.removeEventListener?.('devicechange', this.onDeviceChange);
  }

  protected override render() {
    const lang = this.language;
    const micLabel = this.listening ? t(lang, 'micStop') : t(lang, 'mic');
    const micParts = this.listening ? 'mic mic-listening' : 'mic';
    return html`<form part="base" lang=${languageTag(lang)} @submit=${this.onSubmit}>
      <input
        part="field"
        type="text"
        name="question"
        autocomplete="off"
        enterkeyhint="send"
        maxlength=${this.maxLength}
        aria-label=${t(lang, 'questionLabel')}
        placeholder=${this.listening ? t(lang, 'listening') : t(lang, 'placeholder')}
        ?disabled=${this.disabled}
        @keydown=${this.onFieldKeydown}
        @beforeinput=${this.onBeforeInput}
        @compositionstart=${this.onCompositionStart}
        @compositionend=${this.onCompositionEnd}
        @input=${this.onInput}
      />
      <span part="notice" role="status" aria-live="polite"
        >${this.trimmed ? t(lang, 'questionTrimmed', { max: this.maxLength }) : nothing}</span
      >
      ${
        this.showMic
          ? html`<span class="mic-wrap">
            <button
              type="button"
              part=${micParts}
              aria-label=${micLabel}
              title=${this.voiceAvailable ? micLabel : nothing}
              aria-pressed=${this.listening ? 'true' : 'false'}
              aria-disabled=${this.voiceAvailable && !this.disabled ? 'false' : 'true'}
              aria-describedby=${this.voiceAvailable ? nothing : 'mic-tooltip'}
              @click=${this.onMic}
            >
              <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path
                  d="M12 14a3 3 0 0 0 3-3V5a3 3 0 1 0-6 0v6a3 3 0 0 0 3 3z
                     m5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2z" />
              </svg>
            </button>
            <span id="mic-tooltip" part="tooltip" role="tooltip" class=${this.tooltipShown ? 'shown' : ''} ?hidden=${this.voiceAvailable}
              >${t(lang, 'micUnavailable')}</span
            >
          </span>`
          : nothing
      }
      ${
        this.deviceSetting && this.voiceAvailable
          ? html`<select part="device" aria-label=${t(lang, 'microphone')} ?disabled=${this.disabled} @change=${this.onDevicePicked}>
            <option value="">${t(lang, 'defaultMicrophone')}</option>
            ${this.microphones.map((mic) => html`<option value=${mic.deviceId}>${mic.label}</option>`)}
          </select>`
          : nothing
      }
      <button type="button" part="stop" aria-label=${t(lang, 'stopLabel')} ?hidden=${!this.speaking} @click=${this.onStop}>
        ${t(lang, 'stop')}
      </button>
      <button type="submit" part="send" ?disabled=${this.disabled}>${t(lang, 'send')}</button>
    </form>`;
  }

  /** Empties the field (a new session on the same element starts with nothing of the last visitor's). */
  clear(): void {
    if (this.field) this.field.value = '';
    this.trimmed = false;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const field = this.field;
    if (!field || this.disabled) return;
    const accepted = this.emit('dh-question', { text: field.value }, { cancelable: true });
    if (accepted) this.clear();
  }

  /** Typing and pasting (an IME's text is checked when it ends: compositionend). */
  private onBeforeInput(event: InputEvent): void {
    const field = event.target as HTMLInputElement;
    if (!event.inputType.startsWith('insert') || event.isComposing || event.inputType === 'insertCompositionText') return;
    const inserted = event.data ?? event.dataTransfer?.getData('text/plain') ?? '';
    if (insertionOverflows(field, inserted, this.maxLength)) this.trimmed = true;
  }

  private onCompositionStart(event: CompositionEvent): void {
    this.lengthBeforeComposition = keptLength(event.target as HTMLInputElement);
  }

  private onCompositionEnd(event: CompositionEvent): void {
    if (this.lengthBeforeComposition + (event.data ?? '').length > this.maxLength) this.trimmed = true;
  }

  /** The notice goes once the visitor has made room again. */
  private onInput(event: Event): void {
    if (this.trimmed && (event.target as HTMLInputElement).value.length < this.maxLength) this.trimmed = false;
  }

  private onFieldKeydown(event: KeyboardEvent): void {
    // Escape in the field stops the answer, like the stop button (which may be out of reach on a kiosk).
    if (event.key === 'Escape' && this.speaking) {
      event.preventDefault();
      this.onStop();
    }
  }

  private onStop(): void {
    this.emit('dh-interrupt', undefined);
  }

  private onMic(): void {
    if (!this.voiceAvailable || this.disabled) {
      this.tooltipShown = true;
      clearTimeout(this.tooltipTimer);
      this.tooltipTimer = setTimeout(() => (this.tooltipShown = false), TOOLTIP_MS);
      return;
    }
    this.emit('dh-mic', { action: this.listening ? 'stop' : 'start' });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-input-bar': DhInputBar;
  }
}
