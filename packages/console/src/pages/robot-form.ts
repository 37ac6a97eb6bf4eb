/**
 * Create or edit a robot: every setting, the common ones as fields and the rest (speech engines, media mode,
 * lexicon, pacify, rate limits) as JSON. Secrets come from the server masked and are sent back masked, which the
 * server reads as "keep the stored one"; the server's validation message is shown as it is.
 */
import { css, html, nothing, type PropertyDeclarations } from 'lit';
import type { BrainConfig, HotQuestion, LanguageCode, Robot } from '@dhkit/protocol';
import { ConsoleElement, sharedStyles } from '../console-element.js';

const LANGUAGES: LanguageCode[] = ['zh_CN', 'en_US'];
/** Fields with their own inputs; everything else of a robot goes through the JSON box. */
const FORM_FIELDS = new Set([
  'id',
  'name',
  'languages',
  'defaultLanguage',
  'voices',
  'brain',
  'allowedOrigins',
  'mediaAllowlist',
  'concurrency',
  'idleTimeoutSeconds',
  'maxSessionSeconds',
  'aiLabel',
  'hotQuestions',
  'avatar',
  'createdAt',
  'updatedAt',
]);

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

export class RobotForm extends ConsoleElement {
  static override properties: PropertyDeclarations = {
    ...ConsoleElement.properties,
    robot: { attribute: false },
    brainType: { state: true },
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
    `,
  ];

  declare robot: Robot | null;
  declare brainType: BrainConfig['type'];
  declare avatars: Array<{ id: string; name?: string }>;
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.robot = null;
    this.brainType = 'knowledge';
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
      this.brainType = this.robot?.brain.type ?? 'knowledge';
      this.error = '';
    }
  }

  private value(name: string): string {
    return (this.renderRoot.querySelector<HTMLInputElement>(`[name="${name}"]`)?.value ?? '').trim();
  }

  private checked(name: string): boolean {
    return this.renderRoot.querySelector<HTMLInputElement>(`[name="${name}"]`)?.checked ?? false;
  }

  private number(name: string): number | undefined {
    const text = this.value(name);
    return text === '' ? undefined : Number(text);
  }

  private brainFromForm(): BrainConfig {
    const kept = this.robot?.brain.type === this.brainType ? this.robot.brain : { type: this.brainType };
    const optional = (name: string) => (this.value(name) === '' ? {} : { [name]: this.value(name) });
    if (this.brainType === 'openai')
      return { ...kept, type: 'openai', baseUrl: this.value('baseUrl'), model: this.value('model'), ...optional('apiKey') } as BrainConfig;
    if (this.brainType === 'webhook')
      return { ...kept, type: 'webhook', url: this.value('url'), secret: this.value('secret') } as BrainConfig;
    const threshold = this.number('threshold');
    const { threshold: _old, ...rest } = kept as { threshold?: number };
    return { ...rest, type: 'knowledge', ...(threshold === undefined ? {} : { threshold }) } as BrainConfig;
  }

  /** The robot as the form says; throws a message for what the form itself can tell is wrong. */
  private robotFromForm(): Record<string, unknown> {
    const languages = LANGUAGES.filter((language) => this.checked(`lang-${language}`));
    const voices = Object.fromEntries(languages.map((l) => [l, this.value(`voice-${l}`)]).filter(([, voice]) => voice));
    const hotQuestions: HotQuestion[] = languages.flatMap((language) =>
      lines(this.value(`hot-${language}`)).map((text) => ({ language, text })),
    );
    let other: Record<string, unknown> = {};
    const otherText = this.value('other');
    if (otherText) {
      try {
        other = JSON.parse(otherText) as Record<string, unknown>;
      } catch {
        throw new Error(this.t('advancedInvalid'));
      }
    }
    const robot: Record<string, unknown> = {
      ...other,
      name: this.value('name'),
      languages,
      defaultLanguage: this.value('defaultLanguage'),
      voices,
      brain: this.brainFromForm(),
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
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const robot = this.robot;
    const other = robot ? Object.fromEntries(Object.entries(robot).filter(([key]) => !FORM_FIELDS.has(key))) : {};
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
      ${this.renderBrain(robot?.brain)}
      <div class="grid">
        ${this.area('allowedOrigins', this.t('allowedOrigins'), (robot?.allowedOrigins ?? ['*']).join('\n'))}
        ${this.area('mediaAllowlist', this.t('mediaAllowlist'), (robot?.mediaAllowlist ?? []).join('\n'))}
      </div>
      <label class="inline"><input type="checkbox" name="aiLabel" ?checked=${robot?.aiLabel ?? true} />${this.t('aiLabel')}</label>
      ${this.area('other', this.t('advanced'), Object.keys(other).length ? JSON.stringify(other, null, 2) : '')}
      <div role="alert" class="error">${this.error}</div>
      <div class="row actions">
        <button class="primary" type="submit" ?disabled=${this.busy}>${this.t('save')}</button>
        <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('robot-form-cancel'))}>${this.t('cancel')}</button>
      </div>
    </form>`;
  }

  private renderBrain(brain: BrainConfig | undefined) {
    const same = brain?.type === this.brainType ? (brain as unknown as Record<string, unknown>) : {};
    const text = (key: string) => (same[key] === undefined ? '' : String(same[key]));
    return html`<fieldset>
      <legend>${this.t('brain')}</legend>
      <div class="field">
        <label for="f-brainType">${this.t('brainType')}</label>
        <select id="f-brainType" name="brainType" @change=${(e: Event) => (this.brainType = (e.target as HTMLSelectElement).value as BrainConfig['type'])}>
          ${(['knowledge', 'openai', 'webhook'] as const).map((type) => html`<option value=${type} ?selected=${this.brainType === type}>${type}</option>`)}
        </select>
      </div>
      <div class="grid">
        ${this.brainType === 'knowledge' ? this.field('threshold', this.t('threshold'), text('threshold'), 'number') : nothing}
        ${
          this.brainType === 'openai'
            ? html`${this.field('baseUrl', this.t('baseUrl'), text('baseUrl'), 'url')} ${this.field('model', this.t('model'), text('model'))}
            ${this.field('apiKey', this.t('apiKey'), text('apiKey'), 'password', this.t('secretHint'))}`
            : nothing
        }
        ${
          this.brainType === 'webhook'
            ? html`${this.field('url', this.t('webhookUrl'), text('url'), 'url')}
            ${this.field('secret', this.t('webhookSecret'), text('secret'), 'password', this.t('secretHint'))}`
            : nothing
        }
      </div>
    </fieldset>`;
  }

  /** A voice with its "play sample" button (only for a saved robot: the sample uses its speech engine). */
  private voiceField(language: LanguageCode, robot: Robot | null) {
    return html`<div class="field">
      <label for="f-voice-${language}">${this.t('voices')} ${language}</label>
      <div class="row voice">
        <input id="f-voice-${language}" class="grow" name="voice-${language}" .value=${robot?.voices[language] ?? ''} autocomplete="off" />
        ${
          robot
            ? html`<button type="button" @click=${() => this.playSample(robot.id, language)} aria-label="${this.t('playSample')} ${language}">
              ${this.t('playSample')}
            </button>`
            : nothing
        }
      </div>
    </div>`;
  }

  private async playSample(robotId: string, language: LanguageCode): Promise<void> {
    try {
      const wav = await this.api.voiceSample(robotId, language, this.value(`voice-${language}`) || undefined);
      const url = URL.createObjectURL(wav);
      const audio = new Audio(url);
      audio.addEventListener('ended', () => URL.revokeObjectURL(url), { once: true });
      await audio.play();
      this.error = '';
    } catch (error) {
      this.error = this.describe(error);
    }
  }

  private field(name: string, label: string, value: string, type = 'text', hint = '') {
    return html`<div class="field">
      <label for="f-${name}">${label}</label>
      <input id="f-${name}" name=${name} type=${type} .value=${value} step=${type === 'number' ? 'any' : nothing} autocomplete="off" />
      ${hint ? html`<div class="hint">${hint}</div>` : nothing}
    </div>`;
  }

  private area(name: string, label: string, value: string) {
    return html`<div class="field">
      <label for="f-${name}">${label}</label>
      <textarea id="f-${name}" name=${name} .value=${value} spellcheck="false"></textarea>
    </div>`;
  }
}
