import { DEFAULT_CONFIG, type DigitalHumanConfig } from '@dhkit/protocol';

export type { DigitalHumanConfig };

export interface ConfigMerge {
  config: DigitalHumanConfig;
  /** Keys whose value actually changed. */
  changed: (keyof DigitalHumanConfig)[];
}

/**
 * Merges a partial config into the current one. Unknown keys and values of the wrong type are reported
 * through `warn` and skipped: a typo in a config must never break a page.
 */
export function mergeConfig(current: Readonly<DigitalHumanConfig>, partial: unknown, warn: (message: string) => void): ConfigMerge {
  const config = { ...current };
  const changed: (keyof DigitalHumanConfig)[] = [];
  if (partial === undefined || partial === null) return { config, changed };
  if (typeof partial !== 'object' || Array.isArray(partial)) {
    warn(`config must be an object; got ${Array.isArray(partial) ? 'an array' : typeof partial}. Ignored.`);
    return { config, changed };
  }
  for (const [key, value] of Object.entries(partial)) {
    if (!Object.hasOwn(DEFAULT_CONFIG, key)) {
      warn(`unknown config key '${key}' ignored.`);
      continue;
    }
    const name = key as keyof DigitalHumanConfig;
    if (value === undefined) continue;
    if (typeof value !== typeof DEFAULT_CONFIG[name]) {
      warn(`config key '${key}' expects a ${typeof DEFAULT_CONFIG[name]}; got ${typeof value}. Ignored.`);
      continue;
    }
    if (config[name] !== value) {
      (config as Record<string, unknown>)[name] = value;
      changed.push(name);
    }
  }
  return { config, changed };
}

export function defaultConfig(): DigitalHumanConfig {
  return { ...DEFAULT_CONFIG };
}
