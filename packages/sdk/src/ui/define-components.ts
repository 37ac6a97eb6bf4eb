/**
 * Defines every built-in component once per page. `create()` calls this, so importing the SDK stays free of
 * side effects; `<digital-human>` comes last, its parts before it.
 */
import DhAiLabel from './ai-label/ai-label.component.js';
import DhCaptions from './captions/captions.component.js';
import DigitalHumanElement from './digital-human/digital-human.component.js';
import DhHotQuestions from './hot-questions/hot-questions.component.js';
import DhInputBar from './input-bar/input-bar.component.js';
import DhLanguageSwitch from './language-switch/language-switch.component.js';
import DhMediaViewer from './media-viewer/media-viewer.component.js';
import DhStatus from './status/status.component.js';

const COMPONENTS = [DhAiLabel, DhCaptions, DhHotQuestions, DhInputBar, DhLanguageSwitch, DhMediaViewer, DhStatus, DigitalHumanElement];

export function defineComponents(): void {
  for (const component of COMPONENTS) component.define();
}
