/**
 * Brain secrets in admin answers: `apiKey` and `secret` are returned masked ("sk-…abcd"), so an admin
 * screen or a log of admin traffic never shows them; a PATCH that sends a masked value back keeps the
 * stored secret. (The browser never sees the brain at all: RobotProfile has no brain field.)
 */
import type { BrainConfig, Robot } from '@dhkit/protocol';

const MASK = '…';

/** "sk-proj-abcdef123456" → "sk-…3456"; short secrets → "…". */
export function maskSecret(secret: string): string {
  if (secret.length < 12) return MASK;
  const prefix = /^[A-Za-z]{2,4}[-_]/.exec(secret)?.[0] ?? '';
  return `${prefix}${MASK}${secret.slice(-4)}`;
}

export function isMaskedSecret(value: string): boolean {
  return value.includes(MASK);
}

/** The brain config with its secrets masked. */
export function maskBrainSecrets(brain: BrainConfig): BrainConfig {
  if (brain.type === 'openai' && brain.apiKey) return { ...brain, apiKey: maskSecret(brain.apiKey) };
  if (brain.type === 'webhook') return { ...brain, secret: maskSecret(brain.secret) };
  return brain;
}

/** The robot as admin routes should return it. */
export function maskRobotSecrets(robot: Robot): Robot {
  return { ...robot, brain: maskBrainSecrets(robot.brain) };
}

/** A brain config from a PATCH, where masked secrets stand for the stored ones (same brain type only). */
export function restoreMaskedSecrets(next: BrainConfig, current: BrainConfig): BrainConfig {
  if (next.type === 'openai' && current.type === 'openai' && next.apiKey && isMaskedSecret(next.apiKey)) {
    return { ...next, apiKey: current.apiKey };
  }
  if (next.type === 'webhook' && current.type === 'webhook' && isMaskedSecret(next.secret)) {
    return { ...next, secret: current.secret };
  }
  return next;
}
