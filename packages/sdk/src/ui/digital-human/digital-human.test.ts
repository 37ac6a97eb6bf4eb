import { describe, expect, it } from 'vitest';
import { defineComponents } from '../define-components.js';
import DigitalHumanElement from './digital-human.component.js';

describe('<digital-human>', () => {
  it('is defined with all its parts, once, however often create() asks', () => {
    defineComponents();
    defineComponents();
    for (const tag of [
      'dh-ai-label',
      'dh-captions',
      'dh-hot-questions',
      'dh-input-bar',
      'dh-language-switch',
      'dh-media-viewer',
      'dh-status',
    ]) {
      expect(customElements.get(tag), tag).toBeDefined();
    }
    expect(customElements.get('digital-human')).toBe(DigitalHumanElement);
  });

  it('starts connecting, with the default config and no robot yet', () => {
    const element = new DigitalHumanElement();
    expect(element.state).toBe('CONNECTING');
    expect(element.profile).toBeNull();
    expect(element.config.enableCaption).toBe(false);
  });
});
