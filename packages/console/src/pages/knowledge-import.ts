/** CSV import with a preview (what will be imported, before it is sent) and CSV export of a robot's knowledge. */
import { html, nothing, type PropertyDeclarations } from 'lit';
import type { Robot } from '@dhkit/protocol';
import type { DocumentImportResult } from '@dhkit/protocol';
import { ConsoleElement, sharedStyles } from '../console-element.js';
import { csvRecords } from '../csv-preview.js';

const PREVIEW_ROWS = 5;

export class KnowledgeImport extends ConsoleElement {
  static override properties: PropertyDeclarations = {
    ...ConsoleElement.properties,
    robot: { attribute: false },
    csv: { state: true },
    document: { state: true },
    documentPreview: { state: true },
    mode: { state: true },
    message: { state: true },
    error: { state: true },
  };
  static override styles = [sharedStyles];

  declare robot: Robot;
  declare csv: string;
  declare document: File | null;
  declare documentPreview: DocumentImportResult | null;
  declare mode: 'append' | 'replace';
  declare message: string;
  declare error: string;

  constructor() {
    super();
    this.csv = '';
    this.document = null;
    this.documentPreview = null;
    this.mode = 'append';
    this.message = '';
    this.error = '';
  }

  private async pick(event: Event): Promise<void> {
    const file = (event.target as HTMLInputElement).files?.[0];
    this.message = '';
    this.error = '';
    this.csv = file ? await file.text() : '';
  }

  private async importCsv(): Promise<void> {
    try {
      const { imported } = await this.api.importCsv(this.robot.id, this.csv, this.mode);
      this.message = this.t('importDone', { n: imported });
      this.error = '';
      this.csv = '';
      const input = this.renderRoot.querySelector<HTMLInputElement>('#csv-file');
      if (input) input.value = '';
      this.dispatchEvent(new CustomEvent('knowledge-changed'));
    } catch (error) {
      this.error = this.describe(error);
    }
  }

  /** A document is previewed by the server itself (a dry run): the entries it would create, update or delete. */
  private async pickDocument(event: Event): Promise<void> {
    this.document = (event.target as HTMLInputElement).files?.[0] ?? null;
    this.documentPreview = null;
    this.message = '';
    this.error = '';
    if (!this.document) return;
    try {
      this.documentPreview = await this.api.importDocument(this.robot.id, this.document, true);
    } catch (error) {
      this.error = this.describe(error);
    }
  }

  private async importDocument(): Promise<void> {
    if (!this.document) return;
    try {
      const result = await this.api.importDocument(this.robot.id, this.document, false);
      this.message = this.t('importDone', { n: result.created + result.updated });
      this.error = '';
      this.document = null;
      this.documentPreview = null;
      const input = this.renderRoot.querySelector<HTMLInputElement>('#document-file');
      if (input) input.value = '';
      this.dispatchEvent(new CustomEvent('knowledge-changed'));
    } catch (error) {
      this.error = this.describe(error);
    }
  }

  private renderDocumentPreview(preview: DocumentImportResult) {
    return html`<p>${this.t('importPreview', { n: preview.entries.length })}</p>
      <div class="scroll">
        <table data-testid="document-preview">
          <thead>
            <tr>
              <th scope="col">${this.t('action')}</th>
              <th scope="col">${this.t('question')}</th>
              <th scope="col">${this.t('answer')}</th>
            </tr>
          </thead>
          <tbody>
            ${preview.entries
              .slice(0, PREVIEW_ROWS)
              .map((entry) => html`<tr><td>${entry.action}</td><td>${entry.question}</td><td>${entry.answer.slice(0, 160)}</td></tr>`)}
          </tbody>
        </table>
      </div>
      ${preview.warnings.length ? html`<p class="muted">${preview.warnings.join(' · ')}</p>` : nothing}
      <button class="primary" @click=${this.importDocument}>${this.t('doImport')}</button>`;
  }

  private async exportCsv(): Promise<void> {
    try {
      const csv = await this.api.exportCsv(this.robot.id);
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${this.robot.id}-knowledge.csv`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      this.error = this.describe(error);
    }
  }

  override render() {
    const { header, records } = this.csv ? csvRecords(this.csv) : { header: [], records: [] };
    return html`<section class="panel" aria-labelledby="import-title">
      <div class="row">
        <h2 id="import-title" class="grow">${this.t('importCsv')}</h2>
        <button @click=${this.exportCsv}>${this.t('exportCsv')}</button>
      </div>
      <div class="row">
        <label class="inline" for="csv-file">${this.t('importCsv')}</label>
        <input id="csv-file" type="file" accept=".csv,text/csv" @change=${this.pick} />
        <label class="inline"
          >${this.t('importMode')}
          <select @change=${(e: Event) => (this.mode = (e.target as HTMLSelectElement).value as 'append' | 'replace')}>
            <option value="append">${this.t('append')}</option>
            <option value="replace">${this.t('replace')}</option>
          </select></label
        >
      </div>
      ${
        this.csv
          ? html`<p>${this.t('importPreview', { n: records.length })}</p>
            <div class="scroll">
              <table data-testid="import-preview">
                <thead>
                  <tr>
                    ${header.map((name) => html`<th scope="col">${name}</th>`)}
                  </tr>
                </thead>
                <tbody>
                  ${records.slice(0, PREVIEW_ROWS).map((record) => html`<tr>${header.map((name) => html`<td>${record[name]}</td>`)}</tr>`)}
                </tbody>
              </table>
            </div>
            <button class="primary" @click=${this.importCsv}>${this.t('doImport')}</button>`
          : nothing
      }
      <div class="row">
        <label class="inline" for="document-file">${this.t('importDocument')}</label>
        <input id="document-file" type="file" accept=".md,.markdown,.html,.htm,.txt,.pdf,.docx" @change=${this.pickDocument} />
      </div>
      ${this.documentPreview ? this.renderDocumentPreview(this.documentPreview) : nothing}
      <div role="status" class="ok">${this.message}</div>
      <div role="alert" class="error">${this.error}</div>
    </section>`;
  }
}
