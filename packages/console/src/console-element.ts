/**
 * What every console page shares: the admin API (signed in), the operator's language, the translate helper, the
 * shared styles, and one way to report a failed call (a 401 signs the operator out: the key was changed).
 */
import { css, LitElement, type PropertyDeclarations } from 'lit';
import { AdminApiError, type AdminApi } from './admin-api.js';
import { translate, type ConsoleLanguage, type MessageKey } from './i18n.js';

export const sharedStyles = css`
  :host {
    display: block;
    color: var(--c-text);
    font-size: 15px;
    line-height: 1.45;
  }
  h2 {
    font-size: 1.25rem;
    margin: 0 0 12px;
  }
  h3 {
    font-size: 1.05rem;
    margin: 16px 0 8px;
  }
  .panel {
    background: var(--c-panel);
    border: 1px solid var(--c-border);
    border-radius: 8px;
    padding: 16px;
    margin-bottom: 16px;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
  }
  .grow {
    flex: 1 1 auto;
  }
  button {
    font: inherit;
    min-height: 36px;
    padding: 4px 14px;
    border-radius: 6px;
    border: 1px solid var(--c-border);
    background: var(--c-panel);
    color: var(--c-text);
    cursor: pointer;
  }
  button.primary {
    background: var(--c-accent);
    border-color: var(--c-accent);
    color: var(--c-accent-text);
  }
  button.danger {
    color: var(--c-danger);
    border-color: var(--c-danger);
  }
  button:disabled {
    opacity: 0.55;
    cursor: default;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible,
  a:focus-visible {
    outline: 3px solid var(--c-focus);
    outline-offset: 1px;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: var(--c-text);
    background: var(--c-bg);
    border: 1px solid var(--c-border);
    border-radius: 6px;
    padding: 6px 8px;
    min-height: 24px;
    box-sizing: border-box;
  }
  textarea {
    width: 100%;
    min-height: 72px;
    resize: vertical;
  }
  label {
    display: block;
    font-weight: 600;
    margin: 10px 0 4px;
  }
  label.inline {
    display: inline-flex;
    gap: 6px;
    align-items: center;
    font-weight: normal;
    margin: 0 12px 0 0;
  }
  .field input:not([type='checkbox']),
  .field select {
    width: 100%;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(220px, 1fr));
    gap: 0 16px;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    text-align: start;
    padding: 8px 6px;
    border-bottom: 1px solid var(--c-border);
    vertical-align: top;
  }
  th {
    font-size: 0.85rem;
    color: var(--c-muted);
  }
  .muted {
    color: var(--c-muted);
  }
  .error {
    color: var(--c-danger);
    font-weight: 600;
  }
  .ok {
    color: var(--c-ok);
  }
  .scroll {
    overflow-x: auto;
  }
  code,
  pre {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    font-size: 0.85rem;
  }
  pre {
    white-space: pre-wrap;
    word-break: break-all;
    margin: 0;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

export class ConsoleElement extends LitElement {
  static override properties: PropertyDeclarations = {
    api: { attribute: false },
    lang: { attribute: false },
  };

  declare api: AdminApi;
  declare lang: ConsoleLanguage;

  protected t(key: MessageKey, values?: Record<string, string | number>): string {
    return translate(this.lang ?? 'en', key, values);
  }

  /** The server's own message for a refused call; a 401 tells the app the key no longer works. */
  protected describe(error: unknown): string {
    if (error instanceof AdminApiError) {
      if (error.status === 401) this.dispatchEvent(new CustomEvent('console-unauthorized', { bubbles: true, composed: true }));
      if (error.code === 'NETWORK_ERROR') return this.t('networkError');
      return error.message;
    }
    return error instanceof Error ? error.message : String(error);
  }
}
