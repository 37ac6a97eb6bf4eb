/** Admin API for robots, their knowledge and their once-codes. */
import type { FastifyPluginAsync } from 'fastify';
import type { LanguageCode, Robot } from '@dhkit/protocol';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { issueOnceCode } from '../once-codes.js';
import { randomSecret } from '../security.js';
import { DuplicateRobotError, type KnowledgeEntryInput } from '../store/store.js';
import { detectLanguage } from '../turn/brain/knowledge-brain.js';
import { adminGuard } from './admin-auth.js';
import { assertAvatarPack } from './avatars.js';
import { knowledgeBodySchema, onceCodeBodySchema, robotBodySchema, robotIdParams, robotPatchBodySchema } from './schemas.js';

const DEFAULT_VOICES: Record<LanguageCode, string> = { zh_CN: 'cmn', en_US: 'en-us' };

export type RobotInput = Partial<Omit<Robot, 'createdAt' | 'updatedAt'>> & { name: string };

/** Fills defaults and checks what a schema cannot (defaultLanguage among languages). */
export function buildRobot(input: RobotInput, now = new Date()): Robot {
  const languages = input.languages ?? ['zh_CN', 'en_US'];
  const defaultLanguage = input.defaultLanguage ?? languages[0];
  if (!languages.includes(defaultLanguage)) {
    throw new ApiError('INVALID_REQUEST', `defaultLanguage "${defaultLanguage}" must be one of languages.`);
  }
  const voices: Robot['voices'] = {};
  for (const language of languages) voices[language] = input.voices?.[language] ?? DEFAULT_VOICES[language];
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
      try {
        await context.store.createRobot(robot);
      } catch (error) {
        if (error instanceof DuplicateRobotError) throw new ApiError('INVALID_REQUEST', error.message);
        throw error;
      }
      return reply.code(201).send(robot);
    });

    app.get('/v1/robots', async () => ({ robots: await context.store.listRobots() }));

    app.get<{ Params: { id: string } }>('/v1/robots/:id', { schema: { params: robotIdParams } }, async (request) =>
      loadRobot(request.params.id),
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
        const patch = request.body;
        assertAvatarPack(context, patch.avatar);
        // Languages changed without a default: keep the old default if it is still offered.
        const defaultLanguage =
          patch.defaultLanguage ??
          (patch.languages && !patch.languages.includes(fields.defaultLanguage) ? patch.languages[0] : fields.defaultLanguage);
        const updated = { ...buildRobot({ ...fields, ...patch, defaultLanguage, id: current.id }), createdAt };
        if (!(await context.store.updateRobot(updated))) throw new ApiError('ROBOT_NOT_FOUND');
        return updated;
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

    app.post<{ Params: { id: string }; Body: { entries: Array<Omit<KnowledgeEntryInput, 'language'> & { language?: LanguageCode }> } }>(
      '/v1/robots/:id/knowledge',
      { schema: { params: robotIdParams, body: knowledgeBodySchema }, bodyLimit: 8 * 1024 * 1024 },
      async (request, reply) => {
        const robot = await loadRobot(request.params.id);
        const entries: KnowledgeEntryInput[] = request.body.entries.map((entry) => ({
          question: entry.question,
          similarQuestions: entry.similarQuestions ?? [],
          answer: entry.answer,
          language: entry.language ?? detectLanguage(entry.question),
        }));
        const imported = await context.store.addKnowledge(robot.id, entries);
        context.brain.invalidate(robot.id);
        return reply.code(201).send({ imported });
      },
    );

    app.get<{ Params: { id: string } }>(
      '/v1/robots/:id/knowledge',
      { schema: { params: robotIdParams } },
      async (request) => {
        const robot = await loadRobot(request.params.id);
        return { entries: await context.store.listKnowledge(robot.id) };
      },
    );
  };
}
