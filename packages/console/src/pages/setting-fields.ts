/**
 * Typed editors for a robot's nested settings, described once as field specs (a path under a prefix, a kind, a
 * label) and used both to render the inputs and to read them back into the admin API's shape. A field's name is its
 * path in the robot (`brain.llm.baseUrl`), so the server's validation message (`body/brain/llm/baseUrl must be …`)
 * can be shown beside the very input it is about.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { SettingLabel } from '../i18n-settings.js';

/**
 * text, url: one line; secret: a password input (the server sends it masked, and a masked value sent back keeps
 * the stored one); int, number: numeric; bool: a checkbox; lines: one item per line (a list); long: a text area.
 */
type FieldKind = 'text' | 'url' | 'secret' | 'int' | 'number' | 'bool' | 'lines' | 'long';

export interface FieldSpec {
  /** The path under the group's prefix, dotted (`llm.baseUrl`). */
  path: string;
  kind: FieldKind;
  /** Defaults to the path's last segment. */
  label?: SettingLabel;
}

/** What the form offers to render a field: inputs with their label, hint and the server's message when it is about them. */
export interface FormKit {
  field(name: string, label: string, value: string, type?: string, hint?: string): TemplateResult;
  area(name: string, label: string, value: string, hint?: string): TemplateResult;
  check(name: string, label: string, checked: boolean): TemplateResult;
  choice(name: string, label: string, options: readonly string[], selected: string): TemplateResult;
  label(key: SettingLabel): string;
  secretHint: string;
}

/** What the form offers to read a field back. */
export interface FormReader {
  value(name: string): string;
  checked(name: string): boolean;
}

export const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

function getPath(source: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), source);
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}

const INPUT_TYPES: Partial<Record<FieldKind, string>> = { url: 'url', secret: 'password', int: 'number', number: 'number' };

/** The inputs of `specs` under `prefix`, filled from `source` (the stored settings object, or nothing). */
export function renderFields(kit: FormKit, prefix: string, specs: readonly FieldSpec[], source: unknown): TemplateResult {
  return html`${specs.map((spec) => {
    const name = `${prefix}.${spec.path}`;
    const label = kit.label(spec.label ?? (spec.path.split('.').pop() as SettingLabel));
    const stored = getPath(source, spec.path);
    switch (spec.kind) {
      case 'bool':
        return kit.check(name, label, stored === true);
      case 'lines':
        return kit.area(name, label, Array.isArray(stored) ? stored.join('\n') : '');
      case 'long':
        return kit.area(name, label, typeof stored === 'string' ? stored : '');
      default:
        return kit.field(
          name,
          label,
          stored === undefined ? '' : String(stored),
          INPUT_TYPES[spec.kind],
          spec.kind === 'secret' ? kit.secretHint : '',
        );
    }
  })}`;
}

/**
 * The settings object the inputs say; fields left empty are left out (so the server keeps its defaults).
 * A number that does not parse is sent as typed, and the server's message names the field.
 */
export function readFields(reader: FormReader, prefix: string, specs: readonly FieldSpec[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const spec of specs) {
    const name = `${prefix}.${spec.path}`;
    if (spec.kind === 'bool') {
      if (reader.checked(name)) setPath(result, spec.path, true);
      continue;
    }
    const text = reader.value(name);
    if (text === '') continue;
    if (spec.kind === 'lines') setPath(result, spec.path, lines(text));
    else if (spec.kind === 'int' || spec.kind === 'number') setPath(result, spec.path, Number.isFinite(Number(text)) ? Number(text) : text);
    else setPath(result, spec.path, text);
  }
  return result;
}

/** A fieldset with its legend, or nothing when `content` is nothing. */
export function group(legend: string, content: unknown, hint = ''): TemplateResult {
  return html`<fieldset>
    <legend>${legend}</legend>
    ${hint ? html`<div class="hint">${hint}</div>` : nothing}
    <div class="grid">${content}</div>
  </fieldset>`;
}
