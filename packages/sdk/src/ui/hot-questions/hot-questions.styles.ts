import { css } from 'lit';

export default css`
  :host {
    display: block;
  }

  [part='base'] {
    display: flex;
    flex-wrap: wrap;
    justify-content: var(--dh-hot-questions-justify, center);
    gap: 8px;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  [part='chip'] {
    max-width: 100%;
    min-height: calc(36px * var(--dh-scale, 1));
    padding: calc(6px * var(--dh-scale, 1)) calc(14px * var(--dh-scale, 1));
    font: inherit;
    font-size: calc(14px * var(--dh-scale, 1));
    line-height: 1.3;
    text-align: start;
    color: var(--_chip-color);
    background: var(--_chip-background);
    border: 1px solid var(--_border);
    border-radius: 999px;
    box-shadow: var(--_shadow);
    cursor: pointer;
    overflow-wrap: anywhere;
    transition: transform 0.15s ease, background-color 0.15s ease;
  }

  [part='chip']:hover {
    transform: translateY(-1px);
  }

  [part='chip']:active {
    transform: translateY(0);
  }

  [part='chip']:disabled {
    opacity: 0.5;
    cursor: not-allowed;
    transform: none;
  }
`;
