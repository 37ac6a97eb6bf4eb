/**
 * Knowledge: a searchable, paged table of a robot's entries (searched and paged on the server, so a base of
 * thousands of entries never travels whole to the browser); add, edit (with a rendered preview of the answer)
 * and delete; CSV import with a preview and export (dh-knowledge-import); the test box (dh-knowledge-test).
 */
import { css, html, nothing, type PropertyDeclarations } from 'lit';
import type { KnowledgeEntry, LanguageCode, Robot } from '@dhkit/protocol';
import { ConsoleElement, sharedStyles } from '../console-element.js';

const PAGE_SIZE = 20;
/** The search waits for a pause in typing, so one word is one request, not one per key. */
const SEARCH_PAUSE_MS = 250;

export class KnowledgePage extends ConsoleElement {
  static override properties: PropertyDeclarations = {
    ...ConsoleElement.properties,
    robot: { attribute: false },
    entries: { state: true },
    total: { state: true },
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
  /** The page shown. */
  declare entries: KnowledgeEntry[];
  /** How many entries match the search in all. */
  declare total: number;
  declare query: string;
  declare pageIndex: number;
  /** The entry being edited; null for a new one; undefined: no form. */
  declare editing: KnowledgeEntry | null | undefined;
  declare draftAnswer: string;
  declare message: string;
  declare error: string;
  /** Bumped for every load, so an answer that arrives after a later one's is dropped. */
  private loads = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.robot = null;
    this.entries = [];
    this.total = 0;
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

  /** Loads the page shown (after a change, a search, a page turn); past the last page it shows the last. */
  async load(): Promise<void> {
    const robot = this.robot;
    if (!robot) return;
    const mine = ++this.loads;
    try {
      const page = await this.api.knowledgePage(robot.id, { limit: PAGE_SIZE, offset: this.pageIndex * PAGE_SIZE, query: this.query });
      if (mine !== this.loads) return;
      const lastPage = Math.max(0, Math.ceil(page.total / PAGE_SIZE) - 1);
      if (this.pageIndex > lastPage) return this.turnTo(lastPage);
      this.entries = page.entries;
      this.total = page.total;
    } catch (error) {
      if (mine === this.loads) this.error = this.t('loadFailed', { message: this.describe(error) });
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.searchTimer);
  }

  private turnTo(pageIndex: number): Promise<void> {
    this.pageIndex = pageIndex;
    return this.load();
  }

  private search(query: string): void {
    this.query = query;
    this.pageIndex = 0;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => void this.load(), SEARCH_PAUSE_MS);
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
    const pages = Math.max(1, Math.ceil(this.total / PAGE_SIZE));
    const pageIndex = this.pageIndex;
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
            @input=${(e: Event) => this.search((e.target as HTMLInputElement).value)}
          />
          <span class="muted">${this.t('entries', { n: this.total })}</span>
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
              ${this.entries.map(
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
          <button ?disabled=${pageIndex === 0} @click=${() => this.turnTo(pageIndex - 1)}>${this.t('previous')}</button>
          <span>${this.t('page', { page: pageIndex + 1, pages })}</span>
          <button ?disabled=${pageIndex >= pages - 1} @click=${() => this.turnTo(pageIndex + 1)}>${this.t('next')}</button>
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
