/**
 * Secrets in admin answers: the brain's `apiKey`/`secret` (and a knowledge robot's `llm.apiKey` and
 * `embeddings.apiKey`) and the speech engines' `apiKey`s are returned
 * masked ("sk-…abcd"), as are the media mode's LiveKit `apiSecret` and renderer `secret`, so an admin screen or
 * a log of admin traffic never shows them; a PATCH that sends a masked value back keeps the stored secret, but
 * only for the same target URL: a masked key next to a new URL would send the stored key to that new host, so
 * it must be entered again (INVALID_REQUEST). (The browser never sees any of them: RobotProfile carries no
 * brain, tts or asr.)
 */
import type { AsrConfig, BrainConfig, KnowledgeBrainConfig, MediaConfig, Robot, TtsConfig } from '@dhkit/protocol';
import { CodedError } from '../errors.js';

/** The stored secret for a masked value, or a refusal when the secret's target URL is not the stored one. */
function keptSecret<T>(field: string, stored: T, nextUrl: string | undefined, storedUrl: string | undefined): T {
  if (nextUrl !== storedUrl) {
    throw new CodedError(
      'INVALID_REQUEST',
      `${field}: the URL changed, so enter the secret again (a masked secret is only kept for the same URL).`,
    );
  }
  return stored;
}

const MASK = '…';

/** "sk-proj-abcdef123456" → "sk-…3456"; short secrets → "…". */
export function maskSecret(secret: string): string {
  if (secret.length < 12) return MASK;
  const prefix = /^[A-Za-z]{2,4}[-_]/.exec(secret)?.[0] ?? '';
  return `${prefix}${MASK}${secret.slice(-4)}`;
}

function isMaskedSecret(value: string): boolean {
  return value.includes(MASK);
}

/** The brain config with its secrets masked. */
export function maskBrainSecrets(brain: BrainConfig): BrainConfig {
  if (brain.type === 'openai' && brain.apiKey) return { ...brain, apiKey: maskSecret(brain.apiKey) };
  if (brain.type === 'webhook') return { ...brain, secret: maskSecret(brain.secret) };
  if (brain.type === 'knowledge' && (brain.llm?.apiKey || brain.embeddings?.apiKey)) {
    const masked = { ...brain };
    if (brain.llm?.apiKey) masked.llm = { ...brain.llm, apiKey: maskSecret(brain.llm.apiKey) };
    if (brain.embeddings?.apiKey) masked.embeddings = { ...brain.embeddings, apiKey: maskSecret(brain.embeddings.apiKey) };
    return masked;
  }
  return brain;
}

function maskApiKey<T extends TtsConfig | AsrConfig>(config: T | undefined): T | undefined {
  if (!config || !('apiKey' in config) || !config.apiKey) return config;
  return { ...config, apiKey: maskSecret(config.apiKey) };
}

/** The robot as admin routes return it. */
export function maskRobotSecrets(robot: Robot): Robot {
  const masked: Robot = { ...robot, brain: maskBrainSecrets(robot.brain) };
  if (robot.tts) masked.tts = maskApiKey(robot.tts);
  if (robot.asr) masked.asr = maskApiKey(robot.asr);
  if (robot.media) masked.media = maskMediaSecrets(robot.media);
  return masked;
}

function maskMediaSecrets(media: MediaConfig): MediaConfig {
  const masked: MediaConfig = { ...media };
  if (media.livekit) masked.livekit = { ...media.livekit, apiSecret: maskSecret(media.livekit.apiSecret) };
  if (media.renderer?.secret) masked.renderer = { ...media.renderer, secret: maskSecret(media.renderer.secret) };
  return masked;
}

function restoreMediaSecrets(next: MediaConfig, current: MediaConfig | undefined): MediaConfig {
  const restored: MediaConfig = { ...next };
  if (next.livekit && isMaskedSecret(next.livekit.apiSecret)) {
    const apiSecret = keptSecret('media.livekit.apiSecret', current?.livekit?.apiSecret ?? '', next.livekit.url, current?.livekit?.url);
    restored.livekit = { ...next.livekit, apiSecret };
  }
  if (next.renderer?.secret && isMaskedSecret(next.renderer.secret)) {
    restored.renderer = {
      ...next.renderer,
      secret: keptSecret('media.renderer.secret', current?.renderer?.secret, next.renderer.url, current?.renderer?.url),
    };
  }
  return restored;
}

/** A knowledge brain's LLM and embeddings keys, each kept only for its own stored URL. */
function restoreKnowledgeSecrets(next: KnowledgeBrainConfig, current: KnowledgeBrainConfig | undefined): KnowledgeBrainConfig {
  const restored = { ...next };
  if (next.llm?.apiKey && isMaskedSecret(next.llm.apiKey)) {
    const apiKey = keptSecret('brain.llm.apiKey', current?.llm?.apiKey, next.llm.baseUrl, current?.llm?.baseUrl);
    restored.llm = { ...next.llm, apiKey };
  }
  if (next.embeddings?.apiKey && isMaskedSecret(next.embeddings.apiKey)) {
    const apiKey = keptSecret(
      'brain.embeddings.apiKey',
      current?.embeddings?.apiKey,
      next.embeddings.baseUrl,
      current?.embeddings?.baseUrl,
    );
    restored.embeddings = { ...next.embeddings, apiKey };
  }
  return restored;
}

/** A brain config from a PATCH, where masked secrets stand for the stored ones (same brain type only). */
export function restoreMaskedSecrets(next: BrainConfig, current: BrainConfig): BrainConfig {
  if (next.type === 'openai' && current.type === 'openai' && next.apiKey && isMaskedSecret(next.apiKey)) {
    return { ...next, apiKey: keptSecret('brain.apiKey', current.apiKey, next.baseUrl, current.baseUrl) };
  }
  if (next.type === 'webhook' && current.type === 'webhook' && isMaskedSecret(next.secret)) {
    return { ...next, secret: keptSecret('brain.secret', current.secret, next.url, current.url) };
  }
  if (next.type === 'knowledge') return restoreKnowledgeSecrets(next, current.type === 'knowledge' ? current : undefined);
  return next;
}

function restoreApiKey<T extends TtsConfig | AsrConfig>(field: string, next: T, current: T | undefined): T {
  if (!('apiKey' in next) || !next.apiKey || !isMaskedSecret(next.apiKey)) return next;
  const stored = current && 'apiKey' in current ? current.apiKey : undefined;
  const urlOf = (config: T | undefined) => (config && 'baseUrl' in config ? (config.baseUrl as string | undefined) : undefined);
  return { ...next, apiKey: keptSecret(`${field}.apiKey`, stored, urlOf(next), urlOf(current)) };
}

/** The secret-bearing fields of a robot PATCH, with masked values standing for the stored secrets. */
export function restoreRobotSecrets<P extends { brain?: BrainConfig; tts?: TtsConfig; asr?: AsrConfig; media?: MediaConfig }>(
  patch: P,
  current: Robot,
): P {
  const restored = { ...patch };
  if (patch.brain) restored.brain = restoreMaskedSecrets(patch.brain, current.brain);
  if (patch.tts) restored.tts = restoreApiKey('tts', patch.tts, current.tts);
  if (patch.asr) restored.asr = restoreApiKey('asr', patch.asr, current.asr);
  if (patch.media) restored.media = restoreMediaSecrets(patch.media, current.media);
  return restored;
}
