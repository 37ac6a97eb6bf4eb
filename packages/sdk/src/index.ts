/**
 * dhkit browser SDK. Script tag: the global `DHKit`; npm: `import { create } from '@dhkit/sdk'`.
 * Everything public is listed here by name.
 */
export { create } from './ui/create.js';
export type { CreateOptions, PendingDigitalHuman } from './core/create.js';
export type { OnceCodeOption } from './channel/once-code.js';
export { createKiosk } from './kiosk/create-kiosk.js';
export type { Kiosk, KioskCreateOptions, KioskEventMap, KioskOptions, KioskState } from './kiosk/create-kiosk.js';
export { checkBrowserSupport } from './ui/browser-support.js';
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
export type { WakeupType } from './voice/sleep-controller.js';
export { answerPlainText, renderAnswer } from './rich-media/index.js';
export type { AnswerMedia, DropReason, DroppedContent, MediaKind, RenderAnswerOptions, RenderedAnswer } from './rich-media/index.js';
export type { AvatarState, AvatarSurface } from './avatar/avatar-surface.js';
export type { default as DigitalHumanElement } from './ui/digital-human/digital-human.component.js';
export type {
  LanguageChangeEventDetail,
  MediaBlockedEventDetail,
  MediaOpenEventDetail,
  MicEventDetail,
  QuestionEventDetail,
} from './ui/internal/events.js';
export type {
  DigitalHumanConfig,
  ErrorCode,
  InteractionMode,
  LanguageCode,
  MediaMode,
} from '@dhkit/protocol';
