import { html } from 'lit';
import { DhElement } from '../internal/dh-element.js';
import { languageTag, t } from '../../i18n/i18n.js';
import { baseStyles, themeStyles } from '../internal/theme.styles.js';
import styles from './ai-label.styles.js';

/**
 * The "AI 生成" / "AI-generated" label, shown while the robot's `aiLabel` is true. Screen readers also hear
 * that answers may be inaccurate.
 *
 * @tagname dh-ai-label
 * @csspart base - The label.
 *
 * @cssproperty --dh-ai-label-background - Label background.
 * @cssproperty --dh-ai-label-color - Label text color.
 * @cssproperty --dh-ai-label-font-size - Label font size (default 11px).
 */
export default class DhAiLabel extends DhElement {
  static override readonly tag = 'dh-ai-label';

  static override styles = [themeStyles, baseStyles, styles];

  protected override render() {
    const description = t(this.language, 'aiLabelDescription');
    return html`<span part="base" role="note" lang=${languageTag(this.language)} title=${description}
      >${t(this.language, 'aiLabel')}<span class="visually-hidden">. ${description}</span></span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-ai-label': DhAiLabel;
  }
}
