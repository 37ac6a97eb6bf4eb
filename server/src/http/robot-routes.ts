/** Admin API for robots, their hot questions and their once-codes (knowledge: routes/knowledge.ts). */
import type { FastifyPluginAsync } from 'fastify';
import type { HotQuestion, LanguageCode, MediaConfig, Robot } from '@dhkit/protocol';
import type { AppContext } from './context.js';
import { ApiError } from '../errors.js';
import { issueOnceCode } from '../sessions/once-codes.js';
import { randomSecret } from '../security/secrets.js';
import { DuplicateRobotError } from '../store/store.js';
import { maskRobotSecrets, restoreRobotSecrets } from '../robots/robot-secrets.js';
import { voiceSpeaks } from '../adapters/tts/voice-language.js';
import { adminGuard } from './admin-auth.js';
import { assertAvatarPack } from './avatar-routes.js';
import { hotQuestionsBodySchema, onceCodeBodySchema, robotBodySchema, robotIdParams, robotPatchBodySchema } from './schemas.js';

const DEFAULT_VOICES: Record<LanguageCode, string> = { zh_CN: 'cmn', en_US: 'en-us' };

/** Hot questions shown per language (the SDK shows the session language's). */
export const HOT_QUESTIONS_PER_LANGUAGE = 20;

/**
 * What the schema cannot say about hot questions: each in one of the robot's languages, at most
 * HOT_QUESTIONS_PER_LANGUAGE per language, no repeats. Returns them trimmed, in the given order.
 */
export function checkHotQuestions(hotQuestions: readonly HotQuestion[], languages: readonly LanguageCode[]): HotQuestion[] {
  const seen = new Map<LanguageCode, Set<string>>();
  return hotQuestions.map(({ language, text }, index) => {
    if (!languages.includes(language)) {
      throw new ApiError('INVALID_REQUEST', `hotQuestions[${index}]: language ${language} is not one of the robot's languages (${languages.join(', ')}).`);
    }
    const texts = seen.get(language) ?? new Set<string>();
    seen.set(language, texts);
    const trimmed = text.trim();
    if (texts.has(trimmed)) throw new ApiError('INVALID_REQUEST', `hotQuestions[${index}]: "${trimmed}" appears twice for ${language}.`);
    texts.add(trimmed);
    if (texts.size > HOT_QUESTIONS_PER_LANGUAGE) {
      throw new ApiError('INVALID_REQUEST', `hotQuestions: at most ${HOT_QUESTIONS_PER_LANGUAGE} per language (${language} has more).`);
    }
    return { language, text: trimmed };
  });
}

export type RobotInput = Partial<Omit<Robot, 'createdAt' | 'updatedAt'>> & { name: string };

/** `livekit` mode needs both the LiveKit server and a renderer. */
function checkMedia(media: MediaConfig): MediaConfig {
  if (media.mode === 'livekit' && (!media.livekit || !media.renderer)) {
    throw new ApiError('INVALID_REQUEST', 'media: mode "livekit" needs both livekit {url, apiKey, apiSecret} and renderer {url}.');
  }
  return media;
}

/** Fills defaults and checks what a schema cannot (defaultLanguage among languages). */
export function buildRobot(input: RobotInput, now = new Date()): Robot {
  const languages = input.languages ?? ['zh_CN', 'en_US'];
  const defaultLanguage = input.defaultLanguage ?? languages[0];
  if (!languages.includes(defaultLanguage)) {
    throw new ApiError('INVALID_REQUEST', `defaultLanguage "${defaultLanguage}" must be one of languages.`);
  }
  const voices: Robot['voices'] = {};
  for (const language of languages) {
    const voice = input.voices?.[language] ?? DEFAULT_VOICES[language];
    // A voice that cannot speak the language would read Chinese with English rules (or the reverse).
    if (!voiceSpeaks(voice, language, input.tts)) {
      throw new ApiError('INVALID_REQUEST', `voices.${language}: the voice "${voice}" does not speak ${language}.`);
    }
    voices[language] = voice;
  }
  const timestamp = now.toISOString();
  return {
    id: input.id ?? `robot-${randomSecret(9).toLowerCase().replace(/[^a-z0-9]/g, '')}`.slice(0, 64),
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
    ...(input.media ? { media: checkMedia(input.media) } : {}),
    createdAt: timestamp,
    updatedAt: timestamp,
  };
}

export function robotRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    // onRequest, before the body is parsed or validated: a caller without the key learns nothing about schemas.
    app.addHook('onRequest', adminGuard(context.adminKeyHash));

    const loadRobot = async (id: string): Promise<Robot> => {
      const robot = await context.store.getRobot(id);
      if (!robot) throw new ApiError('ROBOT_NOT_FOUND');
      return robot;
    };

    app.post<{ Body: RobotInput }>('/v1/robots', { schema: { body: robotBodySchema } }, async (request, reply) => {
      assertAvatarPack(context, request.body.avatar);
      const robot = buildRobot(request.body);
      robot.hotQuestions = checkHotQuestions(robot.hotQuestions, robot.languages);
      try {
        await context.store.createRobot(robot);
      } catch (error) {
        if (error instanceof DuplicateRobotError) throw new ApiError('INVALID_REQUEST', error.message);
        throw error;
      }
      return reply.code(201).send(maskRobotSecrets(robot));
    });

    app.get('/v1/robots', async () => ({ robots: (await context.store.listRobots()).map(maskRobotSecrets) }));

    app.get<{ Params: { id: string } }>('/v1/robots/:id', { schema: { params: robotIdParams } }, async (request) =>
      maskRobotSecrets(await loadRobot(request.params.id)),
    );

    /**
     * Changes some fields. Live sessions keep the settings they were admitted with (timeouts, origins,
     * voices); new sessions get the new ones. Lowering `concurrency` ends nobody: new admissions are
     * refused until the live sessions have dropped below the new value.
     */
    app.patch<{ Params: { id: string }; Body: Partial<RobotInput> }>(
      '/v1/robots/:id',
      { schema: { params: robotIdParams, body: robotPatchBodySchema } },
      async (request) => {
        const current = await loadRobot(request.params.id);
        const { createdAt, updatedAt: _updatedAt, ...fields } = current;
        // Admin answers mask secrets; a masked value sent back means "keep the stored one".
        const patch = restoreRobotSecrets(request.body, current);
        assertAvatarPack(context, patch.avatar);
        // Languages changed without a default: keep the old default if it is still offered.
        const defaultLanguage =
          patch.defaultLanguage ??
          (patch.languages && !patch.languages.includes(fields.defaultLanguage) ? patch.languages[0] : fields.defaultLanguage);
        const updated = { ...buildRobot({ ...fields, ...patch, defaultLanguage, id: current.id }), createdAt };
        if (patch.hotQuestions) updated.hotQuestions = checkHotQuestions(patch.hotQuestions, updated.languages);
        if (!(await context.store.updateRobot(updated))) throw new ApiError('ROBOT_NOT_FOUND');
        return maskRobotSecrets(updated);
      },
    );

    /** Deletes the robot with its knowledge and once-codes, and ends its live sessions now (`jobEnd KICKED`). */
    app.delete<{ Params: { id: string } }>('/v1/robots/:id', { schema: { params: robotIdParams } }, async (request, reply) => {
      const robot = await loadRobot(request.params.id);
      for (const session of context.registry.ofRobot(robot.id)) session.end('ROBOT_DELETED', { storeAlreadyEnded: true });
      // The cascade removes its sessions, which frees their leases; other processes notice at their next renewal.
      if (!(await context.store.deleteRobot(robot.id))) throw new ApiError('ROBOT_NOT_FOUND');
      context.brain.invalidate(robot.id);
      return reply.code(204).send();
    });

    app.post<{ Params: { id: string }; Body: { ttlSeconds?: number } | undefined }>(
      '/v1/robots/:id/once-codes',
      {
        schema: { params: robotIdParams, body: onceCodeBodySchema },
        // The body is optional: no body means the default TTL.
        preValidation: async (request) => {
          if (request.body === undefined || request.body === null) request.body = {};
        },
      },
      async (request, reply) => {
        const robot = await loadRobot(request.params.id);
        return reply.code(201).send(await issueOnceCode(context, robot.id, request.body?.ttlSeconds));
      },
    );

    app.get<{ Params: { id: string } }>('/v1/robots/:id/hot-questions', { schema: { params: robotIdParams } }, async (request) => ({
      hotQuestions: (await loadRobot(request.params.id)).hotQuestions,
    }));

    /** Replaces the robot's hot questions (the same field PATCH /v1/robots/:id sets); new sessions get them. */
    app.put<{ Params: { id: string }; Body: { hotQuestions: HotQuestion[] } }>(
      '/v1/robots/:id/hot-questions',
      { schema: { params: robotIdParams, body: hotQuestionsBodySchema } },
      async (request) => {
        const current = await loadRobot(request.params.id);
        const hotQuestions = checkHotQuestions(request.body.hotQuestions, current.languages);
        const updated: Robot = { ...current, hotQuestions, updatedAt: new Date().toISOString() };
        if (!(await context.store.updateRobot(updated))) throw new ApiError('ROBOT_NOT_FOUND');
        return { hotQuestions: updated.hotQuestions };
      },
    );
  };
}
