import { css } from 'lit';

export default css`
  :host {
    display: inline-block;
  }

  [part='base'] {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: calc(2px * var(--dh-scale, 1)) calc(8px * var(--dh-scale, 1));
    font-size: var(--dh-ai-label-font-size, calc(11px * var(--dh-scale, 1)));
    line-height: 1.6;
    letter-spacing: 0.02em;
    color: var(--_ai-label-color);
    background: var(--_ai-label-background);
    border-radius: 999px;
    white-space: nowrap;
    user-select: none;
  }
`;
