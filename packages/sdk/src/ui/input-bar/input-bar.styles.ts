import { css } from 'lit';

export default css`
  :host {
    display: block;
    /* The bar's own width decides how roomy its buttons are (a phone's widget is narrower than its screen). */
    container-type: inline-size;
  }

  [part='base'] {
    position: relative;
    display: flex;
    align-items: center;
    gap: 6px;
    padding: calc(6px * var(--dh-scale, 1));
    color: var(--_on-surface);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
  }

  [part='base']:focus-within {
    border-color: var(--_focus-ring);
  }

  [part='field'] {
    flex: 1;
    min-width: 0;
    min-height: calc(36px * var(--dh-scale, 1));
    padding: 8px 10px;
    font: inherit;
    font-size: var(--dh-input-font-size, calc(16px * var(--dh-scale, 1)));
    color: inherit;
    background: transparent;
    border: 0;
    border-radius: calc(var(--_radius) - 4px);
  }

  /* On a narrow bar the buttons give the field room, and a placeholder that still does not fit ends in an ellipsis. */
  @container (max-width: 360px) {
    [part='base'] {
      gap: 4px;
    }
    [part='field'] {
      padding-inline: 6px;
    }
    button {
      padding-inline: calc(10px * var(--dh-scale, 1));
    }
  }

  [part='field'] {
    text-overflow: ellipsis;
  }

  [part='field']::placeholder {
    color: var(--_muted);
    opacity: 1;
  }

  [part='field']:focus-visible {
    outline: none;
  }

  [part='device'] {
    flex: 0 1 9em;
    min-width: 0;
    min-height: calc(36px * var(--dh-scale, 1));
    font: inherit;
    font-size: calc(13px * var(--dh-scale, 1));
    color: inherit;
    background: transparent;
    border: 1px solid var(--_muted);
    border-radius: calc(var(--_radius) - 4px);
  }

  button {
    flex: none;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-width: calc(40px * var(--dh-scale, 1));
    min-height: calc(40px * var(--dh-scale, 1));
    padding: calc(8px * var(--dh-scale, 1)) calc(14px * var(--dh-scale, 1));
    font: inherit;
    font-size: calc(14px * var(--dh-scale, 1));
    font-weight: 600;
    border: 0;
    border-radius: calc(var(--_radius) - 4px);
    cursor: pointer;
    /*
     * Hover eases; colors do not: when the color scheme flips, the text color changes at once, and a background
     * easing behind it was white on light violet for a moment (axe caught it right after a scheme switch).
     */
    transition: filter 0.15s ease;
  }

  button svg {
    width: calc(20px * var(--dh-scale, 1));
    height: calc(20px * var(--dh-scale, 1));
    fill: currentColor;
  }

  [part='send'] {
    color: var(--_accent-contrast);
    background: var(--_accent);
  }

  [part='send']:hover {
    filter: brightness(1.1);
  }

  [part='stop'],
  [part~='mic'] {
    color: inherit;
    background: var(--_border);
  }

  [part~='mic'] {
    padding: 8px;
  }

  [part~='mic-listening'] {
    color: var(--_accent-contrast);
    background: var(--_accent);
    animation: dh-listening 1.4s ease-in-out infinite;
  }

  [part~='mic'][aria-disabled='true'] {
    opacity: 0.5;
    cursor: not-allowed;
  }

  button:disabled,
  [part='field']:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }

  .mic-wrap {
    position: relative;
    display: inline-flex;
  }

  [part='tooltip'] {
    position: absolute;
    bottom: calc(100% + 8px);
    right: 0;
    z-index: 1;
    width: max-content;
    max-width: min(260px, 80vw);
    padding: 6px 10px;
    font-size: calc(13px * var(--dh-scale, 1));
    font-weight: 400;
    line-height: 1.4;
    color: var(--_status-color);
    background: var(--_status-background);
    border-radius: 8px;
    box-shadow: var(--_shadow);
    visibility: hidden;
    opacity: 0;
    transition: opacity 0.15s ease, visibility 0.15s;
    pointer-events: none;
  }

  [part~='mic'][aria-disabled='true']:hover + [part='tooltip'],
  [part~='mic'][aria-disabled='true']:focus-visible + [part='tooltip'],
  [part='tooltip'].shown {
    visibility: visible;
    opacity: 1;
  }

  /* Above the bar, like the tooltip, so the field keeps its width; it stays until the visitor makes room. */
  [part='notice'] {
    position: absolute;
    bottom: calc(100% + 8px);
    left: 0;
    z-index: 1;
    max-width: min(360px, 90%);
    padding: 6px 10px;
    font-size: calc(13px * var(--dh-scale, 1));
    line-height: 1.4;
    color: var(--_status-color);
    background: var(--_status-background);
    border-radius: 8px;
    box-shadow: var(--_shadow);
  }

  /* Empty, it stays in the page (a live region added with its text is often not announced) but shows nothing. */
  [part='notice']:empty {
    padding: 0;
    background: none;
    box-shadow: none;
  }

  @keyframes dh-listening {
    50% {
      filter: brightness(1.25);
    }
  }
`;
