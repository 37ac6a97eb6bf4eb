import { css } from 'lit';

export default css`
  :host {
    display: inline-block;
  }

  [part='base'] {
    display: inline-flex;
    padding: 3px;
    gap: 2px;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: 999px;
    box-shadow: var(--_shadow);
  }

  [part~='option'] {
    min-width: calc(44px * var(--dh-scale, 1));
    min-height: calc(32px * var(--dh-scale, 1));
    padding: calc(4px * var(--dh-scale, 1)) calc(12px * var(--dh-scale, 1));
    font: inherit;
    font-size: calc(14px * var(--dh-scale, 1));
    color: var(--_on-surface);
    background: transparent;
    border: 0;
    border-radius: 999px;
    cursor: pointer;
    /*
     * No color transition: when the color scheme flips, the group's surface changes at once, and text easing
     * behind it was dark on dark for a moment (中文 unreadable in dark screenshots, and for anyone who saw it).
     */
  }

  [part~='option']:hover {
    background: var(--_border);
  }

  [part~='option-current'] {
    color: var(--_accent-contrast);
    background: var(--_accent);
  }

  [part~='option-current']:hover {
    background: var(--_accent);
  }

  [part~='option']:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
`;
