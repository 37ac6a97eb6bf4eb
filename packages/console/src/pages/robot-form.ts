/**
 * Create or edit a robot: every setting as its own typed input (the nested ones described in robot-settings.ts).
 * Secrets come from the server masked and are sent back masked, which the server reads as "keep the stored one".
 * The server's validation message is shown as it is, and beside the input it is about (its path names the field).
 */
import { css, html, nothing, type PropertyDeclarations } from 'lit';
import type { BrainConfig, HotQuestion, LanguageCode, Robot } from '@dhkit/protocol';
import { ConsoleElement, sharedStyles } from '../console-element.js';
import { settingLabel, type SettingLabel } from '../i18n-settings.js';
import { LANGUAGES, readBrain, readSettings, renderBrain, renderSettings } from './robot-settings.js';
import { lines, type FormKit } from './setting-fields.js';
import { fieldOfMessage } from './field-of-message.js';

export class RobotForm extends ConsoleElement {
  static override properties: PropertyDeclarations = {
    ...ConsoleElement.properties,
    robot: { attribute: false },
    choices: { state: true },
    invalidField: { state: true },
    avatars: { state: true },
    error: { state: true },
    busy: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      fieldset {
        border: 1px solid var(--c-border);
        border-radius: 6px;
        margin: 12px 0;
      }
      legend {
        font-weight: 600;
      }
      .hint {
        font-size: 0.85rem;
        color: var(--c-muted);
      }
      .actions {
        margin-top: 16px;
      }
      .field .voice {
        flex-wrap: nowrap;
      }
      .field .voice input {
        width: auto;
        min-width: 0;
      }
      .field-error {
        color: var(--c-danger);
        font-size: 0.9rem;
        font-weight: 600;
      }
      [aria-invalid='true'] {
        border-color: var(--c-danger);
      }
    `,
  ];

  declare robot: Robot | null;
  /** The current pick of each select that changes which inputs are shown (brain type, speech engine, media mode). */
  declare choices: Record<string, string>;
  /** The input the server's last validation message is about ('' when none). */
  declare invalidField: string;
  declare avatars: Array<{ id: string; name?: string }>;
  declare error: string;
  declare busy: boolean;
  /** The message of the last failed voice sample ('' when none). */
  private sampleError = '';

  constructor() {
    super();
    this.robot = null;
    this.choices = {};
    this.invalidField = '';
    this.avatars = [];
    this.error = '';
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.api
      .avatars()
      .then((avatars) => (this.avatars = avatars))
      .catch(() => undefined);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('robot')) {
      this.choices = {};
      this.error = '';
      this.invalidField = '';
    }
  }

  /** FormReader: an input's trimmed value. */
  value(name: string): string {
    return (this.renderRoot.querySelector<HTMLInputElement>(`[name="${name}"]`)?.value ?? '').trim();
  }

  /** FormReader: whether a checkbox is checked. */
  checked(name: string): boolean {
    return this.renderRoot.querySelector<HTMLInputElement>(`[name="${name}"]`)?.checked ?? false;
  }

  private number(name: string): number | undefined {
    const text = this.value(name);
    return text === '' ? undefined : Number(text);
  }

  private get brainType(): BrainConfig['type'] {
    return this.choice('brain.type', this.robot?.brain.type ?? 'knowledge') as BrainConfig['type'];
  }

  private choice = (name: string, fallback: string): string => this.choices[name] ?? fallback;

  /** The robot as the form says; throws a message for what the form itself can tell is wrong. */
  private robotFromForm(): Record<string, unknown> {
    const languages = LANGUAGES.filter((language) => this.checked(`lang-${language}`));
    const voices = Object.fromEntries(languages.map((l) => [l, this.value(`voices.${l}`)]).filter(([, voice]) => voice));
    const hotQuestions: HotQuestion[] = languages.flatMap((language) =>
      lines(this.value(`hot-${language}`)).map((text) => ({ language, text })),
    );
    const robot: Record<string, unknown> = {
      ...readSettings(this, this.robot, (key) => this.settingLabel(key)),
      name: this.value('name'),
      languages,
      defaultLanguage: this.value('defaultLanguage'),
      voices,
      brain: readBrain(this, this.brainType),
      allowedOrigins: lines(this.value('allowedOrigins')),
      mediaAllowlist: lines(this.value('mediaAllowlist')),
      concurrency: this.number('concurrency'),
      idleTimeoutSeconds: this.number('idleTimeoutSeconds'),
      maxSessionSeconds: this.number('maxSessionSeconds'),
      aiLabel: this.checked('aiLabel'),
      hotQuestions,
      avatar: this.value('avatar') || undefined,
    };
    if (!this.robot && this.value('id')) robot.id = this.value('id');
    for (const key of Object.keys(robot)) if (robot[key] === undefined) delete robot[key];
    if (!languages.includes(robot.defaultLanguage as LanguageCode)) delete robot.defaultLanguage;
    return robot;
  }

  private async save(event: Event): Promise<void> {
    event.preventDefault();
    this.busy = true;
    try {
      const robot = this.robotFromForm();
      if (this.robot) await this.api.updateRobot(this.robot.id, robot);
      else await this.api.createRobot(robot);
      this.dispatchEvent(new CustomEvent('robot-saved', { bubbles: true, composed: true }));
    } catch (error) {
      this.error = this.describe(error);
      this.invalidField = fieldOfMessage(this.error, (name) => this.renderRoot.querySelector(`[name="${name}"]`) !== null);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const robot = this.robot;
    const languages = robot?.languages ?? LANGUAGES;
    return html`<form class="panel" @submit=${this.save} novalidate aria-labelledby="robot-form-title">
      <h2 id="robot-form-title">${robot ? `${this.t('edit')}: ${robot.id}` : this.t('newRobot')}</h2>
      <div class="grid">
        ${robot ? nothing : this.field('id', this.t('id'), '', 'text', 'optional: generated')}
        ${this.field('name', this.t('name'), robot?.name ?? '')}
        ${this.field('concurrency', this.t('concurrency'), String(robot?.concurrency ?? 1), 'number')}
        ${this.field('idleTimeoutSeconds', this.t('idleTimeout'), String(robot?.idleTimeoutSeconds ?? 300), 'number')}
        ${this.field('maxSessionSeconds', this.t('maxSession'), String(robot?.maxSessionSeconds ?? 1800), 'number')}
        <div class="field">
          <label for="f-avatar">${this.t('avatar')}</label>
          <select id="f-avatar" name="avatar">
            <option value="">${this.t('avatarDefault')}</option>
            ${this.avatars.map((a) => html`<option value=${a.id} ?selected=${robot?.avatar === a.id}>${a.name ?? a.id}</option>`)}
          </select>
        </div>
      </div>
      <fieldset>
        <legend>${this.t('languages')}</legend>
        ${LANGUAGES.map(
          (language) => html`<label class="inline"
            ><input type="checkbox" name="lang-${language}" ?checked=${languages.includes(language)} />${language}</label
          >`,
        )}
        <div class="grid">
          <div class="field">
            <label for="f-defaultLanguage">${this.t('defaultLanguage')}</label>
            <select id="f-defaultLanguage" name="defaultLanguage">
              ${LANGUAGES.map((l) => html`<option value=${l} ?selected=${(robot?.defaultLanguage ?? 'zh_CN') === l}>${l}</option>`)}
            </select>
          </div>
          ${LANGUAGES.map((l) => this.voiceField(l, robot))}
        </div>
        <div class="grid">
          ${LANGUAGES.map((l) =>
            this.area(
              `hot-${l}`,
              `${this.t('hotQuestions')} ${l}`,
              (robot?.hotQuestions ?? [])
                .filter((q) => q.language === l)
                .map((q) => q.text)
                .join('\n'),
            ),
          )}
        </div>
      </fieldset>
      ${renderBrain(this.kit, robot?.brain, this.brainType)}
      <div class="grid">
        ${this.area('allowedOrigins', this.t('allowedOrigins'), (robot?.allowedOrigins ?? ['*']).join('\n'))}
        ${this.area('mediaAllowlist', this.t('mediaAllowlist'), (robot?.mediaAllowlist ?? []).join('\n'))}
      </div>
      <label class="inline"><input type="checkbox" name="aiLabel" ?checked=${robot?.aiLabel ?? true} />${this.t('aiLabel')}</label>
      ${renderSettings(this.kit, robot, this.choice)}
      <div role="alert" class="error">${this.error}</div>
      <div class="row actions">
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.t('save')}</button>
        <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('robot-form-cancel'))}>${this.t('cancel')}</button>
      </div>
    </form>`;
  }

  /** A voice with its "play sample" button (only for a saved robot: the sample uses its speech engine). */
  private voiceField(language: LanguageCode, robot: Robot | null) {
    return html`<div class="field">
      <label for="f-voices.${language}">${this.t('voices')} ${language}</label>
      <div class="row voice">
        <input id="f-voices.${language}" class="grow" name="voices.${language}"
          .value=${robot?.voices[language] ?? ''} autocomplete="off" />
        ${
          robot
            ? html`<button type="button" @click=${() => this.playSample(robot.id, language)}
                aria-label="${this.t('playSample')} ${language}">
              ${this.t('playSample')}
            </button>`
            : nothing
        }
      </div>
    </div>`;
  }

  private async playSample(robotId: string, language: LanguageCode): Promise<void> {
    try {
      const wav = await this.api.voiceSample(robotId, language, this.value(`voices.${language}`) || undefined);
      const url = URL.createObjectURL(wav);
      const audio = new Audio(url);
      audio.addEventListener('ended', () => URL.revokeObjectURL(url), { once: true });
      await audio.play();
      // Only a sample's own earlier failure is cleared: playback may start after a save has reported a problem.
      if (this.error === this.sampleError) this.error = '';
    } catch (error) {
      this.error = this.sampleError = this.describe(error);
    }
  }

  private settingLabel(key: SettingLabel): string {
    return settingLabel(this.lang ?? 'en', key);
  }

  /** The inputs as robot-settings.ts draws them: each with its label, hint and the server's message when it is about it. */
  private get kit(): FormKit {
    return {
      field: (name, label, value, type, hint) => this.field(name, label, value, type, hint),
      area: (name, label, value, hint) => this.area(name, label, value, hint),
      check: (name, label, checked) => this.check(name, label, checked),
      choice: (name, label, options, selected) => this.select(name, label, options, selected),
      label: (key) => this.settingLabel(key),
      secretHint: this.t('secretHint'),
    };
  }

  /** The server's message under the input it is about, tied to it for screen readers. */
  private describedBy(name: string, hint: string) {
    const ids = [hint ? `h-${name}` : '', this.invalidField === name ? `e-${name}` : ''].filter(Boolean).join(' ');
    return ids || nothing;
  }

  private notes(name: string, hint: string) {
    return html`${hint ? html`<div class="hint" id="h-${name}">${hint}</div>` : nothing}
    ${this.invalidField === name ? html`<div class="field-error" id="e-${name}">${this.error}</div>` : nothing}`;
  }

  private field(name: string, label: string, value: string, type = 'text', hint = '') {
    return html`<div class="field">
      <label for="f-${name}">${label}</label>
      <input
        id="f-${name}"
        name=${name}
        type=${type}
        .value=${value}
        step=${type === 'number' ? 'any' : nothing}
        autocomplete="off"
        aria-invalid=${this.invalidField === name ? 'true' : nothing}
        aria-describedby=${this.describedBy(name, hint)}
      />
      ${this.notes(name, hint)}
    </div>`;
  }

  private area(name: string, label: string, value: string, hint = '') {
    return html`<div class="field">
      <label for="f-${name}">${label}</label>
      <textarea
        id="f-${name}"
        name=${name}
        .value=${value}
        spellcheck="false"
        aria-invalid=${this.invalidField === name ? 'true' : nothing}
        aria-describedby=${this.describedBy(name, hint)}
      ></textarea>
      ${this.notes(name, hint)}
    </div>`;
  }

  private check(name: string, label: string, checked: boolean) {
    return html`<div class="field">
      <label class="inline"><input type="checkbox" name=${name} ?checked=${checked} />${label}</label>
      ${this.notes(name, '')}
    </div>`;
  }

  /** A select whose pick changes which inputs are shown. */
  private select(name: string, label: string, options: readonly string[], selected: string) {
    return html`<div class="field">
      <label for="f-${name}">${label}</label>
      <select id="f-${name}" name=${name}
        @change=${(e: Event) => (this.choices = { ...this.choices, [name]: (e.target as HTMLSelectElement).value })}>
        ${options.map((option) => html`<option value=${option} ?selected=${selected === option}>${option}</option>`)}
      </select>
      ${this.notes(name, '')}
    </div>`;
  }
}
