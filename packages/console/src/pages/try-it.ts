/**
 * "Try it": the robot's digital human embedded right here, through the SDK this server serves, admitted with a
 * once-code minted for this page (the admin API; the code is never shown), plus the embed snippet to copy.
 *
 * The digital human is what a visitor sees, so its own buttons and captions follow its session's language, as on a
 * customer's site. That session starts in the console's language when the robot speaks it (and follows the
 * console's language switch); a robot that does not speak it talks, and labels its buttons, in its own: buttons in
 * one language beside speech in another would show the operator something no visitor ever sees.
 */
import { css, html, nothing, type PropertyDeclarations } from 'lit';
import type { LanguageCode, Robot } from '@dhkit/protocol';
import type { DigitalHuman } from '@dhkit/sdk';
import { ConsoleElement, sharedStyles } from '../console-element.js';
import type { ConsoleLanguage } from '../i18n.js';
import { loadSdk } from '../sdk.js';

/** The robot language that matches each console language. */
const ROBOT_LANGUAGE: Record<ConsoleLanguage, LanguageCode> = { en: 'en_US', zh: 'zh_CN' };

export class TryIt extends ConsoleElement {
  static override properties: PropertyDeclarations = {
    ...ConsoleElement.properties,
    robot: { attribute: false },
    state: { state: true },
    answer: { state: true },
    speaking: { state: true },
    spoken: { state: true },
    error: { state: true },
    copied: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      .stage {
        display: grid;
        grid-template-columns: minmax(260px, 360px) 1fr;
        gap: 16px;
      }
      @media (max-width: 800px) {
        .stage {
          grid-template-columns: 1fr;
        }
      }
      .avatar {
        width: 100%;
        height: 420px;
        border: 1px solid var(--c-border);
        border-radius: 8px;
        overflow: hidden;
      }
      .answer {
        min-height: 3em;
      }
      pre {
        background: var(--c-bg);
        border: 1px solid var(--c-border);
        border-radius: 6px;
        padding: 8px;
      }
    `,
  ];

  declare robot: Robot;
  declare state: 'idle' | 'starting' | 'ready';
  declare answer: string;
  declare speaking: boolean;
  /** Answers heard so far (speakingStart events): the operator, and tests, can tell an answer was spoken. */
  declare spoken: number;
  declare error: string;
  declare copied: string;
  private digitalHuman: DigitalHuman | null = null;

  constructor() {
    super();
    this.state = 'idle';
    this.answer = '';
    this.speaking = false;
    this.spoken = 0;
    this.error = '';
    this.copied = '';
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('robot') && changed.get('robot') !== undefined) void this.stop();
    else if (changed.has('lang') && this.digitalHuman) void this.speakConsoleLanguage(this.digitalHuman).catch(() => undefined);
  }

  /** The session in the console's language, when the robot speaks it (see the file's comment). */
  private async speakConsoleLanguage(dh: DigitalHuman): Promise<void> {
    const wanted = ROBOT_LANGUAGE[this.lang ?? 'en'];
    const { currentLanguage, languageList } = dh.getLanguageInfo();
    if (wanted !== currentLanguage && languageList.includes(wanted)) await dh.changeLanguage({ langCode: wanted });
  }

  override disconnectedCallback(): void {
    void this.stop();
    super.disconnectedCallback();
  }

  /** Started by a click: the SDK makes its AudioContext inside the operator's gesture. */
  private async start(): Promise<void> {
    this.state = 'starting';
    this.error = '';
    try {
      const sdk = await loadSdk();
      const container = this.renderRoot.querySelector<HTMLElement>('.avatar')!;
      const robotId = this.robot.id;
      const dh = await sdk.create({
        serverAddress: location.origin,
        robotId,
        onceCode: async () => (await this.api.onceCode(robotId)).onceCode,
        container,
        config: { enableCaption: true, enableChatBtn: true },
      });
      this.digitalHuman = dh;
      // Refused (the robot's languages changed meanwhile): she goes on in her own, which is what a visitor gets.
      await this.speakConsoleLanguage(dh).catch(() => undefined);
      dh.on('semanticRecognized', (event) => {
        this.answer = (this.answer + event.text).slice(-4000);
      });
      dh.on('speakingStart', () => {
        this.speaking = true;
        this.spoken++;
      });
      dh.on('speakingStop', () => (this.speaking = false));
      dh.on('error', (event) => (this.error = `${event.code}: ${event.message}`));
      this.state = 'ready';
    } catch (error) {
      const coded = error as { code?: string; message?: string };
      this.error = coded.code ? `${coded.code}: ${coded.message}` : this.describe(error);
      this.state = 'idle';
    }
  }

  private async stop(): Promise<void> {
    const dh = this.digitalHuman;
    this.digitalHuman = null;
    this.state = 'idle';
    this.answer = '';
    if (dh) await dh.destroy().catch(() => undefined);
  }

  private ask(event: Event): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>('#try-question')!;
    const text = input.value.trim();
    if (!text || !this.digitalHuman) return;
    this.answer = '';
    this.digitalHuman.sendTextQuestion({ text });
    input.value = '';
  }

  private snippets(): { script: string; npm: string } {
    const origin = location.origin;
    const id = this.robot.id;
    return {
      script: `<div id="digital-human"></div>
<script src="${origin}/sdk/dhkit.umd.js"></script>
<script>
  // Your backend mints a once-code: POST ${origin}/v1/robots/${id}/once-codes (admin key, never in the page)
  DHKit.create({
    serverAddress: '${origin}',
    robotId: '${id}',
    onceCode: () => fetch('/my-backend/once-code').then((r) => r.json()).then((j) => j.onceCode),
    containerId: 'digital-human',
  });
</script>`,
      // Line by line: an import statement at the start of a source line would read as the console's own import.
      npm: [
        'npm install @dhkit/sdk',
        '',
        "import { create } from '@dhkit/sdk';",
        '',
        'const dh = await create({',
        `  serverAddress: '${origin}',`,
        `  robotId: '${id}',`,
        "  onceCode: () => fetch('/my-backend/once-code').then((r) => r.json()).then((j) => j.onceCode),",
        "  container: document.getElementById('digital-human'),",
        '});',
      ].join('\n'),
    };
  }

  private async copy(kind: 'script' | 'npm'): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.snippets()[kind]);
      this.copied = this.t('copied');
    } catch {
      // Clipboard refused (no permission): the text is right there to select.
      this.copied = '';
    }
  }

  override render() {
    const snippets = this.snippets();
    return html`<section class="panel" aria-labelledby="try-title">
      <div class="row">
        <h2 id="try-title" class="grow">${this.t('tryIt')}: ${this.robot.name} (${this.robot.id})</h2>
        <button @click=${() => this.dispatchEvent(new CustomEvent('try-it-close'))}>${this.t('close')}</button>
      </div>
      <p class="muted">${this.t('tryItHelp')}</p>
      <div class="stage">
        <div>
          <div class="avatar" data-testid="try-avatar"></div>
          ${
            this.state === 'idle'
              ? html`<button class="primary" data-testid="try-start" @click=${this.start}>${this.t('tryIt')}</button>`
              : nothing
          }
        </div>
        <div>
          <form class="row" @submit=${this.ask}>
            <label class="visually-hidden" for="try-question">${this.t('question')}</label>
            <input id="try-question" class="grow" placeholder=${this.t('askPlaceholder')} ?disabled=${this.state !== 'ready'} />
            <button class="primary" type="submit" ?disabled=${this.state !== 'ready'}>${this.t('ask')}</button>
          </form>
          <h3>${this.t('answer')}
            ${this.speaking ? html`<span class="ok" data-testid="try-speaking">(${this.t('speaking')})</span>` : nothing}</h3>
          <div class="answer" data-testid="try-answer" data-spoken=${this.spoken} aria-live="polite">
            <dh-answer-preview .answer=${this.answer} .mediaAllowlist=${this.robot.mediaAllowlist}></dh-answer-preview>
          </div>
          <div role="alert" class="error">${this.error}</div>
          <h3>${this.t('embed')}</h3>
          <div class="row"><strong class="grow">${this.t('embedScript')}</strong>
            <button @click=${() => this.copy('script')}>${this.t('copy')}</button></div>
          <pre data-testid="embed-script">${snippets.script}</pre>
          <div class="row"><strong class="grow">${this.t('embedNpm')}</strong>
            <button @click=${() => this.copy('npm')}>${this.t('copy')}</button></div>
          <pre>${snippets.npm}</pre>
          <div role="status" class="ok">${this.copied}</div>
        </div>
      </div>
    </section>`;
  }
}
