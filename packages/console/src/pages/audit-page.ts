/** Audit log: every admin change, newest first, paged back in time. Details come from the server without secrets. */
import { html, nothing, type PropertyDeclarations } from 'lit';
import type { AuditEntry } from '@dhkit/protocol';
import { ConsoleElement, sharedStyles } from '../console-element.js';

export class AuditPage extends ConsoleElement {
  static override properties: PropertyDeclarations = {
    ...ConsoleElement.properties,
    entries: { state: true },
    nextBeforeId: { state: true },
    error: { state: true },
  };
  static override styles = [sharedStyles];

  declare entries: AuditEntry[];
  declare nextBeforeId: number | null;
  declare error: string;

  constructor() {
    super();
    this.entries = [];
    this.nextBeforeId = null;
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  async load(beforeId?: number): Promise<void> {
    try {
      const page = await this.api.audit(beforeId);
      this.entries = beforeId ? [...this.entries, ...page.entries] : page.entries;
      this.nextBeforeId = page.nextBeforeId;
      this.error = '';
    } catch (error) {
      this.error = this.t('loadFailed', { message: this.describe(error) });
    }
  }

  override render() {
    return html`<section class="panel" aria-labelledby="a-title">
      <div class="row">
        <h2 id="a-title" class="grow">${this.t('navAudit')}</h2>
        <button @click=${() => this.load()}>${this.t('refresh')}</button>
      </div>
      <div role="alert" class="error">${this.error}</div>
      ${
        this.entries.length === 0
          ? html`<p class="muted">${this.t('noAudit')}</p>`
          : html`<div class="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">${this.t('time')}</th>
                  <th scope="col">${this.t('action')}</th>
                  <th scope="col">${this.t('robot')}</th>
                  <th scope="col">${this.t('target')}</th>
                  <th scope="col">${this.t('details')}</th>
                </tr>
              </thead>
              <tbody>
                ${this.entries.map(
                  (e) => html`<tr>
                    <td>${new Date(e.at).toLocaleString(this.lang === 'zh' ? 'zh-CN' : 'en')}</td>
                    <td><code>${e.action}</code><div class="muted">${e.method} ${e.route}</div></td>
                    <td>${e.robotId ?? '–'}</td>
                    <td>${e.target ?? '–'}</td>
                    <td><pre>${e.details === null ? '' : JSON.stringify(e.details)}</pre></td>
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
      }
      ${this.nextBeforeId ? html`<button @click=${() => this.load(this.nextBeforeId ?? undefined)}>${this.t('more')}</button>` : nothing}
    </section>`;
  }
}
