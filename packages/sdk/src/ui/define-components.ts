/**
 * Defines every built-in component once per page. `<digital-human>` calls this when it is defined (on the
 * first `create()`), so importing the SDK stays free of side effects.
 */
import { defineAiLabel } from './ai-label/ai-label.js';
import { defineCaptions } from './captions/captions.js';
import { defineHotQuestions } from './hot-questions/hot-questions.js';
import { defineInputBar } from './input-bar/input-bar.js';
import { defineLanguageSwitch } from './language-switch/language-switch.js';
import { defineMediaViewer } from './media-viewer/media-viewer.js';
import { defineStatus } from './status/status.js';

export function defineComponents(): void {
  defineAiLabel();
  defineCaptions();
  defineHotQuestions();
  defineInputBar();
  defineLanguageSwitch();
  defineMediaViewer();
  defineStatus();
}
