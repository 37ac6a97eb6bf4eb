/**
 * The headless dhkit core, `@dhkit/sdk/core`: session, channel, events, audio playback and voice input,
 * with no UI and no Lit. Draw your own UI from the events (`semanticRecognized`, `speakingStart`, …) and
 * `renderAnswer()` from `@dhkit/sdk` or the `@dhkit/sdk/rich-media` chunk.
 */
export { createHeadless as create } from './core/create.js';
export type { CreateOptions, PendingDigitalHuman } from './core/create.js';
export type { OnceCodeOption } from './channel/once-code.js';
export { checkBrowserSupport } from './core/browser-support.js';
export type { BrowserSupport } from './core/browser-support.js';
export { DHKitError } from './core/errors.js';
export { version } from './version.js';
export type { DigitalHuman } from './core/digital-human.js';
export type {
  ChatTextEvent,
  DigitalHumanEventListeners,
  DigitalHumanEventMap,
  DigitalHumanEventName,
  JobInfo,
  JobState,
  Listener,
} from './core/events.js';
export type { LogLevel } from './core/logger.js';
export type { DigitalHumanConfig, ErrorCode, InteractionMode, LanguageCode, MediaMode } from '@dhkit/protocol';
