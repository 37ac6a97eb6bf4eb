import { CONFIG_KEYS, type DigitalHumanConfig } from '@dhkit/protocol';
import { warnOnce } from './hwics-log.js';

/**
 * The reference SDK's config keys that have no meaning in dhkit, with why. They are dropped with a one-time
 * warning; every other key (dhkit keeps the reference's names) goes to dhkit's `setConfig`.
 */
const REFERENCE_ONLY_CONFIG_KEYS: Readonly<Record<string, string>> = {
  enableBusinessTrack: 'dhkit sends no business tracking.',
  enableJobCache: 'dhkit keeps no job cache; a lost channel resumes the same session by itself.',
  enableNetworkCheck: 'dhkit checks nothing before create(); a lost network is reported as NETWORK_ERROR.',
  destroyBeforeClose: 'dhkit always ends the session when the page closes.',
  firstCreateLocalStream: 'dhkit opens the microphone only when voice is used.',
  enableStorageCache: 'dhkit stores nothing in the browser.',
  autoPlayRemoteVideo: 'the local avatar needs no video playback; a held-back voice starts on the first tap.',
  enableCollectAudioDemand: 'not applicable to dhkit.',
  enableOriginCutAlgorithm: 'not applicable to dhkit.',
  enableVerbatim: 'captions follow the spoken clauses already.',
  useWorkerWakeup: "the wake word runs in dhkit's lazy voice chunk.",
  preCheckPermissions: 'dhkit asks for the microphone when voice is first used.',
};

/** Splits a reference config into what dhkit takes; reference-only keys warn once and are dropped. */
export function toDhkitConfig(config: unknown): Partial<DigitalHumanConfig> {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return {};
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const why = REFERENCE_ONLY_CONFIG_KEYS[key];
    if (why !== undefined && !(CONFIG_KEYS as string[]).includes(key)) {
      warnOnce(`config:${key}`, `config key '${key}' has no effect in dhkit: ${why}`);
      continue;
    }
    kept[key] = value;
  }
  return kept as Partial<DigitalHumanConfig>;
}
