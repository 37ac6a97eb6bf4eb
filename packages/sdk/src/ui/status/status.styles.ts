import { css } from 'lit';

export default css`
  :host {
    display: block;
    pointer-events: none;
  }

  [part='base'] {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 6px;
  }

  [part='info'],
  [part~='toast'] {
    max-width: min(92%, 520px);
    font-size: calc(14px * var(--dh-scale, 1));
    line-height: 1.45;
    color: var(--_status-color);
    background: var(--_status-background);
    box-shadow: var(--_shadow);
    pointer-events: auto;
  }

  [part='info'] {
    padding: calc(6px * var(--dh-scale, 1)) calc(12px * var(--dh-scale, 1));
    text-align: center;
    border-radius: 999px;
  }

  [part='info']:empty {
    display: none;
  }

  .toasts {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 6px;
    width: 100%;
  }

  [part~='toast'] {
    display: flex;
    align-items: flex-start;
    gap: 8px;
    padding: 8px 8px 8px 14px;
    border-radius: calc(var(--_radius) - 2px);
    animation: dh-toast-in 0.2s ease-out;
  }

  [part~='toast-error'] {
    color: var(--_error-color);
    background: var(--_error-background);
  }

  .text {
    flex: 1;
    padding-block: 2px;
  }

  [part='dismiss'] {
    flex: none;
    width: calc(32px * var(--dh-scale, 1));
    height: calc(32px * var(--dh-scale, 1));
    padding: 0;
    font: inherit;
    font-size: calc(18px * var(--dh-scale, 1));
    line-height: 1;
    color: inherit;
    background: transparent;
    border: 0;
    border-radius: 999px;
    cursor: pointer;
  }

  [part='dismiss']:hover {
    background: rgba(255, 255, 255, 0.18);
  }

  @keyframes dh-toast-in {
    from {
      opacity: 0;
      transform: translateY(6px);
    }
  }
`;
