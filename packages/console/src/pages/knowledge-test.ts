/** The test box: what the robot's brain would do with a question (ranked matches and the decision). */
import { html, nothing, type PropertyDeclarations } from 'lit';
import type { Robot } from '@dhkit/protocol';
import type { KnowledgeSearchReply } from '@dhkit/protocol';
import { ConsoleElement, sharedStyles } from '../console-element.js';

export class KnowledgeTest extends ConsoleElement {
  static override properties: PropertyDeclarations = {
    ...ConsoleElement.properties,
    robot: { attribute: false },
    result: { state: true },
    error: { state: true },
  };
  static override styles = [sharedStyles];

  declare robot: Robot;
  declare result: KnowledgeSearchReply | null;
  declare error: string;

  constructor() {
    super();
    this.result = null;
    this.error = '';
  }

  private async test(event: Event): Promise<void> {
    event.preventDefault();
    const question = this.renderRoot.querySelector<HTMLInputElement>('#test-question')!.value.trim();
    if (!question) return;
    try {
      this.result = await this.api.search(this.robot.id, question);
      this.error = '';
    } catch (error) {
      this.result = null;
      this.error = this.describe(error);
    }
  }

  private decision(result: KnowledgeSearchReply): string {
    if (result.decision === 'answer') return this.t('decisionAnswer', { id: result.entryId ?? '?' });
    return this.t(result.decision === 'suggest' ? 'decisionSuggest' : 'decisionFallback');
  }

  override render() {
    const result = this.result;
    return html`<section class="panel" aria-labelledby="test-title">
      <h2 id="test-title">${this.t('testBox')}</h2>
      <form class="row" @submit=${this.test}>
        <label class="visually-hidden" for="test-question">${this.t('question')}</label>
        <input id="test-question" class="grow" placeholder=${this.t('askPlaceholder')} />
        <button class="primary" type="submit">${this.t('search')}</button>
      </form>
      <div role="alert" class="error">${this.error}</div>
      ${
        result
          ? html`<p data-testid="test-decision">
              <strong>${this.t('decision')}:</strong> ${this.decision(result)} · ${this.t('confidence')} ${result.confidence.toFixed(2)}
            </p>
            <h3>${this.t('matches')}</h3>
            ${
              result.matches.length === 0
                ? html`<p class="muted">${this.t('noMatches')}</p>`
                : html`<ol>
                  ${result.matches.map(
                    (m) => html`<li>#${m.entryId} <strong>${m.question}</strong>
                      ${m.matchedQuestion !== m.question ? html`<span class="muted">(${m.matchedQuestion})</span>` : nothing} ·
                      ${m.confidence.toFixed(2)}</li>`,
                  )}
                </ol>`
            }`
          : nothing
      }
    </section>`;
  }
}
