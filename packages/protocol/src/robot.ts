/** Robot shapes: the full record the admin API manages, and the public profile the SDK receives. */
import type { LanguageCode } from './errors.js';

export const SUPPORTED_LANGUAGES: readonly LanguageCode[] = ['zh_CN', 'en_US'];

export function isLanguageCode(value: unknown): value is LanguageCode {
  return typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

export interface KnowledgeBrainConfig {
  type: 'knowledge';
}
/** Later brains (`openai`, `webhook`) join this union; their secrets never leave the server. */
export type BrainConfig = KnowledgeBrainConfig;

export interface HotQuestion {
  language: LanguageCode;
  text: string;
}

/** The robot as the admin API returns it. */
export interface Robot {
  id: string;
  name: string;
  /** Concurrent sessions allowed (0..1024). */
  concurrency: number;
  languages: LanguageCode[];
  defaultLanguage: LanguageCode;
  /** espeak-ng voice per language, e.g. {"zh_CN": "cmn", "en_US": "en-us"}. */
  voices: Partial<Record<LanguageCode, string>>;
  brain: BrainConfig;
  /** Origins allowed to embed this robot (exact `scheme://host[:port]`, or "*"). */
  allowedOrigins: string[];
  /** Hosts media in answers may come from (besides the server itself). */
  mediaAllowlist: string[];
  /** Show the "AI-generated" label. */
  aiLabel: boolean;
  idleTimeoutSeconds: number;
  maxSessionSeconds: number;
  hotQuestions: HotQuestion[];
  createdAt: string;
  updatedAt: string;
}

/** What the browser learns about a robot: nothing secret. */
export interface RobotProfile {
  id: string;
  name: string;
  languages: LanguageCode[];
  defaultLanguage: LanguageCode;
  aiLabel: boolean;
  hotQuestions: HotQuestion[];
  mediaAllowlist: string[];
}

export function toRobotProfile(robot: Robot): RobotProfile {
  return {
    id: robot.id,
    name: robot.name,
    languages: [...robot.languages],
    defaultLanguage: robot.defaultLanguage,
    aiLabel: robot.aiLabel,
    hotQuestions: robot.hotQuestions.map((q) => ({ ...q })),
    mediaAllowlist: [...robot.mediaAllowlist],
  };
}
