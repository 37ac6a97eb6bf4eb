/**
 * Sessions: every robot's live sessions (refreshed every few seconds), concurrency in use against its limit (counted
 * by the server over all its processes), kick. Long lists are paged by the server: "More" appends the next page,
 * and a refresh keeps as many rows as are shown.
 */
import { html, nothing, type PropertyDeclarations } from 'lit';
import type { Robot } from '@dhkit/protocol';
import type { LiveSessionInfo } from '@dhkit/protocol';
import { ConsoleElement, sharedStyles } from '../console-element.js';

const REFRESH_MS = 3000;
const PAGE = 50;
/** The most rows a refresh asks for at once (the server's page limit). */
const MAX_REFRESH = 500;

interface RobotSessions {
  robot: Robot;
  concurrency: number;
  inUse: number;
  sessions: LiveSessionInfo[];
  nextOffset: number | null;
}

export class SessionsPage extends ConsoleElement {
  static override properties: PropertyDeclarations = {
    ...ConsoleElement.properties,
    robots: { attribute: false },
    live: { state: true },
    message: { state: true },
    error: { state: true },
  };
  static override styles = [sharedStyles];

  declare robots: Robot[];
  declare live: RobotSessions[];
  declare message: string;
  declare error: string;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.robots = [];
    this.live = [];
    this.message = '';
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.timer = setInterval(() => void this.load(), REFRESH_MS);
  }

  override disconnectedCallback(): void {
    clearInterval(this.timer);
    super.disconnectedCallback();
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('robots')) void this.load();
  }

  async load(): Promise<void> {
    try {
      const shown = new Map(this.live.map((r) => [r.robot.id, r.sessions.length]));
      this.live = await Promise.all(
        this.robots.map(async (robot) => {
          const limit = Math.min(MAX_REFRESH, Math.max(PAGE, shown.get(robot.id) ?? 0));
          const { concurrency, inUse, sessions, nextOffset } = await this.api.sessions(robot.id, 0, limit);
          return { robot, concurrency, inUse, sessions, nextOffset };
        }),
      );
      this.error = '';
    } catch (error) {
      this.error = this.t('loadFailed', { message: this.describe(error) });
    }
  }

  /** The next page of one robot's sessions, appended. */
  private async more(entry: RobotSessions): Promise<void> {
    if (entry.nextOffset === null) return;
    try {
      const page = await this.api.sessions(entry.robot.id, entry.nextOffset, PAGE);
      this.live = this.live.map((r) =>
        r === entry ? { ...r, inUse: page.inUse, sessions: [...r.sessions, ...page.sessions], nextOffset: page.nextOffset } : r,
      );
    } catch (error) {
      this.error = this.describe(error);
    }
  }

  private async kick(session: LiveSessionInfo): Promise<void> {
    if (!confirm(this.t('confirmKick'))) return;
    try {
      await this.api.kick(session.sessionId);
      this.message = this.t('kicked');
      await this.load();
    } catch (error) {
      this.error = this.describe(error);
    }
  }

  private stateOf(session: LiveSessionInfo): string {
    if (session.connected === null) return this.t('elsewhere');
    return this.t(session.connected ? 'connected' : 'away');
  }

  override render() {
    const total = this.live.reduce((n, r) => n + r.inUse, 0);
    return html`<section class="panel" aria-labelledby="s-title">
      <div class="row">
        <h2 id="s-title" class="grow">${this.t('liveSessions')} (${total})</h2>
        <button @click=${() => this.load()}>${this.t('refresh')}</button>
      </div>
      <div role="status" class="ok">${this.message}</div>
      <div role="alert" class="error">${this.error}</div>
      ${this.live.map(
        (
          entry,
        ) => html`<h3>${entry.robot.name} (${entry.robot.id}) · ${this.t('inUse', { used: entry.inUse, limit: entry.concurrency })}</h3>
          ${this.renderTable(entry)}
          ${entry.nextOffset === null ? nothing : html`<button @click=${() => this.more(entry)}>${this.t('loadMore')}</button>`}`,
      )}
    </section>`;
  }

  private renderTable({ robot, sessions }: RobotSessions) {
    return html`
          ${
            sessions.length === 0
              ? html`<p class="muted">${this.t('noSessions')}</p>`
              : html`<div class="scroll">
                <table data-robot=${robot.id}>
                  <thead>
                    <tr>
                      <th scope="col">${this.t('id')}</th>
                      <th scope="col">${this.t('origin')}</th>
                      <th scope="col">${this.t('started')}</th>
                      <th scope="col">${this.t('language')}</th>
                      <th scope="col">${this.t('state')}</th>
                      <th scope="col"><span class="visually-hidden">${this.t('action')}</span></th>
                    </tr>
                  </thead>
                  <tbody>
                    ${sessions.map(
                      (s) => html`<tr data-session=${s.sessionId}>
                        <td><code>${s.sessionId.slice(0, 12)}</code></td>
                        <td>${s.origin ?? '–'}</td>
                        <td>${new Date(s.createdAt).toLocaleTimeString(this.lang === 'zh' ? 'zh-CN' : 'en')}</td>
                        <td>${s.language}</td>
                        <td>${this.stateOf(s)}</td>
                        <td><button class="danger" @click=${() => this.kick(s)}
                          aria-label="${this.t('kick')} ${s.sessionId}">${this.t('kick')}</button></td>
                      </tr>`,
                    )}
                  </tbody>
                </table>
              </div>`
          }`;
  }
}
