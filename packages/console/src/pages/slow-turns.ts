/**
 * The slowest turns of a robot over the last 30 days (question → first audio), each with the stages its time went
 * to: when the brain's first text came, when the first audio left, when the brain finished and the turn ended.
 * Paged by the server; "More" asks for the next page. The page around it refreshes it (one Refresh per page).
 */
import { html, nothing, type PropertyDeclarations } from 'lit';
import type { Robot } from '@dhkit/protocol';
import type { SlowTurn, TurnStages } from '@dhkit/protocol';
import { ConsoleElement, sharedStyles } from '../console-element.js';

const DAY_MS = 24 * 3600_000;
const PAGE = 10;

/** The stages shown, in the order a turn reaches them. */
const STAGES = [
  ['brainFirstTextMs', 'stageBrainFirstText'],
  ['firstAudioMs', 'stageFirstAudio'],
  ['brainDoneMs', 'stageBrainDone'],
  ['turnEndMs', 'stageTurnEnd'],
] as const satisfies ReadonlyArray<readonly [keyof TurnStages, string]>;

export class SlowTurns extends ConsoleElement {
  static override properties: PropertyDeclarations = {
    ...ConsoleElement.properties,
    robot: { attribute: false },
    turns: { state: true },
    nextOffset: { state: true },
    error: { state: true },
  };
  static override styles = [sharedStyles];

  declare robot: Robot | null;
  declare turns: SlowTurn[];
  declare nextOffset: number | null;
  declare error: string;

  constructor() {
    super();
    this.robot = null;
    this.turns = [];
    this.nextOffset = null;
    this.error = '';
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('robot')) void this.load();
  }

  /** The first page again (offset 0), or the next page appended. */
  async load(offset = 0): Promise<void> {
    const robot = this.robot;
    if (!robot) return;
    try {
      const now = Date.now();
      const page = await this.api.slowestTurns(robot.id, new Date(now - 30 * DAY_MS), new Date(now + 1000), offset, PAGE);
      this.turns = offset === 0 ? page.rows : [...this.turns, ...page.rows];
      this.nextOffset = page.nextOffset;
      this.error = '';
    } catch (error) {
      this.error = this.t('loadFailed', { message: this.describe(error) });
    }
  }

  private ms(value: number | undefined) {
    return value === undefined ? '–' : `${value} ms`;
  }

  override render() {
    return html`<section class="panel" aria-labelledby="slow-title">
      <h2 id="slow-title">${this.t('slowestTurns')}</h2>
      <p class="muted">${this.t('slowestTurnsHelp')}</p>
      <div role="alert" class="error">${this.error}</div>
      ${
        this.turns.length === 0
          ? html`<p class="muted">${this.t('noSlowTurns')}</p>`
          : html`<div class="scroll">
            <table data-table="slowest-turns">
              <thead>
                <tr>
                  <th scope="col">${this.t('question')}</th>
                  <th scope="col">${this.t('askedAt')}</th>
                  ${STAGES.map(([, label]) => html`<th scope="col">${this.t(label)}</th>`)}
                </tr>
              </thead>
              <tbody>
                ${this.turns.map(
                  (turn) => html`<tr data-latency=${turn.latencyMs}>
                    <td>${turn.question}${turn.answered ? nothing : html` <span class="muted">(${this.t('notAnswered')})</span>`}</td>
                    <td>${new Date(turn.askedAt).toLocaleString(this.lang === 'zh' ? 'zh-CN' : 'en')}</td>
                    ${STAGES.map(([stage]) => html`<td>${this.ms(stage === 'firstAudioMs' ? turn.latencyMs : turn.stages[stage])}</td>`)}
                  </tr>`,
                )}
              </tbody>
            </table>
          </div>`
      }
      ${this.nextOffset === null ? nothing : html`<button @click=${() => this.load(this.nextOffset ?? 0)}>${this.t('loadMore')}</button>`}
    </section>`;
  }
}
