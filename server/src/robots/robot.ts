/** The robot model's rules: defaults, and the checks a JSON schema cannot express. */
import type { HotQuestion, LanguageCode, MediaConfig, Robot } from '@dhkit/protocol';
import { voiceSpeaks } from '../adapters/tts/voice-language.js';
import { CodedError } from '../errors.js';
import { randomSecret } from '../security/secrets.js';

/** The espeak-ng voice for each language when a robot names none. */
export const DEFAULT_VOICES: Readonly<Record<LanguageCode, string>> = { zh_CN: 'cmn', en_US: 'en-us' };

/** Hot questions shown per language (the SDK shows the session language's). */
const HOT_QUESTIONS_PER_LANGUAGE = 20;

/**
 * What the schema cannot say about hot questions: each in one of the robot's languages, at most
 * HOT_QUESTIONS_PER_LANGUAGE per language, no repeats. Returns them trimmed, in the given order.
 */
export function checkHotQuestions(hotQuestions: readonly HotQuestion[], languages: readonly LanguageCode[]): HotQuestion[] {
  const seen = new Map<LanguageCode, Set<string>>();
  return hotQuestions.map(({ language, text }, index) => {
    if (!languages.includes(language)) {
      throw new CodedError(
        'INVALID_REQUEST',
        `hotQuestions[${index}]: language ${language} is not one of the robot's languages (${languages.join(', ')}).`,
      );
    }
    const texts = seen.get(language) ?? new Set<string>();
    seen.set(language, texts);
    const trimmed = text.trim();
    if (texts.has(trimmed)) throw new CodedError('INVALID_REQUEST', `hotQuestions[${index}]: "${trimmed}" appears twice for ${language}.`);
    texts.add(trimmed);
    if (texts.size > HOT_QUESTIONS_PER_LANGUAGE) {
      throw new CodedError('INVALID_REQUEST', `hotQuestions: at most ${HOT_QUESTIONS_PER_LANGUAGE} per language (${language} has more).`);
    }
    return { language, text: trimmed };
  });
}

export type RobotInput = Partial<Omit<Robot, 'createdAt' | 'updatedAt'>> & { name: string };

/** `livekit` mode needs both the LiveKit server and a renderer. */
function checkMedia(media: MediaConfig): MediaConfig {
  if (media.mode === 'livekit' && (!media.livekit || !media.renderer)) {
    throw new CodedError('INVALID_REQUEST', 'media: mode "livekit" needs both livekit {url, apiKey, apiSecret} and renderer {url}.');
  }
  return media;
}

/** Fills defaults and checks what a schema cannot (defaultLanguage among languages). */
export function buildRobot(input: RobotInput, now = new Date()): Robot {
  const languages = input.languages ?? ['zh_CN', 'en_US'];
  const defaultLanguage = input.defaultLanguage ?? languages[0];
  if (!languages.includes(defaultLanguage)) {
    throw new CodedError('INVALID_REQUEST', `defaultLanguage "${defaultLanguage}" must be one of languages.`);
  }
  const voices: Robot['voices'] = {};
  for (const language of languages) {
    const voice = input.voices?.[language] ?? DEFAULT_VOICES[language];
    // A voice that cannot speak the language would read Chinese with English rules (or the reverse).
    if (!voiceSpeaks(voice, language, input.tts)) {
      throw new CodedError('INVALID_REQUEST', `voices.${language}: the voice "${voice}" does not speak ${language}.`);
    }
    voices[language] = voice;
  }
  const timestamp = now.toISOString();
  return {
    id:
      input.id ??
      `robot-${randomSecret(9)
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')}`.slice(0, 64),
    name: input.name,
    concurrency: input.concurrency ?? 1,
    languages: [...languages],
    defaultLanguage,
    voices,
    brain: input.brain ?? { type: 'knowledge' },
    allowedOrigins: input.allowedOrigins ?? ['*'],
    mediaAllowlist: input.mediaAllowlist ?? [],
    aiLabel: input.aiLabel ?? true,
    idleTimeoutSeconds: input.idleTimeoutSeconds ?? 300,
    maxSessionSeconds: input.maxSessionSeconds ?? 1800,
    hotQuestions: input.hotQuestions ?? [],
    avatar: input.avatar ?? 'default',
    // Voice settings (docs/voice.md): kept only when set.
    ...(input.tts ? { tts: input.tts } : {}),
    ...(input.asr ? { asr: input.asr } : {}),
    ...(input.lexicon ? { lexicon: input.lexicon } : {}),
    ...(input.pacify ? { pacify: input.pacify } : {}),
    ...(input.rateLimits ? { rateLimits: input.rateLimits } : {}),
    ...(input.media ? { media: checkMedia(input.media) } : {}),
    createdAt: timestamp,
    updatedAt: timestamp,
  };
}
