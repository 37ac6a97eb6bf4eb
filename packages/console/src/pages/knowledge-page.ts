/**
 * Knowledge: a searchable, paged table of a robot's entries; add, edit (with a rendered preview of the answer)
 * and delete; CSV import with a preview and export (dh-knowledge-import); the test box (dh-knowledge-test).
 */
import { css, html, nothing, type PropertyDeclarations } from 'lit';
import type { KnowledgeEntry, LanguageCode, Robot } from '@dhkit/protocol';
import { ConsoleElement, sharedStyles } from '../console-element.js';

const PAGE_SIZE = 20;

export class KnowledgePage extends ConsoleElement {
  static override properties: PropertyDeclarations = {
    ...ConsoleElement.properties,
    robot: { attribute: false },
    entries: { state: true },
    query: { state: true },
    pageIndex: { state: true },
    editing: { state: true },
    draftAnswer: { state: true },
    message: { state: true },
    error: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      td.answer {
        max-width: 420px;
      }
      .clip {
        display: -webkit-box;
        -webkit-line-clamp: 3;
        -webkit-box-orient: vertical;
        overflow: hidden;
      }
      .pager {
        margin-top: 8px;
      }
    `,
  ];

  declare robot: Robot | null;
  declare entries: KnowledgeEntry[];
  declare query: string;
  declare pageIndex: number;
  /** The entry being edited; null for a new one; undefined: no form. */
  declare editing: KnowledgeEntry | null | undefined;
  declare draftAnswer: string;
  declare message: string;
  declare error: string;

  constructor() {
    super();
    this.robot = null;
    this.entries = [];
    this.query = '';
    this.pageIndex = 0;
    this.editing = undefined;
    this.draftAnswer = '';
    this.message = '';
    this.error = '';
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('robot')) {
      this.editing = undefined;
      this.pageIndex = 0;
      void this.load();
    }
  }

  async load(): Promise<void> {
    if (!this.robot) return;
    try {
      this.entries = await this.api.listKnowledge(this.robot.id);
    } catch (error) {
      this.error = this.t('loadFailed', { message: this.describe(error) });
    }
  }

  private filtered(): KnowledgeEntry[] {
    const query = this.query.trim().toLowerCase();
    if (!query) return this.entries;
    return this.entries.filter((entry) =>
      [entry.question, entry.answer, ...entry.similarQuestions, ...entry.tags].some((text) => text.toLowerCase().includes(query)),
    );
  }

  private edit(entry: KnowledgeEntry | null): void {
    this.editing = entry;
    this.draftAnswer = entry?.answer ?? '';
    this.message = '';
    this.error = '';
  }

  private async save(event: Event): Promise<void> {
    event.preventDefault();
    if (!this.robot) return;
    const form = event.target as HTMLFormElement;
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    const draft = {
      question: value('question').trim(),
      similarQuestions: value('similarQuestions')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
      answer: value('answer').trim(),
      // The select offers only supported languages; the server checks it anyway (INVALID_REQUEST).
      language: value('language') as LanguageCode,
      tags: value('tags')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    };
    try {
      if (this.editing) await this.api.replaceEntry(this.robot.id, this.editing.id, draft);
      else await this.api.addKnowledge(this.robot.id, [draft]);
      this.editing = undefined;
      this.message = this.t('saved');
      this.error = '';
      await this.load();
    } catch (error) {
      this.error = this.describe(error);
    }
  }

  private async deleteEntry(entry: KnowledgeEntry): Promise<void> {
    if (!this.robot || !confirm(this.t('confirmDeleteEntry'))) return;
    try {
      await this.api.deleteEntry(this.robot.id, entry.id);
      this.message = this.t('deleted');
      await this.load();
    } catch (error) {
      this.error = this.describe(error);
    }
  }

  override render() {
    if (!this.robot) return html`<p class="muted">${this.t('noRobots')}</p>`;
    const filtered = this.filtered();
    const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
    const pageIndex = Math.min(this.pageIndex, pages - 1);
    const shown = filtered.slice(pageIndex * PAGE_SIZE, (pageIndex + 1) * PAGE_SIZE);
    return html`
      <section class="panel" aria-labelledby="kb-title">
        <div class="row">
          <h2 id="kb-title" class="grow">${this.t('navKnowledge')}: ${this.robot.name}</h2>
          <button class="primary" @click=${() => this.edit(null)}>${this.t('addEntry')}</button>
        </div>
        <div class="row">
          <label class="visually-hidden" for="kb-search">${this.t('search')}</label>
          <input
            id="kb-search"
            class="grow"
            type="search"
            placeholder=${this.t('searchEntries')}
            .value=${this.query}
            @input=${(e: Event) => ((this.query = (e.target as HTMLInputElement).value), (this.pageIndex = 0))}
          />
          <span class="muted">${this.t('entries', { n: filtered.length })}</span>
        </div>
        <div role="status" class="ok">${this.message}</div>
        <div role="alert" class="error">${this.error}</div>
        ${this.editing !== undefined ? this.renderForm() : nothing}
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">${this.t('question')}</th>
                <th scope="col">${this.t('similar')}</th>
                <th scope="col">${this.t('answer')}</th>
                <th scope="col">${this.t('language')}</th>
                <th scope="col"><span class="visually-hidden">${this.t('action')}</span></th>
              </tr>
            </thead>
            <tbody>
              ${shown.map(
                (entry) => html`<tr data-entry=${entry.id}>
                  <td>${entry.id}</td>
                  <td>${entry.question}</td>
                  <td>${entry.similarQuestions.join(' · ')}</td>
                  <td class="answer"><div class="clip">${entry.answer}</div></td>
                  <td>${entry.language}</td>
                  <td class="row">
                    <button @click=${() => this.edit(entry)} aria-label="${this.t('edit')} #${entry.id}">${this.t('edit')}</button>
                    <button class="danger" @click=${() => this.deleteEntry(entry)}
                      aria-label="${this.t('delete')} #${entry.id}">${this.t('delete')}</button>
                  </td>
                </tr>`,
              )}
            </tbody>
          </table>
        </div>
        <div class="row pager">
          <button ?disabled=${pageIndex === 0} @click=${() => (this.pageIndex = pageIndex - 1)}>${this.t('previous')}</button>
          <span>${this.t('page', { page: pageIndex + 1, pages })}</span>
          <button ?disabled=${pageIndex >= pages - 1} @click=${() => (this.pageIndex = pageIndex + 1)}>${this.t('next')}</button>
        </div>
      </section>
      <dh-knowledge-import .api=${this.api} .lang=${this.lang} .robot=${this.robot}
        @knowledge-changed=${() => this.load()}></dh-knowledge-import>
      <dh-knowledge-test .api=${this.api} .lang=${this.lang} .robot=${this.robot}></dh-knowledge-test>
    `;
  }

  private renderForm() {
    const entry = this.editing;
    const robot = this.robot!;
    return html`<form class="panel" @submit=${this.save} novalidate aria-labelledby="entry-title">
      <h3 id="entry-title">${entry ? `${this.t('editEntry')} #${entry.id}` : this.t('addEntry')}</h3>
      <label for="e-question">${this.t('question')}</label>
      <input id="e-question" name="question" class="grow" .value=${entry?.question ?? ''} />
      <label for="e-similar">${this.t('similarQuestions')}</label>
      <textarea id="e-similar" name="similarQuestions" .value=${(entry?.similarQuestions ?? []).join('\n')}></textarea>
      <label for="e-answer">${this.t('answer')}</label>
      <textarea id="e-answer" name="answer" .value=${this.draftAnswer}
        @input=${(e: Event) => (this.draftAnswer = (e.target as HTMLTextAreaElement).value)}></textarea>
      <h4>${this.t('preview')}</h4>
      <dh-answer-preview .answer=${this.draftAnswer} .mediaAllowlist=${robot.mediaAllowlist}></dh-answer-preview>
      <div class="grid">
        <div class="field">
          <label for="e-language">${this.t('language')}</label>
          <select id="e-language" name="language">
            ${robot.languages.map(
              (l) => html`<option value=${l}
                ?selected=${(entry?.language ?? robot.defaultLanguage) === l}>${l}</option>`,
            )}
          </select>
        </div>
        <div class="field">
          <label for="e-tags">${this.t('tags')}</label>
          <input id="e-tags" name="tags" .value=${(entry?.tags ?? []).join(', ')} />
        </div>
      </div>
      <div class="row">
        <button class="primary" type="submit">${this.t('save')}</button>
        <button type="button" @click=${() => (this.editing = undefined)}>${this.t('cancel')}</button>
      </div>
    </form>`;
  }
}
