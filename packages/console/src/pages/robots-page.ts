/** Robots: the list, create and edit (dh-robot-form), delete with confirmation, and "Try it" (dh-try-it). */
import { html, nothing, type PropertyDeclarations } from 'lit';
import type { Robot } from '@dhkit/protocol';
import { ConsoleElement, sharedStyles } from '../console-element.js';

export class RobotsPage extends ConsoleElement {
  static override properties: PropertyDeclarations = {
    ...ConsoleElement.properties,
    robots: { attribute: false },
    editing: { state: true },
    trying: { state: true },
    message: { state: true },
    error: { state: true },
  };
  static override styles = [sharedStyles];

  declare robots: Robot[];
  /** The robot being edited; `null` for a new one; undefined: no form. */
  declare editing: Robot | null | undefined;
  declare trying: Robot | undefined;
  declare message: string;
  declare error: string;

  constructor() {
    super();
    this.robots = [];
    this.editing = undefined;
    this.trying = undefined;
    this.message = '';
    this.error = '';
  }

  private changed(message: string): void {
    this.message = message;
    this.error = '';
    this.editing = undefined;
    this.dispatchEvent(new CustomEvent('robots-changed', { bubbles: true, composed: true }));
  }

  private async deleteRobot(robot: Robot): Promise<void> {
    if (!confirm(this.t('confirmDeleteRobot', { id: robot.id }))) return;
    try {
      await this.api.deleteRobot(robot.id);
      if (this.trying?.id === robot.id) this.trying = undefined;
      this.changed(this.t('deleted'));
    } catch (error) {
      this.error = this.describe(error);
    }
  }

  override render() {
    return html`
      <section class="panel">
        <div class="row">
          <h2 class="grow">${this.t('navRobots')}</h2>
          <button class="primary" @click=${() => ((this.editing = null), (this.message = ''))}>${this.t('newRobot')}</button>
        </div>
        <div role="status" class="ok">${this.message}</div>
        <div role="alert" class="error">${this.error}</div>
        ${this.robots.length === 0 ? html`<p class="muted">${this.t('noRobots')}</p>` : this.renderTable()}
      </section>
      ${
        this.editing !== undefined
          ? html`<dh-robot-form
            .api=${this.api}
            .lang=${this.lang}
            .robot=${this.editing}
            @robot-saved=${() => this.changed(this.t('saved'))}
            @robot-form-cancel=${() => (this.editing = undefined)}
          ></dh-robot-form>`
          : nothing
      }
      ${
        this.trying
          ? html`<dh-try-it .api=${this.api} .lang=${this.lang} .robot=${this.trying}
              @try-it-close=${() => (this.trying = undefined)}></dh-try-it>`
          : nothing
      }
    `;
  }

  private renderTable() {
    return html`<div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">${this.t('id')}</th>
            <th scope="col">${this.t('name')}</th>
            <th scope="col">${this.t('languages')}</th>
            <th scope="col">${this.t('brainType')}</th>
            <th scope="col">${this.t('concurrency')}</th>
            <th scope="col"><span class="visually-hidden">${this.t('action')}</span></th>
          </tr>
        </thead>
        <tbody>
          ${this.robots.map(
            (robot) => html`<tr data-robot=${robot.id}>
              <td><code>${robot.id}</code></td>
              <td>${robot.name}</td>
              <td>${robot.languages.join(', ')}</td>
              <td>${robot.brain.type}</td>
              <td>${robot.concurrency}</td>
              <td class="row">
                <button @click=${() => ((this.editing = robot), (this.message = ''))}
                  aria-label="${this.t('edit')} ${robot.id}">${this.t('edit')}</button>
                <button @click=${() => (this.trying = robot)} aria-label="${this.t('tryIt')} ${robot.id}">${this.t('tryIt')}</button>
                <button class="danger" @click=${() => this.deleteRobot(robot)}
                  aria-label="${this.t('delete')} ${robot.id}">${this.t('delete')}</button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}
