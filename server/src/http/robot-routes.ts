/** Admin API for robots, their hot questions and their once-codes (knowledge: knowledge-routes.ts). */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { HotQuestion, Robot } from '@dhkit/protocol';
import type { AppContext } from './context.js';
import { CodedError } from '../errors.js';
import { issueOnceCode } from '../sessions/once-codes.js';
import { maskRobotSecrets, restoreRobotSecrets } from '../robots/robot-secrets.js';
import { buildRobot, checkHotQuestions, type RobotInput } from '../robots/robot.js';
import { adminGuard } from './admin-auth.js';
import { assertAvatarPack } from './avatar-routes.js';
import { hotQuestionsBodySchema, robotBodySchema, robotPatchBodySchema } from './robot-schemas.js';
import { onceCodeBodySchema, robotIdParams } from './schemas.js';

export function robotRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    // onRequest, before the body is parsed or validated: a caller without the key learns nothing about schemas.
    app.addHook('onRequest', adminGuard(context.adminKeyHash, context.adminLockout));
    const loadRobot = async (id: string): Promise<Robot> => {
      const robot = await context.store.getRobot(id);
      if (!robot) throw new CodedError('ROBOT_NOT_FOUND');
      return robot;
    };
    robotResourceRoutes(app, context, loadRobot);
    robotOnceCodeAndHotQuestionRoutes(app, context, loadRobot);
  };
}

type RobotLoader = (id: string) => Promise<Robot>;

/** Create, list, read, change and delete robots. */
function robotResourceRoutes(app: FastifyInstance, context: AppContext, loadRobot: RobotLoader): void {
  app.post<{ Body: RobotInput }>('/v1/robots', { schema: { body: robotBodySchema } }, async (request, reply) => {
    assertAvatarPack(context, request.body.avatar);
    const robot = buildRobot(request.body);
    robot.hotQuestions = checkHotQuestions(robot.hotQuestions, robot.languages);
    // A taken id throws DuplicateRobotError: INVALID_REQUEST, through the error handler.
    await context.store.createRobot(robot);
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
      const merged: Record<string, unknown> = { ...fields, ...patch, defaultLanguage, id: current.id };
      // `null` removes an optional setting (robotPatchBodySchema allows it only for those).
      for (const key of Object.keys(patch)) if (merged[key] === null) delete merged[key];
      const updated = { ...buildRobot(merged as RobotInput), createdAt };
      if (patch.hotQuestions) updated.hotQuestions = checkHotQuestions(patch.hotQuestions, updated.languages);
      if (!(await context.store.updateRobot(updated))) throw new CodedError('ROBOT_NOT_FOUND');
      // A robot that now names an embeddings endpoint gets its entries' vectors now, not at its first question
      // (a failure is reported by the brain and met again then).
      context.brain.prepareEmbeddings(updated).catch(() => {});
      return maskRobotSecrets(updated);
    },
  );

  /** Deletes the robot with its knowledge and once-codes, and ends its live sessions now (`jobEnd KICKED`). */
  app.delete<{ Params: { id: string } }>('/v1/robots/:id', { schema: { params: robotIdParams } }, async (request, reply) => {
    const robot = await loadRobot(request.params.id);
    for (const session of context.registry.ofRobot(robot.id)) session.end('ROBOT_DELETED', { storeAlreadyEnded: true });
    // The cascade removes its sessions, which frees their leases; other processes notice at their next renewal.
    if (!(await context.store.deleteRobot(robot.id))) throw new CodedError('ROBOT_NOT_FOUND');
    context.brain.invalidate(robot.id);
    return reply.code(204).send();
  });
}

/** A robot's once-codes (minted here by the customer's backend) and its hot questions. */
function robotOnceCodeAndHotQuestionRoutes(app: FastifyInstance, context: AppContext, loadRobot: RobotLoader): void {
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
      if (!(await context.store.updateRobot(updated))) throw new CodedError('ROBOT_NOT_FOUND');
      return { hotQuestions: updated.hotQuestions };
    },
  );
}
