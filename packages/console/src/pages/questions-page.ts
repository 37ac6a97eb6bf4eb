/**
 * Visitors' questions: what the knowledge base could not answer (or only suggested for), grouped by the server
 * (same question after normalisation) with counts, each with one action to attach it to an entry as a similar
 * question or to create an entry from it (paged by the server); answered rate and questions per day over the last
 * week; the slowest turns.
 */
import { css, html, nothing, type PropertyDeclarations } from 'lit';
import type { Robot } from '@dhkit/protocol';
import type { KnowledgeEntry, QuestionAnalytics, UnansweredQuestion } from '@dhkit/protocol';
import type { Bar } from '../bar-chart.js';
import { ConsoleElement, sharedStyles } from '../console-element.js';
import type { SlowTurns } from './slow-turns.js';

const DAY_MS = 24 * 3600_000;
const DAYS = 7;

export class QuestionsPage extends ConsoleElement {
  static override properties: PropertyDeclarations = {
    ...ConsoleElement.properties,
    robot: { attribute: false },
    analytics: { state: true },
    unanswered: { state: true },
    nextOffset: { state: true },
    perDay: { state: true },
    entries: { state: true },
    message: { state: true },
    error: { state: true },
  };
  static override styles = [
    sharedStyles,
    css`
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(280px, 1fr));
        gap: 16px;
      }
      td.actions {
        min-width: 320px;
      }
      td.actions select,
      td.actions input {
        max-width: 220px;
      }
    `,
  ];

  declare robot: Robot | null;
  declare analytics: QuestionAnalytics | null;
  declare unanswered: UnansweredQuestion[];
  declare nextOffset: number | null;
  declare perDay: Array<{ label: string; questions: number; answerRate: number }>;
  declare entries: KnowledgeEntry[];
  declare message: string;
  declare error: string;

  constructor() {
    super();
    this.robot = null;
    this.analytics = null;
    this.unanswered = [];
    this.nextOffset = null;
    this.perDay = [];
    this.entries = [];
    this.message = '';
    this.error = '';
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('robot')) void this.load();
  }

  async load(): Promise<void> {
    const robot = this.robot;
    if (!robot) return;
    void this.renderRoot.querySelector<SlowTurns>('dh-slow-turns')?.load();
    try {
      const now = new Date();
      const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
      const days = Array.from({ length: DAYS }, (_, i) => dayStart - (DAYS - 1 - i) * DAY_MS);
      const monthAgo = new Date(now.getTime() - 30 * DAY_MS);
      const [analytics, unanswered, entries, ...daily] = await Promise.all([
        this.api.analytics(robot.id, monthAgo, new Date(now.getTime() + 1000)),
        this.api.unansweredQuestions(robot.id, monthAgo, new Date(now.getTime() + 1000)),
        this.api.listKnowledge(robot.id),
        ...days.map((start) => this.api.analytics(robot.id, new Date(start), new Date(start + DAY_MS), 1)),
      ]);
      this.analytics = analytics;
      this.unanswered = unanswered.rows;
      this.nextOffset = unanswered.nextOffset;
      this.entries = entries;
      this.perDay = daily.map((day, i) => ({
        label: new Date(days[i]).toISOString().slice(5, 10),
        questions: day.totals.questions,
        answerRate: day.totals.answerRate === null ? 0 : Math.round(day.totals.answerRate * 100),
      }));
      this.error = '';
    } catch (error) {
      this.error = this.t('loadFailed', { message: this.describe(error) });
    }
  }

  /** The next page of unanswered questions, appended. */
  private async more(): Promise<void> {
    if (!this.robot || this.nextOffset === null) return;
    try {
      const now = Date.now();
      const page = await this.api.unansweredQuestions(this.robot.id, new Date(now - 30 * DAY_MS), new Date(now + 1000), this.nextOffset);
      this.unanswered = [...this.unanswered, ...page.rows];
      this.nextOffset = page.nextOffset;
    } catch (error) {
      this.error = this.describe(error);
    }
  }

  private async attach(question: string, row: HTMLElement): Promise<void> {
    const entryId = Number(row.querySelector<HTMLSelectElement>('select')!.value);
    if (!this.robot || !entryId) return;
    try {
      await this.api.learn(this.robot.id, { question, entryId });
      this.message = this.t('attached', { id: entryId });
      this.error = '';
      await this.load();
    } catch (error) {
      this.error = this.describe(error);
    }
  }

  private async createEntry(question: string, row: HTMLElement): Promise<void> {
    const answer = row.querySelector<HTMLInputElement>('input')!.value.trim();
    if (!this.robot) return;
    if (!answer) {
      this.error = `${this.t('answer')}: ${this.t('required')}`;
      return;
    }
    try {
      await this.api.learn(this.robot.id, { question, answer });
      this.message = this.t('created');
      this.error = '';
      await this.load();
    } catch (error) {
      this.error = this.describe(error);
    }
  }

  override render() {
    if (!this.robot) return html`<p class="muted">${this.t('noRobots')}</p>`;
    const analytics = this.analytics;
    return html`
      <section class="panel" aria-labelledby="q-title">
        <div class="row">
          <h2 id="q-title" class="grow">${this.t('unansweredTitle')}</h2>
          <button @click=${() => this.load()}>${this.t('refresh')}</button>
        </div>
        ${
          analytics
            ? html`<p class="muted">
              ${this.t('totals', {
                questions: analytics.totals.questions,
                answered: analytics.totals.answered,
                p50: analytics.totals.latencyMs.p50 ?? '–',
              })}
            </p>`
            : html`<p class="muted">${this.t('loading')}</p>`
        }
        <div role="status" class="ok">${this.message}</div>
        <div role="alert" class="error">${this.error}</div>
        ${analytics && this.unanswered.length === 0 ? html`<p class="muted">${this.t('noQuestions')}</p>` : nothing}
        ${analytics && this.unanswered.length ? this.renderUnanswered() : nothing}
        ${this.nextOffset === null ? nothing : html`<button @click=${() => this.more()}>${this.t('loadMore')}</button>`}
      </section>
      <section class="panel charts" aria-label="${this.t('answeredRate')} / ${this.t('questionsPerDay')}">
        <div>
          <h3>${this.t('answeredRate')}</h3>
          <dh-bar-chart .bars=${this.perDay.map((d): Bar => ({ label: d.label, value: d.answerRate }))}
            max="100" unit="%" caption=${this.t('answeredRate')}></dh-bar-chart>
        </div>
        <div>
          <h3>${this.t('questionsPerDay')}</h3>
          <dh-bar-chart .bars=${this.perDay.map((d): Bar => ({ label: d.label, value: d.questions }))}
            caption=${this.t('questionsPerDay')}></dh-bar-chart>
        </div>
      </section>
      <dh-slow-turns .api=${this.api} .lang=${this.lang} .robot=${this.robot}></dh-slow-turns>
    `;
  }

  /** The unanswered questions, each with its two actions (attach to an entry, create one). */
  private renderUnanswered() {
    const rowOf = (event: Event) => (event.target as HTMLElement).closest('tr') as HTMLElement;
    return html`<div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">${this.t('question')}</th>
                    <th scope="col">${this.t('count')}</th>
                    <th scope="col">${this.t('lastAsked')}</th>
                    <th scope="col">${this.t('action')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${this.unanswered.map(
                    (q, i) => html`<tr data-question=${q.question}>
                      <td>${q.question}</td>
                      <td>${q.count}</td>
                      <td>${new Date(q.lastAskedAt).toLocaleString(this.lang === 'zh' ? 'zh-CN' : 'en')}</td>
                      <td class="actions">
                        <div class="row">
                          <label class="visually-hidden" for="attach-${i}">${this.t('attachTo')}</label>
                          <select id="attach-${i}">
                            <option value="">${this.t('chooseEntry')}</option>
                            ${this.entries.map(
                              (e) =>
                                html`<option value=${e.id}
                                    ?selected=${e.id === q.suggestedEntryId}>#${e.id} ${e.question.slice(0, 40)}</option>`,
                            )}
                          </select>
                          <button @click=${(e: Event) => this.attach(q.question, rowOf(e))}>${this.t('attach')}</button>
                        </div>
                        <div class="row">
                          <label class="visually-hidden" for="answer-${i}">${this.t('answer')}</label>
                          <input id="answer-${i}" placeholder=${this.t('answer')} />
                          <button @click=${(e: Event) => this.createEntry(q.question, rowOf(e))}>${this.t('createEntry')}</button>
                        </div>
                      </td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>`;
  }
}
