/**
 * Admin API for a robot's knowledge base: bulk import (JSON or CSV, append or replace, all or nothing),
 * export (JSON or CSV, which imports again), single entries, the search route (what the brain would
 * answer), learning from visitors (knowledge-learning-routes.ts) and FAQ documents
 * (knowledge-document-routes.ts). Every change drops the knowledge brain's cached index of that robot in
 * this process; other processes notice through the store's knowledge revision (see watchKnowledgeRevisions).
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { LanguageCode, Robot } from '@dhkit/protocol';
import type { AppContext } from './context.js';
import { CodedError } from '../errors.js';
import { completeEntry, knowledgeToCsv, parseKnowledgeCsv, type KnowledgeEntryDraft } from '../knowledge/knowledge-format.js';
import type { KnowledgeEntryInput, KnowledgePageQuery } from '../store/store.js';
import { adminGuard } from './admin-auth.js';
import {
  knowledgeBodySchema,
  knowledgeEntryParams,
  knowledgeEntryPatchSchema,
  knowledgeEntrySchema,
  knowledgeImportQuery,
  knowledgeListQuery,
  knowledgeSearchSchema,
  robotIdParams,
} from './schemas.js';
import { searchReply } from '../adapters/brain/knowledge/search-reply.js';
import { knowledgeDocumentRoutes } from './knowledge-document-routes.js';
import { knowledgeLearningRoute } from './knowledge-learning-routes.js';

/** Knowledge imports may be large (a CSV with media-rich answers); everything else stays at 64 KiB. */
const KNOWLEDGE_BODY_LIMIT = 8 * 1024 * 1024;
/** A page of the knowledge table: this many entries unless the request says (at most MAX_KNOWLEDGE_PAGE). */
const DEFAULT_KNOWLEDGE_PAGE = 50;
const MAX_KNOWLEDGE_PAGE = 500;

/** A CSV body as the parser hands it over (not a JSON object someone sent). */
class CsvBody {
  constructor(readonly text: string) {}
}

type KnowledgeListQuery = { format?: 'json' | 'csv'; limit?: string; offset?: string; q?: string };

/** A page of the knowledge table when the request asks for one (limit, offset or q); null: the whole base, as before. */
function pageOf(query: KnowledgeListQuery): KnowledgePageQuery | null {
  if (query.limit === undefined && query.offset === undefined && query.q === undefined) return null;
  const limit = query.limit === undefined ? DEFAULT_KNOWLEDGE_PAGE : Number(query.limit);
  if (limit < 1 || limit > MAX_KNOWLEDGE_PAGE) throw new CodedError('INVALID_REQUEST', `limit must be 1..${MAX_KNOWLEDGE_PAGE}.`);
  return { limit, offset: Number(query.offset ?? 0), query: query.q };
}

type ImportBody = { entries: KnowledgeEntryDraft[]; mode?: 'append' | 'replace' };
type EntryParams = { id: string; entryId: string };

function wantsCsv(request: FastifyRequest<{ Querystring: { format?: string } }>): boolean {
  if (request.query.format) return request.query.format === 'csv';
  const accept = request.headers.accept ?? '';
  return /(^|,)\s*text\/csv\s*(;|,|$)/i.test(accept);
}

/** The entry as stored: texts trimmed, defaults filled in (language detected from the question when not given). */
function storedEntry(draft: KnowledgeEntryDraft): KnowledgeEntryInput {
  return completeEntry({
    question: draft.question.trim(),
    similarQuestions: draft.similarQuestions?.map((q) => q.trim()),
    answer: draft.answer,
    language: draft.language,
    tags: draft.tags?.map((tag) => tag.trim()),
  });
}

async function loadRobot(context: AppContext, id: string): Promise<Robot> {
  const robot = await context.store.getRobot(id);
  if (!robot) throw new CodedError('ROBOT_NOT_FOUND');
  return robot;
}

function noSuchEntry(robotId: string, entryId: string): CodedError {
  return new CodedError('NOT_FOUND', `Robot "${robotId}" has no knowledge entry ${entryId}.`);
}

export function knowledgeRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onRequest', adminGuard(context.adminKeyHash, context.adminLockout));
    // CSV only here (the plugin's own parser): the body arrives as text and becomes {entries} before validation.
    app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: KNOWLEDGE_BODY_LIMIT }, (_request, body, done) => {
      done(null, new CsvBody(body as string));
    });
    knowledgeBaseRoutes(app, context);
    knowledgeEntryRoutes(app, context);
    knowledgeSearchRoute(app, context);
    knowledgeLearningRoute(app, context);
    await app.register(knowledgeDocumentRoutes(context));
  };
}

/** The whole knowledge base: import, export, empty. */
function knowledgeBaseRoutes(app: FastifyInstance, context: AppContext): void {
  app.post<{ Params: { id: string }; Querystring: { mode?: 'append' | 'replace' }; Body: ImportBody }>(
    '/v1/robots/:id/knowledge',
    {
      schema: { params: robotIdParams, querystring: knowledgeImportQuery, body: knowledgeBodySchema },
      bodyLimit: KNOWLEDGE_BODY_LIMIT,
      config: { bodyTypes: ['application/json', 'text/csv'] },
      preValidation: async (request) => {
        const body = request.body as unknown;
        if (body instanceof CsvBody) {
          // A malformed file throws KnowledgeFormatError: INVALID_REQUEST, through the error handler.
          const entries = parseKnowledgeCsv(body.text);
          request.body = { entries, ...(request.query.mode ? { mode: request.query.mode } : {}) };
        }
      },
    },
    async (request, reply) => {
      const robot = await loadRobot(context, request.params.id);
      const mode = request.body.mode ?? request.query.mode ?? 'append';
      const entries = request.body.entries.map(storedEntry);
      const imported =
        mode === 'replace' ? await context.store.replaceKnowledge(robot.id, entries) : await context.store.addKnowledge(robot.id, entries);
      context.brain.changed(robot);
      return reply.code(201).send({ imported, mode });
    },
  );

  app.get<{ Params: { id: string }; Querystring: KnowledgeListQuery }>(
    '/v1/robots/:id/knowledge',
    { schema: { params: robotIdParams, querystring: knowledgeListQuery } },
    async (request, reply) => {
      const robot = await loadRobot(context, request.params.id);
      const csv = wantsCsv(request);
      const page = csv ? null : pageOf(request.query);
      if (page) return { ...(await context.store.knowledgePage(robot.id, page)), limit: page.limit, offset: page.offset };
      const entries = await context.store.listKnowledge(robot.id);
      if (!csv) return { entries };
      return reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${robot.id}-knowledge.csv"`)
        .send(knowledgeToCsv(entries));
    },
  );

  /** Empties the knowledge base. */
  app.delete<{ Params: { id: string } }>('/v1/robots/:id/knowledge', { schema: { params: robotIdParams } }, async (request, reply) => {
    const robot = await loadRobot(context, request.params.id);
    await context.store.replaceKnowledge(robot.id, []);
    context.brain.invalidate(robot.id);
    return reply.code(204).send();
  });
}

/** Single entries: read, replace, change, delete. */
/** What the brain would do with a question: ranked entries with their confidence, and the decision. */
function knowledgeSearchRoute(app: FastifyInstance, context: AppContext): void {
  app.post<{ Params: { id: string }; Body: { question: string; limit?: number } }>(
    '/v1/robots/:id/knowledge/search',
    { schema: { params: robotIdParams, body: knowledgeSearchSchema } },
    async (request) => {
      const robot = await loadRobot(context, request.params.id);
      return searchReply(await context.brain.lookup(robot, request.body.question, request.body.limit ?? 5));
    },
  );
}

function knowledgeEntryRoutes(app: FastifyInstance, context: AppContext): void {
  const entryId = (params: EntryParams) => Number(params.entryId);
  const loadEntry = async (params: EntryParams) => {
    const robot = await loadRobot(context, params.id);
    const entry = await context.store.getKnowledgeEntry(robot.id, entryId(params));
    if (!entry) throw noSuchEntry(robot.id, params.entryId);
    return entry;
  };
  const write = async (params: EntryParams, draft: KnowledgeEntryDraft) => {
    const updated = await context.store.updateKnowledgeEntry(params.id, entryId(params), storedEntry(draft));
    if (!updated) throw noSuchEntry(params.id, params.entryId);
    context.brain.changed(await loadRobot(context, params.id));
    return updated;
  };

  app.get<{ Params: EntryParams }>('/v1/robots/:id/knowledge/:entryId', { schema: { params: knowledgeEntryParams } }, async (request) =>
    loadEntry(request.params),
  );

  /** Replaces one entry (fields left out get their defaults: no similar questions, no tags, detected language). */
  app.put<{ Params: EntryParams; Body: KnowledgeEntryDraft }>(
    '/v1/robots/:id/knowledge/:entryId',
    { schema: { params: knowledgeEntryParams, body: knowledgeEntrySchema } },
    async (request) => {
      await loadEntry(request.params);
      return write(request.params, request.body);
    },
  );

  /** Changes some fields of one entry. */
  app.patch<{ Params: EntryParams; Body: Partial<KnowledgeEntryDraft> }>(
    '/v1/robots/:id/knowledge/:entryId',
    { schema: { params: knowledgeEntryParams, body: knowledgeEntryPatchSchema } },
    async (request) => {
      const current = await loadEntry(request.params);
      const patch = request.body;
      // The entry keeps its language unless the patch names another.
      const language: LanguageCode = patch.language ?? current.language;
      return write(request.params, { ...current, ...patch, language });
    },
  );

  app.delete<{ Params: EntryParams }>(
    '/v1/robots/:id/knowledge/:entryId',
    { schema: { params: knowledgeEntryParams } },
    async (request, reply) => {
      const robot = await loadRobot(context, request.params.id);
      const deleted = await context.store.deleteKnowledgeEntry(robot.id, entryId(request.params));
      if (!deleted) throw noSuchEntry(robot.id, request.params.entryId);
      context.brain.invalidate(robot.id);
      return reply.code(204).send();
    },
  );
}
