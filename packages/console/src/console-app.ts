/**
 * `<dh-console>`: sign-in, the header (pages, robot, language, theme) and the current page. The admin key lives
 * in sessionStorage only (this tab, never a URL or a cookie); language and theme are preferences in localStorage.
 */
import { css, html, LitElement, nothing, type PropertyDeclarations } from 'lit';
import type { Robot } from '@dhkit/protocol';
import { AdminApi, AdminApiError } from './admin-api.js';
import { sharedStyles } from './console-element.js';
import { translate, type ConsoleLanguage, type MessageKey } from './i18n.js';

const KEY_STORAGE = 'dhkit-console-admin-key';
const PAGES = ['robots', 'knowledge', 'questions', 'sessions', 'audit'] as const;
type Page = (typeof PAGES)[number];
const PAGE_LABELS: Record<Page, MessageKey> = {
  robots: 'navRobots',
  knowledge: 'navKnowledge',
  questions: 'navQuestions',
  sessions: 'navSessions',
  audit: 'navAudit',
};

function pageFromHash(): Page {
  const name = location.hash.replace(/^#\/?/, '');
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'robots';
}

function storedLanguage(): ConsoleLanguage {
  const stored = localStorage.getItem('dhkit-console-language');
  if (stored === 'en' || stored === 'zh') return stored;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export class ConsoleApp extends LitElement {
  static override properties: PropertyDeclarations = {
    api: { state: true },
    lang: { state: true },
    theme: { state: true },
    page: { state: true },
    robots: { state: true },
    robotId: { state: true },
    signInError: { state: true },
    busy: { state: true },
  };

  declare api: AdminApi | null;
  declare lang: ConsoleLanguage;
  declare theme: 'light' | 'dark' | 'system';
  declare page: Page;
  declare robots: Robot[];
  declare robotId: string;
  declare signInError: string;
  declare busy: boolean;

  static override styles = [
    sharedStyles,
    css`
      header {
        display: flex;
        flex-wrap: wrap;
        gap: 8px 16px;
        align-items: center;
        padding: 10px 20px;
        background: var(--c-panel);
        border-bottom: 1px solid var(--c-border);
      }
      header h1 {
        font-size: 1.1rem;
        margin: 0 12px 0 0;
      }
      nav {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      nav a {
        color: var(--c-text);
        text-decoration: none;
        padding: 6px 10px;
        border-radius: 6px;
      }
      nav a[aria-current='page'] {
        background: var(--c-accent);
        color: var(--c-accent-text);
      }
      .tools {
        margin-inline-start: auto;
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
      }
      .tools label {
        display: inline-flex;
        gap: 4px;
        align-items: center;
        margin: 0;
        font-weight: normal;
      }
      main {
        padding: 20px;
        max-width: 1200px;
        margin: 0 auto;
      }
      .sign-in {
        max-width: 420px;
        margin: 12vh auto 0;
      }
      .sign-in input {
        width: 100%;
      }
      .sign-in button {
        margin-top: 12px;
      }
    `,
  ];

  constructor() {
    super();
    this.lang = storedLanguage();
    this.theme = (localStorage.getItem('dhkit-console-theme') as 'light' | 'dark' | null) ?? 'system';
    this.page = pageFromHash();
    this.robots = [];
    this.robotId = '';
    this.signInError = '';
    this.busy = false;
    const key = sessionStorage.getItem(KEY_STORAGE);
    this.api = null;
    if (key) void this.signIn(key, true);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHashChange);
    this.addEventListener('console-unauthorized', this.onUnauthorized);
    this.addEventListener('robots-changed', this.onRobotsChanged);
    this.applyPreferences();
  }

  override disconnectedCallback(): void {
    window.removeEventListener('hashchange', this.onHashChange);
    super.disconnectedCallback();
  }

  private t(key: MessageKey, values?: Record<string, string | number>): string {
    return translate(this.lang, key, values);
  }

  private onHashChange = () => {
    this.page = pageFromHash();
  };

  private onUnauthorized = () => {
    sessionStorage.removeItem(KEY_STORAGE);
    this.api = null;
    this.signInError = this.t('sessionExpired');
  };

  private onRobotsChanged = () => void this.loadRobots();

  private applyPreferences(): void {
    document.documentElement.lang = this.lang === 'zh' ? 'zh-CN' : 'en';
    if (this.theme === 'system') document.documentElement.removeAttribute('data-theme');
    else document.documentElement.setAttribute('data-theme', this.theme);
    document.title = this.t('title');
  }

  private async signIn(key: string, restoring = false): Promise<void> {
    if (!key.trim()) {
      this.signInError = this.t('keyMissing');
      return;
    }
    this.busy = true;
    const api = new AdminApi(key.trim());
    try {
      await api.signIn();
      sessionStorage.setItem(KEY_STORAGE, key.trim());
      this.signInError = '';
      this.api = api;
      await this.loadRobots();
    } catch (error) {
      sessionStorage.removeItem(KEY_STORAGE);
      if (!(error instanceof AdminApiError)) this.signInError = String(error);
      else if (error.code === 'UNAUTHORIZED') this.signInError = this.t(restoring ? 'sessionExpired' : 'keyWrong');
      else if (error.code === 'RATE_LIMITED') this.signInError = this.t('keyLocked');
      else if (error.code === 'NETWORK_ERROR') this.signInError = this.t('networkError');
      else this.signInError = error.message;
    } finally {
      this.busy = false;
    }
  }

  private async loadRobots(): Promise<void> {
    if (!this.api) return;
    try {
      this.robots = await this.api.listRobots();
      if (!this.robots.some((robot) => robot.id === this.robotId)) this.robotId = this.robots[0]?.id ?? '';
    } catch (error) {
      if (error instanceof AdminApiError && error.status === 401) this.onUnauthorized();
    }
  }

  private signOut(): void {
    sessionStorage.removeItem(KEY_STORAGE);
    this.api = null;
    this.signInError = '';
  }

  private setLanguage(lang: ConsoleLanguage): void {
    this.lang = lang;
    localStorage.setItem('dhkit-console-language', lang);
    this.applyPreferences();
  }

  private setTheme(theme: 'light' | 'dark' | 'system'): void {
    this.theme = theme;
    if (theme === 'system') localStorage.removeItem('dhkit-console-theme');
    else localStorage.setItem('dhkit-console-theme', theme);
    this.applyPreferences();
  }

  override render() {
    return html`${this.renderHeader()}<main id="main">${this.api ? this.renderPage(this.api) : this.renderSignIn()}</main>`;
  }

  private renderHeader() {
    return html`<header>
      <h1>${this.t('title')}</h1>
      ${
        this.api
          ? html`<nav aria-label=${this.t('title')}>
            ${PAGES.map(
              (page) => html`<a href="#/${page}" aria-current=${page === this.page ? 'page' : 'false'}>${this.t(PAGE_LABELS[page])}</a>`,
            )}
          </nav>`
          : nothing
      }
      <div class="tools">
        ${this.api && (this.page === 'knowledge' || this.page === 'questions') ? this.renderRobotPicker() : nothing}
        <label
          >${this.t('language')}
          <select @change=${(e: Event) => this.setLanguage((e.target as HTMLSelectElement).value as ConsoleLanguage)}>
            <option value="zh" ?selected=${this.lang === 'zh'}>中文</option>
            <option value="en" ?selected=${this.lang === 'en'}>English</option>
          </select></label
        >
        <label
          >${this.t('theme')}
          <select @change=${(e: Event) => this.setTheme((e.target as HTMLSelectElement).value as 'light' | 'dark' | 'system')}>
            <option value="system" ?selected=${this.theme === 'system'}>Auto</option>
            <option value="light" ?selected=${this.theme === 'light'}>${this.t('light')}</option>
            <option value="dark" ?selected=${this.theme === 'dark'}>${this.t('dark')}</option>
          </select></label
        >
        ${this.api ? html`<button @click=${this.signOut}>${this.t('signOut')}</button>` : nothing}
      </div>
    </header>`;
  }

  private renderRobotPicker() {
    return html`<label
      >${this.t('robot')}
      <select data-testid="robot-picker" @change=${(e: Event) => (this.robotId = (e.target as HTMLSelectElement).value)}>
        ${this.robots.map(
          (robot) => html`<option value=${robot.id}
            ?selected=${robot.id === this.robotId}>${robot.name} (${robot.id})</option>`,
        )}
      </select></label
    >`;
  }

  private renderSignIn() {
    const submit = (event: Event) => {
      event.preventDefault();
      const input = this.renderRoot.querySelector<HTMLInputElement>('#admin-key');
      void this.signIn(input?.value ?? '');
    };
    return html`<form class="panel sign-in" @submit=${submit} novalidate>
      <h2>${this.t('signInTitle')}</h2>
      <p class="muted">${this.t('signInHelp')}</p>
      <label for="admin-key">${this.t('adminKey')}</label>
      <input id="admin-key" type="password" autocomplete="current-password" spellcheck="false" aria-describedby="sign-in-error" />
      <div id="sign-in-error" role="alert" class="error">${this.signInError}</div>
      <button class="primary" type="submit" ?disabled=${this.busy}>${this.t('signIn')}</button>
    </form>`;
  }

  private renderPage(api: AdminApi) {
    const robot = this.robots.find((r) => r.id === this.robotId) ?? null;
    switch (this.page) {
      case 'robots':
        return html`<dh-robots-page .api=${api} .lang=${this.lang} .robots=${this.robots}></dh-robots-page>`;
      case 'knowledge':
        return html`<dh-knowledge-page .api=${api} .lang=${this.lang} .robot=${robot}></dh-knowledge-page>`;
      case 'questions':
        return html`<dh-questions-page .api=${api} .lang=${this.lang} .robot=${robot}></dh-questions-page>`;
      case 'sessions':
        return html`<dh-sessions-page .api=${api} .lang=${this.lang} .robots=${this.robots}></dh-sessions-page>`;
      case 'audit':
        return html`<dh-audit-page .api=${api} .lang=${this.lang}></dh-audit-page>`;
    }
  }
}
