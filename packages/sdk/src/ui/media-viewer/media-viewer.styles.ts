import { css } from 'lit';

export default css`
  :host {
    display: contents;
  }

  dialog {
    width: 100vw;
    max-width: 100vw;
    height: 100dvh;
    max-height: 100dvh;
    margin: 0;
    padding: 0;
    color: #ffffff;
    background: transparent;
    border: 0;
    overflow: hidden;
    overscroll-behavior: contain;
    touch-action: pinch-zoom;
  }

  dialog::backdrop {
    background: var(--_viewer-backdrop);
  }

  dialog[open] {
    display: flex;
    align-items: center;
    justify-content: center;
    animation: dh-viewer-in 0.18s ease-out;
  }

  [part='figure'] {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 10px;
    max-width: calc(100vw - 32px);
    max-height: calc(100dvh - 32px);
    margin: 0;
  }

  [part='media'] {
    display: block;
    max-width: calc(100vw - 32px);
    max-height: calc(100dvh - 120px);
    object-fit: contain;
    background: #000000;
    border-radius: 6px;
    user-select: none;
  }

  img[part='media'] {
    background: transparent;
  }

  [part='caption'] {
    max-width: min(90vw, 720px);
    font-size: 14px;
    line-height: 1.4;
    text-align: center;
    color: rgba(255, 255, 255, 0.9);
  }

  button {
    position: absolute;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    width: 44px;
    height: 44px;
    padding: 0;
    font: inherit;
    font-size: 26px;
    line-height: 1;
    color: #ffffff;
    background: rgba(0, 0, 0, 0.45);
    border: 1px solid rgba(255, 255, 255, 0.35);
    border-radius: 999px;
    cursor: pointer;
    transition: background-color 0.15s ease;
  }

  button:hover {
    background: rgba(0, 0, 0, 0.7);
  }

  button:focus-visible {
    outline: 3px solid var(--_focus-ring);
    outline-offset: 2px;
  }

  [part='close'] {
    top: max(12px, env(safe-area-inset-top));
    right: max(12px, env(safe-area-inset-right));
  }

  [part='previous'] {
    left: max(12px, env(safe-area-inset-left));
    top: 50%;
    transform: translateY(-50%);
  }

  [part='next'] {
    right: max(12px, env(safe-area-inset-right));
    top: 50%;
    transform: translateY(-50%);
  }

  @keyframes dh-viewer-in {
    from {
      opacity: 0;
      transform: scale(0.98);
    }
  }
`;
