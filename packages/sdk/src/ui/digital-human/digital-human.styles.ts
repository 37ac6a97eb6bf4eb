import { css } from 'lit';

/*
 * Layout of the view. Colors come from the shared `--_*` tokens (theme.styles.ts), which read the page's
 * `--dh-*` properties; nothing here sets a `--dh-*` property, so page values and dark defaults both work.
 */
export default css`
  :host {
    --_background: var(--dh-background, radial-gradient(120% 90% at 50% 10%, #eef2ff 0%, #e0e7ff 45%, #c7d2fe 100%));

    display: block;
    position: relative;
    width: 100%;
    height: 100%;
    min-height: var(--dh-min-height, 240px);
    overflow: hidden;
    color: var(--_on-surface);
    border-radius: inherit;
    container-type: size;
  }

  :host([theme='dark']) {
    --_background: var(--dh-background, radial-gradient(120% 90% at 50% 10%, #1e293b 0%, #111827 55%, #030712 100%));
  }

  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      --_background: var(--dh-background, radial-gradient(120% 90% at 50% 10%, #1e293b 0%, #111827 55%, #030712 100%));
    }
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
    background: var(--_background);
  }

  [part='avatar'] {
    position: absolute;
    inset: 0;
    z-index: 0;
  }

  [part='avatar'] > * {
    transform-origin: 50% 8%;
    transition: transform 0.35s ease;
  }

  /*
   * An answer card is up: the avatar makes room, shrinking towards the top so that her face (in the upper
   * two thirds of every pack's frame) ends above the card, and the card may take the lower half at most.
   * Only the figure shrinks: the pack's backdrop keeps filling the whole stage, so no band of another
   * color shows around her on wide or dark layouts.
   */
  :host([answering]) [part='avatar'] > :not(.background) {
    transform: scale(var(--dh-answer-avatar-scale, 0.62));
    /* Shrunk, the pack's frame ends above the stage's bottom: her torso fades out there instead of ending in a
       straight edge beside (and, through the card's gaps, behind) the answer. */
    mask-image: linear-gradient(to bottom, #000 72%, transparent 97%);
  }

  :host([answering]) [part='caption'] {
    --_answer-room: 30cqh;
  }

  /* A landscape stage (a widget across a page, a landscape kiosk): little height, so the figure gives more of it
     to the card (her face stays in the top third), and a picture in the answer fits the card (captions.styles.ts). */
  @container (max-height: 1100px) and (min-aspect-ratio: 3 / 2) {
    :host([answering]) [part='avatar'] > :not(.background) {
      transform: scale(var(--dh-answer-avatar-scale, 0.5));
    }

    :host([answering]) [part='caption'] {
      --_answer-room: 44cqh;
    }
  }

  /* Behind a kiosk's outage card (it makes her inert) the card says what is going on; a status line of her
     own ("The conversation has ended." before any visitor came) would only contradict it. */
  :host([inert]) [part='status'] {
    visibility: hidden;
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

  .top {
    position: absolute;
    top: 10px;
    left: 10px;
    right: 10px;
    z-index: 1;
    display: flex;
    align-items: flex-start;
    justify-content: space-between;
    gap: 8px;
    pointer-events: none;
  }

  .top > * {
    pointer-events: auto;
  }

  [part='language'] {
    margin-inline-start: auto;
  }

  .overlay {
    position: relative;
    z-index: 1;
    display: flex;
    flex-direction: column;
    align-items: stretch;
    gap: 8px;
    max-height: 100%;
    padding: 12px;
  }

  [part='caption'] {
    min-height: 0;
  }

  .end-countdown {
    align-self: center;
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: calc(6px * var(--dh-scale, 1));
    max-width: min(92%, calc(420px * var(--dh-scale, 1)));
    padding: calc(12px * var(--dh-scale, 1)) calc(18px * var(--dh-scale, 1));
    border-radius: var(--_radius);
    background: var(--_answer-background);
    color: var(--_answer-color);
    box-shadow: var(--_shadow);
    font-size: calc(15px * var(--dh-scale, 1));
    text-align: center;
  }

  .end-countdown p {
    margin: 0;
  }

  .end-title {
    font-weight: 600;
  }

  [part='continue'],
  [part='start-again'] {
    min-height: calc(40px * var(--dh-scale, 1));
    padding: calc(8px * var(--dh-scale, 1)) calc(22px * var(--dh-scale, 1));
    border: none;
    border-radius: 999px;
    background: var(--_accent);
    color: var(--_accent-contrast);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }

  [part='start-again'] {
    align-self: center;
    box-shadow: var(--_shadow);
  }

  /* Tall screens (kiosks): keep the answer in the lower half, larger text; the avatar needs less room. */
  @container (min-height: 1200px) {
    :host([answering]) [part='avatar'] > :not(.background) {
      transform: scale(var(--dh-answer-avatar-scale, 0.8));
    }

    .overlay {
      gap: 14px;
      padding: 24px;
    }
  }
`;
