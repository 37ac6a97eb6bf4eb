/**
 * Learning from visitors: an admin takes a question the robot could not answer (from the analytics) and
 * attaches it to an entry as a similar question, or makes a new entry of it. In the same transaction its
 * logged unanswered asks are marked resolved, so they leave the unanswered lists; the robot's index is rebuilt
 * on its next question.
 */
import type { FastifyInstance } from 'fastify';
import { LIMITS, type LanguageCode } from '@dhkit/protocol';
import type { AppContext } from './context.js';
import { CodedError } from '../errors.js';
import { completeEntry } from '../knowledge/knowledge-format.js';
import type { KnowledgeChange } from '../store/store.js';
import { knowledgeLearnSchema, robotIdParams } from './schemas.js';

interface LearnBody {
  question: string;
  entryId?: number;
  answer?: string;
  language?: LanguageCode;
  similarQuestions?: string[];
  tags?: string[];
}

export function knowledgeLearningRoute(app: FastifyInstance, context: AppContext): void {
  app.post<{ Params: { id: string }; Body: LearnBody }>(
    '/v1/robots/:id/knowledge/learn',
    { schema: { params: robotIdParams, body: knowledgeLearnSchema } },
    async (request, reply) => {
      const robotId = request.params.id;
      if (!(await context.store.getRobot(robotId))) throw new CodedError('ROBOT_NOT_FOUND');
      const body = request.body;
      const question = body.question.trim().replace(/\s+/gu, ' ').slice(0, LIMITS.questionMaxChars);
      const noSuchEntry = () => new CodedError('NOT_FOUND', `Robot "${robotId}" has no knowledge entry ${body.entryId}.`);
      let change: KnowledgeChange;
      if (body.entryId !== undefined) {
        // Read and written in the store's transaction (store/similar-question.ts): concurrent learns all land.
        change = { attach: { id: body.entryId, question }, resolveQuestion: question };
      } else {
        const similarQuestions = body.similarQuestions?.map((q) => q.trim());
        const entry = completeEntry({ question, answer: body.answer!, language: body.language, similarQuestions, tags: body.tags });
        change = { insertIfNew: entry, resolveQuestion: question };
      }
      // Null: no such entry (or it was deleted meanwhile).
      const result = await context.store.changeKnowledge(robotId, change);
      if (!result) throw noSuchEntry();
      context.brain.invalidate(robotId);
      return reply.code(body.entryId === undefined ? 201 : 200).send(result.entries[0]);
    },
  );
}
