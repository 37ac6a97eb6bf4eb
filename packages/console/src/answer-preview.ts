/**
 * `<dh-answer-preview>`: an answer as a visitor would see it, rendered by the SDK's own sanitizer (markdown →
 * DOMPurify with the robot's media allowlist). What the sanitizer drops is listed, so an editor sees why.
 */
import { css, html, LitElement, type PropertyDeclarations } from 'lit';
import { loadSdk } from './sdk.js';

export class AnswerPreview extends LitElement {
  static override properties: PropertyDeclarations = {
    answer: {},
    mediaAllowlist: { attribute: false },
    dropped: { state: true },
  };
  static override styles = css`
    :host {
      display: block;
      border: 1px dashed var(--c-border);
      border-radius: 6px;
      padding: 8px 12px;
      overflow-wrap: anywhere;
    }
    .body :first-child {
      margin-top: 0;
    }
    .body :last-child {
      margin-bottom: 0;
    }
    img,
    video {
      max-width: 100%;
      height: auto;
    }
    a {
      color: var(--c-accent);
    }
    .dropped {
      color: var(--c-muted);
      font-size: 0.85rem;
    }
  `;

  declare answer: string;
  declare mediaAllowlist: string[];
  declare dropped: string[];
  private rendering = 0;

  constructor() {
    super();
    this.answer = '';
    this.mediaAllowlist = [];
    this.dropped = [];
  }

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('answer') || changed.has('mediaAllowlist')) void this.renderAnswer();
  }

  private async renderAnswer(): Promise<void> {
    const turn = ++this.rendering;
    const body = this.renderRoot.querySelector('.body');
    if (!body) return;
    const sdk = await loadSdk();
    const rendered = await sdk.renderAnswer(this.answer ?? '', { serverAddress: location.origin, mediaAllowlist: this.mediaAllowlist });
    if (turn !== this.rendering) return;
    body.replaceChildren(rendered.fragment);
    this.dropped = rendered.dropped.map((d) => `${d.kind}${d.reason ? ` (${d.reason})` : ''}`);
  }

  override render() {
    return html`<div class="body"></div>
      ${this.dropped.length ? html`<div class="dropped">✂ ${this.dropped.join(', ')}</div>` : ''}`;
  }
}
