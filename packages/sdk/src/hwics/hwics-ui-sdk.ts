import type { DigitalHumanConfig, InteractionMode, LanguageCode } from '@dhkit/protocol';
import { checkBrowserSupport } from '../ui/browser-support.js';
import type { DigitalHuman } from '../core/digital-human.js';
import { DHKitError } from '../core/errors.js';
import { EVENT_NAMES, type DigitalHumanEventListeners, type DigitalHumanEventName } from '../core/events.js';
import { isLogLevel, type LogLevel } from '../core/logger.js';
import { create as createDigitalHuman } from '../ui/create.js';
import { version } from '../version.js';
import type { WakeupType } from '../voice/sleep-controller.js';
import { toDhkitConfig } from './config-keys.js';
import {
  referenceJobInfo,
  referenceLanguageInfo,
  referencePayload,
  type ReferenceJobInfo,
  type ReferenceLanguageInfo,
} from './event-payloads.js';
import { pcmFromAudioData, type AudioData } from './custom-audio.js';
import { ICSError, settle, type UISdkResult } from './results.js';
import { hwicsLog, hwicsLogLevel, setHwicsLogLevel, warnOnce } from './hwics-log.js';

/** `HwICSUiSdk.create()`'s parameter, as in the reference SDK. */
interface CreateParam {
  serverAddress: string;
  robotId: string;
  /** A once-code from your backend (dhkit: `POST /v1/robots/:id/once-codes`). */
  onceCode: string;
  containerId: string;
  config?: Record<string, unknown>;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'none';
  eventListeners?: Record<string, (payload?: unknown) => void>;
  /** Reference-only; ignored with a warning. */
  taskUrl?: string;
  /** Reference-only; ignored with a warning (dhkit takes `extendParam` per question). */
  extendParamStr?: string;
}

type ReferenceListener = (payload?: unknown) => void;

/** The one task of the page (the reference is a singleton) and what was set before it exists. */
let task: DigitalHuman | null = null;
let creating: Promise<void> | null = null;
/** Bumped by destroy(), so a create() still under way knows it was cancelled. */
let generation = 0;
let config: Partial<DigitalHumanConfig> = {};
const listeners = new Map<DigitalHumanEventName, Set<ReferenceListener>>();

function dispatch(event: DigitalHumanEventName, payload: unknown): void {
  const set = listeners.get(event);
  if (!set?.size) return;
  const shaped = referencePayload(event, payload as never);
  for (const listener of [...set]) {
    try {
      listener(shaped);
    } catch (error) {
      hwicsLog().error(`a '${event}' listener threw:`, error);
    }
  }
}

/** dhkit listeners that forward every event to the listeners registered at the time it fires. */
const forwarders = Object.fromEntries(
  EVENT_NAMES.map((event) => [event, (payload: unknown) => dispatch(event, payload)]),
) as DigitalHumanEventListeners;

function live(): DigitalHuman {
  if (!task) throw new DHKitError('SESSION_ENDED', 'HwICSUiSdk: no interaction task; call HwICSUiSdk.create() first.');
  return task;
}

function noOp(name: string, why: string): Promise<UISdkResult> {
  warnOnce(`method:${name}`, `${name}() does nothing in dhkit: ${why}`);
  return Promise.resolve({ result: true });
}

function toLogLevel(level: unknown): LogLevel | null {
  if (level === 'none') return 'silent';
  return isLogLevel(level) ? level : null;
}

/**
 * A drop-in for pages written for Huawei MetaStudio's intelligent-interaction Web SDK: the global static
 * `HwICSUiSdk` with its method, event and config names, running on dhkit. Methods that report an outcome
 * resolve with `{result, errorCode, errorMsg}` as the reference does; `errorCode` is the `MSS.…` code where
 * dhkit's error catalog has one. See docs/migrating-from-metastudio.md.
 */
// biome-ignore lint/complexity/noStaticOnlyClass: the reference SDK is a global static class; pages call HwICSUiSdk.create() etc.
export class HwICSUiSdk {
  static readonly version = version;
  static readonly buildTime = '';

  static checkBrowserSupport(_strictCheckBrowser?: boolean): Promise<boolean> {
    return Promise.resolve(checkBrowserSupport().supported);
  }

  /** dhkit's avatar is drawn on a canvas, so a transparent background (`useDefaultBackground: false`) always works. */
  static checkTransparentBgSupport(): Promise<boolean> {
    return Promise.resolve(true);
  }

  /** Starts the interaction task in `containerId`; a task already running is destroyed first. Rejects with an ICSError. */
  static async create(param: CreateParam): Promise<void> {
    if (task || creating) await HwICSUiSdk.destroy();
    const level = toLogLevel(param?.logLevel);
    if (level) setHwicsLogLevel(level);
    if (param?.taskUrl !== undefined)
      warnOnce('param:taskUrl', 'create({taskUrl}) is ignored: dhkit admits sessions with serverAddress, robotId and onceCode.');
    if (param?.extendParamStr !== undefined)
      warnOnce('param:extendParamStr', 'create({extendParamStr}) is ignored: pass questionParam with each question.');
    if (param?.eventListeners) HwICSUiSdk.addEventListeners(param.eventListeners);
    if (param?.config) config = { ...config, ...toDhkitConfig(param.config) };
    const mine = ++generation;
    const starting = createDigitalHuman({
      serverAddress: param?.serverAddress,
      robotId: param?.robotId,
      onceCode: param?.onceCode,
      containerId: param?.containerId,
      config,
      logLevel: hwicsLogLevel(),
      eventListeners: forwarders,
    });
    creating = starting.then(
      () => undefined,
      () => undefined,
    );
    try {
      const made = await starting;
      if (mine !== generation) {
        await made.destroy();
        throw new ICSError('SESSION_ENDED', 'HwICSUiSdk.destroy() was called while create() was under way.');
      }
      task = made;
    } catch (error) {
      const failed = error instanceof ICSError ? error : ICSError.from(error);
      dispatch('error', { code: failed.dhkitCode, message: failed.message });
      throw failed;
    } finally {
      if (mine === generation) creating = null;
    }
  }

  /** Updates config keys; before create() they are kept for it. Reference-only keys warn once and are ignored. */
  static setConfig(next: Record<string, unknown>): Promise<void> {
    const kept = toDhkitConfig(next);
    config = { ...config, ...kept };
    task?.setConfig(kept);
    return Promise.resolve();
  }

  /** 'debug' | 'info' | 'warn' | 'error' | 'none'; takes effect for the next create(). */
  static setLogLevel(level: CreateParam['logLevel']): void {
    const mapped = toLogLevel(level);
    if (mapped) setHwicsLogLevel(mapped);
    else warnOnce(`log:${String(level)}`, `unknown log level ${JSON.stringify(level)} ignored.`);
  }

  /** Registers listeners by event name; they stay registered across destroy() and a new create(). */
  static addEventListeners(eventMap: Record<string, ReferenceListener>): void {
    if (!eventMap || typeof eventMap !== 'object') return;
    for (const [name, listener] of Object.entries(eventMap)) {
      if (!(EVENT_NAMES as readonly string[]).includes(name)) {
        warnOnce(`event:${name}`, `event '${name}' does not exist in dhkit and is never fired.`);
        continue;
      }
      if (typeof listener !== 'function') continue;
      const event = name as DigitalHumanEventName;
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
    }
  }

  /** Ends the task and removes the avatar; safe to call at any time, also while create() is under way. */
  static async destroy(): Promise<void> {
    generation++;
    creating = null;
    const ending = task;
    task = null;
    await ending?.destroy();
  }

  static getJobInfo(): Promise<ReferenceJobInfo> {
    return Promise.resolve(referenceJobInfo(task?.getJobInfo() ?? null));
  }

  static startChat(param: { interactionMode: InteractionMode; wakeupType?: WakeupType }): Promise<UISdkResult & { chatId?: string }> {
    return settle(async () => {
      const dh = live();
      if (param?.wakeupType) dh.wakeup({ type: param.wakeupType });
      await dh.startChat({ interactionMode: param?.interactionMode });
      return { chatId: '' };
    });
  }

  static stopChat(): Promise<UISdkResult & { chatId?: string }> {
    return settle(() => {
      live().stopChat();
      return { chatId: '' };
    });
  }

  static activeInteractionMode(): Promise<UISdkResult & { interactionMode?: InteractionMode }> {
    return settle(() => ({ interactionMode: live().activeInteractionMode ?? undefined }));
  }

  static interactionModeSwitch(param: { interactionMode: InteractionMode }): Promise<UISdkResult & { interactionMode?: InteractionMode }> {
    return settle(async () => {
      await live().interactionModeSwitch({ interactionMode: param?.interactionMode });
      return { interactionMode: param.interactionMode };
    });
  }

  /** `questionParam` (a JSON object as a string) reaches your brain as the question's `extendParam`. */
  static sendTextQuestion(param: { text: string; questionParam?: string }): Promise<UISdkResult & { chatId?: string }> {
    return settle(() => {
      const extendParam = param?.questionParam ? (JSON.parse(param.questionParam) as Record<string, unknown>) : undefined;
      return live().sendTextQuestion({ text: param?.text, ...(extendParam ? { extendParam } : {}) });
    });
  }

  static sendDrivenText(param: { text: string; isLast?: boolean }): Promise<UISdkResult & { chatId?: string }> {
    return settle(() => live().sendDrivenText({ text: param?.text, isLast: param?.isLast }));
  }

  static interruptSpeaking(): Promise<UISdkResult> {
    return settle(() => {
      live().interruptSpeaking();
      return {};
    });
  }

  static startUserSpeak(_param?: { preCheckPermissions?: boolean }): Promise<UISdkResult> {
    return settle(async () => {
      await live().startUserSpeak();
      return {};
    });
  }

  static stopUserSpeak(): Promise<UISdkResult> {
    return settle(() => {
      live().stopUserSpeak();
      return {};
    });
  }

  /** The reference's older names for startUserSpeak/stopUserSpeak. */
  static startSpeak(): Promise<UISdkResult> {
    return HwICSUiSdk.startUserSpeak();
  }

  static stopSpeak(): Promise<UISdkResult> {
    return HwICSUiSdk.stopUserSpeak();
  }

  static muteRemoteAudio(): Promise<boolean> {
    if (!task) return Promise.resolve(false);
    task.muteRemoteAudio();
    return Promise.resolve(true);
  }

  static unmuteRemoteAudio(): Promise<boolean> {
    if (!task) return Promise.resolve(false);
    task.unmuteRemoteAudio();
    return Promise.resolve(true);
  }

  static getLanguageInfo(): ReferenceLanguageInfo | UISdkResult {
    if (!task) return { result: false, errorCode: 'SESSION_ENDED', errorMsg: 'HwICSUiSdk: no interaction task.' };
    return referenceLanguageInfo(task.getLanguageInfo());
  }

  static changeLanguage(param: { langCode: LanguageCode }): Promise<UISdkResult> {
    return settle(async () => {
      await live().changeLanguage({ langCode: param?.langCode });
      return {};
    });
  }

  /** Audio from another source as one spoken question: 16 kHz mono 16-bit PCM, as bytes or base64. */
  static async sendCustomLocalAudio(audioData: AudioData): Promise<void> {
    const result = await settle(() => live().sendCustomLocalAudio({ data: pcmFromAudioData(audioData), sampleRate: 16_000 }));
    if (!result.result) dispatch('error', { code: result.dhkitCode, message: result.errorMsg });
  }

  static initResourcePath(_param?: unknown): Promise<void> {
    return noOp('initResourcePath', 'the wake-word and VAD models are served by the dhkit server under /sdk/voice/.').then(() => undefined);
  }

  static setThirdPartyConfig(_config?: unknown): Promise<UISdkResult> {
    return noOp('setThirdPartyConfig', 'dhkit has no third-party device integrations; use wakeup() from your sensor instead.');
  }

  static startLocalWakeupRecord(): Promise<void> {
    return noOp(
      'startLocalWakeupRecord',
      "the wake word is heard while hands-free voice is on (startChat({interactionMode: 'AUDIO'})).",
    ).then(() => undefined);
  }

  static stopLocalWakeupRecord(): Promise<void> {
    return noOp('stopLocalWakeupRecord', 'see startLocalWakeupRecord.').then(() => undefined);
  }

  /** Nothing to start: the local avatar draws by itself, and a voice the browser held back starts on the next tap. */
  static playRemoteVideo(): Promise<UISdkResult> {
    return Promise.resolve({ result: true });
  }

  static startStreamRecord(): Promise<void> {
    return noOp('startStreamRecord', 'dhkit does not record the stream.').then(() => undefined);
  }

  static stopStreamRecord(): Promise<void> {
    return noOp('stopStreamRecord', 'dhkit does not record the stream.').then(() => undefined);
  }

  static subscribe(): Promise<void> {
    return noOp('subscribe', 'dhkit subscribes to the avatar stream by itself.').then(() => undefined);
  }

  static unSubscribe(): Promise<void> {
    return noOp('unSubscribe', 'dhkit subscribes to the avatar stream by itself.').then(() => undefined);
  }
}
