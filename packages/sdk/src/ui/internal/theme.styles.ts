import { css } from 'lit';

/**
 * Design tokens of the built-in components. Public `--dh-*` custom properties (set by the page, through
 * `<digital-human>` or on any component) win; the private `--_*` ones carry the light or dark default.
 * Dark applies with `theme="dark"`, or with the system's dark mode unless `theme="light"`.
 * Components never set `--dh-*` themselves, so a page's values inherit through every shadow root.
 */
const light = css`
  --_accent: var(--dh-accent, #4f46e5);
  --_accent-contrast: var(--dh-accent-contrast, #ffffff);
  --_focus-ring: var(--dh-focus-ring, var(--dh-accent, #4f46e5));
  --_surface: var(--dh-input-background, rgba(255, 255, 255, 0.94));
  --_on-surface: var(--dh-input-color, #111827);
  --_muted: var(--dh-muted-color, #4b5563);
  --_border: var(--dh-border-color, rgba(15, 23, 42, 0.14));
  --_chip-background: var(--dh-chip-background, rgba(255, 255, 255, 0.9));
  --_chip-color: var(--dh-chip-color, #312e81);
  --_caption-background: var(--dh-caption-background, rgba(17, 24, 39, 0.74));
  --_caption-color: var(--dh-caption-color, #ffffff);
  /* Opaque: whatever is behind the card (her suit's edge, a busy page) would show through as a band behind the text. */
  --_answer-background: var(--dh-answer-background, #ffffff);
  --_answer-color: var(--dh-answer-color, #111827);
  --_link-color: var(--dh-link-color, #4338ca);
  --_status-background: var(--dh-status-background, rgba(17, 24, 39, 0.88));
  --_status-color: var(--dh-status-color, #ffffff);
  --_error-background: var(--dh-error-background, #b91c1c);
  --_error-color: var(--dh-error-color, #ffffff);
  --_ai-label-background: var(--dh-ai-label-background, rgba(17, 24, 39, 0.66));
  --_ai-label-color: var(--dh-ai-label-color, #ffffff);
  --_viewer-backdrop: var(--dh-viewer-backdrop, rgba(15, 23, 42, 0.82));
  --_shadow: var(--dh-shadow, 0 6px 24px rgba(15, 23, 42, 0.16));
  color-scheme: light;
`;

const dark = css`
  --_accent: var(--dh-accent, #818cf8);
  --_accent-contrast: var(--dh-accent-contrast, #0b1020);
  --_focus-ring: var(--dh-focus-ring, var(--dh-accent, #a5b4fc));
  --_surface: var(--dh-input-background, rgba(17, 24, 39, 0.92));
  --_on-surface: var(--dh-input-color, #f3f4f6);
  --_muted: var(--dh-muted-color, #9ca3af);
  --_border: var(--dh-border-color, rgba(255, 255, 255, 0.16));
  --_chip-background: var(--dh-chip-background, rgba(30, 41, 59, 0.92));
  --_chip-color: var(--dh-chip-color, #e0e7ff);
  --_caption-background: var(--dh-caption-background, rgba(0, 0, 0, 0.72));
  --_caption-color: var(--dh-caption-color, #f9fafb);
  --_answer-background: var(--dh-answer-background, #111827);
  --_answer-color: var(--dh-answer-color, #f3f4f6);
  --_link-color: var(--dh-link-color, #a5b4fc);
  --_status-background: var(--dh-status-background, rgba(31, 41, 55, 0.94));
  --_status-color: var(--dh-status-color, #f9fafb);
  --_error-background: var(--dh-error-background, #dc2626);
  --_error-color: var(--dh-error-color, #ffffff);
  --_ai-label-background: var(--dh-ai-label-background, rgba(0, 0, 0, 0.6));
  --_ai-label-color: var(--dh-ai-label-color, #f9fafb);
  --_viewer-backdrop: var(--dh-viewer-backdrop, rgba(0, 0, 0, 0.88));
  --_shadow: var(--dh-shadow, 0 6px 24px rgba(0, 0, 0, 0.45));
  color-scheme: dark;
`;

export const themeStyles = css`
  :host {
    ${light}
    --_font-family: var(--dh-font-family, system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif);
    --_radius: var(--dh-radius, 14px);
    font-family: var(--_font-family);
  }

  :host([theme='dark']) {
    ${dark}
  }

  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${dark}
    }
  }
`;

/** Habits every component shares: box sizing, a visible keyboard focus, `hidden`, reduced motion. */
export const baseStyles = css`
  :host {
    box-sizing: border-box;
  }

  :host([hidden]),
  [hidden] {
    display: none !important;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  :focus {
    outline: none;
  }

  :focus-visible {
    outline: 2px solid var(--_focus-ring);
    outline-offset: 2px;
  }

  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }

  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation-duration: 0.01ms !important;
      animation-iteration-count: 1 !important;
      transition-duration: 0.01ms !important;
      scroll-behavior: auto !important;
    }
  }
`;
