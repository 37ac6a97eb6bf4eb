import { css } from 'lit';

export default css`
  :host {
    display: block;
  }

  [part='base'] {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 8px;
  }

  [part='answer'] {
    width: 100%;
    max-width: var(--dh-answer-max-width, 640px);
    max-height: var(--dh-answer-max-height, var(--_answer-room, 40vh));
    padding: calc(10px * var(--dh-scale, 1)) calc(14px * var(--dh-scale, 1));
    overflow: auto;
    overscroll-behavior: contain;
    font-size: calc(15px * var(--dh-scale, 1));
    line-height: 1.55;
    color: var(--_answer-color);
    background: var(--_answer-background);
    border-radius: var(--_radius);
    box-shadow: var(--_shadow);
    overflow-wrap: anywhere;
  }

  [part='answer']:empty {
    display: none;
  }

  [part='answer'] > :first-child {
    margin-top: 0;
  }

  [part='answer'] > :last-child {
    margin-bottom: 0;
  }

  [part='answer'] :is(p, ul, ol, dl, blockquote, pre, table, details, figure) {
    margin: 0 0 0.6em;
  }

  [part='answer'] :is(h1, h2, h3, h4, h5, h6) {
    margin: 0.6em 0 0.3em;
    font-size: 1.05em;
    line-height: 1.3;
  }

  [part='answer'] :is(ul, ol) {
    padding-inline-start: 1.4em;
  }

  [part='answer'] dd {
    margin-inline-start: 1.4em;
  }

  [part='answer'] summary {
    cursor: pointer;
  }

  [part='answer'] a {
    color: var(--_link-color);
    text-decoration: underline;
    text-underline-offset: 2px;
  }

  [part='answer'] :is(img, video) {
    display: block;
    width: auto;
    max-width: 100%;
    height: auto;
    /* Never taller than half the card's room, so a picture is seen whole beside a few lines of text, not cut off. */
    max-height: min(var(--dh-answer-media-max-height, 200px), calc(var(--_answer-room, 40vh) / 2));
    margin: 6px 0;
    border-radius: calc(var(--_radius) - 6px);
  }

  [part='answer'] img.openable {
    cursor: zoom-in;
  }

  [part='answer'] :is(img, video, a, button):focus-visible {
    outline: 2px solid var(--_focus-ring);
    outline-offset: 2px;
  }

  [part='answer'] button.open-video {
    display: inline-block;
    margin: 0 0 6px;
    padding: 4px 10px;
    font: inherit;
    font-size: calc(13px * var(--dh-scale, 1));
    color: var(--_accent-contrast);
    background: var(--_accent);
    border: 0;
    border-radius: 999px;
    cursor: pointer;
  }

  [part='answer'] :is(code, pre) {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.92em;
  }

  [part='answer'] pre {
    padding: 8px 10px;
    overflow: auto;
    background: var(--_border);
    border-radius: 6px;
  }

  [part='answer'] blockquote {
    padding-inline-start: 10px;
    border-inline-start: 3px solid var(--_border);
  }

  [part='answer'] table {
    border-collapse: collapse;
  }

  [part='answer'] :is(th, td) {
    padding: 4px 8px;
    border: 1px solid var(--_border);
  }

  [part='clause'] {
    max-width: min(92%, var(--dh-answer-max-width, 640px));
    padding: calc(8px * var(--dh-scale, 1)) calc(14px * var(--dh-scale, 1));
    font-size: var(--dh-caption-font-size, calc(16px * var(--dh-scale, 1)));
    line-height: 1.45;
    text-align: center;
    color: var(--_caption-color);
    background: var(--_caption-background);
    border-radius: var(--_radius);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }

  [part='clause']:empty {
    display: none;
  }
`;
