import { css } from 'lit';

/*
 * A kiosk is read from a step or two away: `--dh-scale` grows type and controls with the viewport (2 at
 * 1080×1920: body text 30 px, controls 72 px and more). It inherits into every component of the slotted
 * `<digital-human>`; a page may set its own value on `dh-kiosk`.
 */
export default css`
  :host {
    --dh-scale: 1;
    display: block;
    position: relative;
    width: 100%;
    height: 100%;
    overflow: hidden;
    background: var(--dh-kiosk-background, #0f172a);
    font-size: calc(18px * var(--dh-scale));
    /* Opaque cards: they sit over the answer and the avatar, which must not show through the text. */
    --_kiosk-card: var(--dh-kiosk-card-background, #ffffff);
    --_kiosk-card-color: var(--dh-kiosk-card-color, #111827);
  }

  :host([theme='dark']) {
    --_kiosk-card: var(--dh-kiosk-card-background, #111827);
    --_kiosk-card-color: var(--dh-kiosk-card-color, #f3f4f6);
  }

  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      --_kiosk-card: var(--dh-kiosk-card-background, #111827);
      --_kiosk-card-color: var(--dh-kiosk-card-color, #f3f4f6);
    }
  }

  @media (min-width: 720px) and (min-height: 720px) {
    :host {
      --dh-scale: 1.5;
    }
  }

  @media (min-width: 1000px) and (min-height: 1000px) {
    :host {
      --dh-scale: 2;
    }
  }

  @media (min-width: 1400px) and (min-height: 1400px) {
    :host {
      --dh-scale: 2.4;
    }
  }

  ::slotted(*) {
    position: absolute;
    inset: 0;
  }

  p {
    margin: 0;
  }

  .card,
  .attract,
  .countdown {
    background: var(--_kiosk-card);
    color: var(--_kiosk-card-color);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
    padding: calc(16px * var(--dh-scale)) calc(20px * var(--dh-scale));
    line-height: 1.4;
  }

  .attract,
  .countdown {
    position: absolute;
    z-index: 2;
    left: 50%;
    bottom: calc(24px * var(--dh-scale));
    transform: translateX(-50%);
    width: min(92%, calc(520px * var(--dh-scale)));
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: calc(10px * var(--dh-scale));
    text-align: center;
  }

  .invite,
  .title {
    font-size: 1.2em;
    font-weight: 600;
  }

  .try,
  .muted {
    color: var(--_muted);
  }

  button {
    font: inherit;
    min-height: calc(44px * var(--dh-scale));
    border-radius: 999px;
    cursor: pointer;
  }

  .chip {
    padding: calc(6px * var(--dh-scale)) calc(18px * var(--dh-scale));
    background: var(--_chip-background);
    color: var(--_chip-color);
    border: 1px solid var(--_border);
  }

  .primary {
    min-width: calc(160px * var(--dh-scale));
    padding: calc(8px * var(--dh-scale)) calc(24px * var(--dh-scale));
    background: var(--_accent);
    color: var(--_accent-contrast);
    border: none;
    font-weight: 600;
  }

  /* The card sits low, over her body: even offline the face stays visible. */
  .veil {
    position: absolute;
    inset: 0;
    z-index: 3;
    display: flex;
    align-items: flex-end;
    justify-content: center;
    padding-bottom: calc(96px * var(--dh-scale));
    background: var(--dh-kiosk-veil, rgba(15, 23, 42, 0.72));
  }

  .veil .card {
    width: min(88%, calc(520px * var(--dh-scale)));
    display: flex;
    flex-direction: column;
    gap: calc(8px * var(--dh-scale));
    text-align: center;
  }
`;
