import { css } from 'lit';

export default css`
  :host {
    --dh-font-family: system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif;
    --dh-background: radial-gradient(120% 90% at 50% 10%, #eef2ff 0%, #e0e7ff 45%, #c7d2fe 100%);
    --dh-accent: #4f46e5;
    --dh-accent-contrast: #ffffff;
    --dh-radius: 14px;
    --dh-caption-background: rgba(17, 24, 39, 0.72);
    --dh-caption-color: #ffffff;
    --dh-input-background: rgba(255, 255, 255, 0.92);
    --dh-input-color: #111827;
    --dh-status-background: rgba(17, 24, 39, 0.66);
    --dh-status-color: #ffffff;
    --dh-error-background: rgba(185, 28, 28, 0.9);

    display: block;
    position: relative;
    box-sizing: border-box;
    width: 100%;
    height: 100%;
    min-height: var(--dh-min-height, 240px);
    overflow: hidden;
    font-family: var(--dh-font-family);
    color: var(--dh-input-color);
    border-radius: inherit;
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  .root {
    position: absolute;
    inset: 0;
    display: flex;
    flex-direction: column;
    justify-content: flex-end;
    border-radius: inherit;
  }

  .root.default-background {
    background: var(--dh-background);
  }

  [part='avatar'] {
    position: absolute;
    inset: 0;
    z-index: 0;
  }

  [part='avatar'] canvas {
    position: absolute;
    inset: 0;
    display: block;
    width: 100%;
    height: 100%;
  }

  /* The avatar pack's background: a still canvas under the animated one, drawn once per size. */
  [part='avatar'] canvas.background {
    z-index: -1;
  }

  [part='ai-label'] {
    position: absolute;
    top: 10px;
    left: 10px;
    padding: 2px 8px;
    font-size: 11px;
    letter-spacing: 0.02em;
    color: var(--dh-status-color);
    background: var(--dh-status-background);
    border-radius: 999px;
    pointer-events: none;
  }

  .overlay {
    position: relative;
    display: flex;
    flex-direction: column;
    align-items: stretch;
    gap: 8px;
    padding: 12px;
  }

  [part='caption'] {
    align-self: center;
    max-width: min(92%, 640px);
    padding: 8px 14px;
    font-size: 15px;
    line-height: 1.45;
    text-align: center;
    color: var(--dh-caption-color);
    background: var(--dh-caption-background);
    border-radius: var(--dh-radius);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    backdrop-filter: blur(6px);
  }

  [part='status'] {
    align-self: center;
    max-width: 92%;
    padding: 6px 12px;
    font-size: 13px;
    color: var(--dh-status-color);
    background: var(--dh-status-background);
    border-radius: 999px;
    text-align: center;
  }

  [part='status'].error {
    background: var(--dh-error-background);
  }

  [part='input'] {
    display: flex;
    gap: 8px;
    padding: 6px;
    background: var(--dh-input-background);
    border-radius: var(--dh-radius);
    box-shadow: 0 6px 24px rgba(15, 23, 42, 0.16);
    backdrop-filter: blur(8px);
  }

  [part='input'] input {
    flex: 1;
    min-width: 0;
    padding: 8px 10px;
    font: inherit;
    font-size: 15px;
    color: var(--dh-input-color);
    background: transparent;
    border: 0;
    outline: none;
  }

  [part='input'] button {
    flex: none;
    padding: 8px 16px;
    font: inherit;
    font-size: 14px;
    font-weight: 600;
    color: var(--dh-accent-contrast);
    background: var(--dh-accent);
    border: 0;
    border-radius: calc(var(--dh-radius) - 4px);
    cursor: pointer;
    transition: filter 0.15s ease, opacity 0.15s ease;
  }

  [part='input'] button:hover {
    filter: brightness(1.1);
  }

  [part='input'] button:focus-visible,
  [part='input']:focus-within {
    outline: 2px solid var(--dh-accent);
    outline-offset: 2px;
  }

  [part='input'] button.stop {
    color: var(--dh-input-color);
    background: rgba(15, 23, 42, 0.08);
  }

  [part='input'] button:disabled,
  [part='input'] input:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }

  .hidden {
    display: none !important;
  }

  @media (prefers-reduced-motion: reduce) {
    [part='input'] button {
      transition: none;
    }
  }
`;
