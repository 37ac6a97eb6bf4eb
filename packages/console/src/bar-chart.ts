/**
 * `<dh-bar-chart>`: a small bar chart drawn as SVG attributes (no inline styles: the console's CSP forbids them),
 * with its numbers also in a visually hidden table for screen readers.
 */
import { css, html, LitElement, svg, type PropertyDeclarations } from 'lit';

export interface Bar {
  label: string;
  value: number;
}

const WIDTH = 420;
const HEIGHT = 160;
const BOTTOM = 22;

export class BarChart extends LitElement {
  static override properties: PropertyDeclarations = {
    bars: { attribute: false },
    max: { type: Number },
    caption: {},
    unit: {},
  };
  static override styles = css`
    :host {
      display: block;
    }
    svg {
      width: 100%;
      height: auto;
      max-width: 520px;
    }
    rect {
      fill: var(--c-bar);
    }
    text {
      fill: var(--c-muted);
      font-size: 11px;
    }
    .value {
      fill: var(--c-text);
    }
    table {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
  `;

  declare bars: Bar[];
  declare max: number;
  declare caption: string;
  declare unit: string;

  constructor() {
    super();
    this.bars = [];
    this.max = 0;
    this.caption = '';
    this.unit = '';
  }

  override render() {
    const max = this.max || Math.max(1, ...this.bars.map((bar) => bar.value));
    const slot = WIDTH / Math.max(1, this.bars.length);
    const plot = HEIGHT - BOTTOM - 14;
    return html`<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" aria-hidden="true" focusable="false">
        ${this.bars.map((bar, i) => {
          const h = Math.round((bar.value / max) * plot);
          const x = i * slot + slot * 0.15;
          return svg`<rect x=${x} y=${HEIGHT - BOTTOM - h} width=${slot * 0.7} height=${h} rx="2"></rect>
            <text class="value" x=${x + slot * 0.35} y=${HEIGHT - BOTTOM - h - 3} text-anchor="middle">${bar.value}${this.unit}</text>
            <text x=${x + slot * 0.35} y=${HEIGHT - 6} text-anchor="middle">${bar.label}</text>`;
        })}
      </svg>
      <table>
        <caption>
          ${this.caption}
        </caption>
        ${this.bars.map((bar) => html`<tr><th scope="row">${bar.label}</th><td>${bar.value}${this.unit}</td></tr>`)}
      </table>`;
  }
}
