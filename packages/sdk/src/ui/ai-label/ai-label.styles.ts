import { css } from 'lit';

export default css`
  :host {
    display: inline-block;
  }

  [part='base'] {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 2px 8px;
    font-size: var(--dh-ai-label-font-size, 11px);
    line-height: 1.6;
    letter-spacing: 0.02em;
    color: var(--_ai-label-color);
    background: var(--_ai-label-background);
    border-radius: 999px;
    white-space: nowrap;
    user-select: none;
  }
`;
