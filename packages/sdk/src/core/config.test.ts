import { DEFAULT_CONFIG } from '@dhkit/protocol';
import { describe, expect, it, vi } from 'vitest';
import { defaultConfig, mergeConfig } from './config.js';

describe('mergeConfig', () => {
  it('starts from the reference defaults', () => {
    expect(defaultConfig()).toEqual(DEFAULT_CONFIG);
    expect(defaultConfig().enableCaption).toBe(false);
    expect(defaultConfig().enableChatBtn).toBe(true);
  });

  it('merges known keys and reports what changed', () => {
    const warn = vi.fn();
    const { config, changed } = mergeConfig(defaultConfig(), { enableCaption: true, enableChatBtn: true }, warn);
    expect(config.enableCaption).toBe(true);
    expect(config.useDefaultBackground).toBe(true);
    expect(changed).toEqual(['enableCaption']);
    expect(warn).not.toHaveBeenCalled();
  });

  it('warns about unknown keys and wrong types, and ignores them', () => {
    const warn = vi.fn();
    const current = defaultConfig();
    const { config, changed } = mergeConfig(current, { enableCation: true, useDefaultBackground: 'no', __proto__x: 1 }, warn);
    expect(config).toEqual(current);
    expect(changed).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(3);
    expect(warn.mock.calls[0][0]).toContain("'enableCation'");
  });

  it('never throws on garbage and does not mutate the current config', () => {
    const warn = vi.fn();
    const current = Object.freeze(defaultConfig());
    for (const input of [null, undefined, 42, 'x', [], { toString: 1 }]) {
      expect(() => mergeConfig(current, input, warn)).not.toThrow();
    }
    expect(mergeConfig(current, { enableCaption: true }, warn).config).not.toBe(current);
    expect(current.enableCaption).toBe(false);
  });
});
