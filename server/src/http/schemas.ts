/**
 * JSON schemas shared by routes; with them, bad input is refused with INVALID_REQUEST before a handler runs. The
 * robot's settings have their own file (robot-schemas.ts).
 */
import { LIMITS } from '@dhkit/protocol';

export const languageSchema = { type: 'string', enum: ['zh_CN', 'en_US'] } as const;
/** An id or token as a client sends it back: checked for its length here, for what it names by the route. */
const opaqueString = { type: 'string', minLength: 1, maxLength: 200 } as const;
/** `/…/:id` of a robot or a session. */
const idParams = { type: 'object', required: ['id'], properties: { id: opaqueString } } as const;
export const robotIdParams = idParams;
/** One knowledge entry as imported or written (limits as in knowledge/knowledge-format.ts). */
export const knowledgeEntrySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['question', 'answer'],
  properties: {
    question: { type: 'string', minLength: 1, maxLength: LIMITS.questionMaxChars, pattern: '\\S' },
    similarQuestions: {
      type: 'array',
      maxItems: 50,
      items: { type: 'string', minLength: 1, maxLength: LIMITS.questionMaxChars, pattern: '\\S' },
    },
    answer: { type: 'string', minLength: 1, maxLength: 10_000, pattern: '\\S' },
    language: languageSchema,
    tags: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 50, pattern: '^[^|]*[^|\\s][^|]*$' } },
    // Present in an export; ignored on import so an export imports again.
    id: { type: 'integer' },
    robotId: { type: 'string', maxLength: 200 },
    createdAt: { type: 'string', maxLength: 100 },
    source: { type: 'object' },
  },
} as const;

export const knowledgeBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['entries'],
  properties: {
    entries: { type: 'array', minItems: 1, maxItems: 5000, items: knowledgeEntrySchema },
    mode: { type: 'string', enum: ['append', 'replace'] },
  },
} as const;

export const onceCodeBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { ttlSeconds: { type: 'integer', minimum: 5, maximum: 3600 } },
} as const;

export const sessionRequestSchema = {
  type: 'object',
  // The SDK may send more in later versions; unknown fields are ignored here.
  required: ['robotId', 'onceCode'],
  properties: {
    robotId: { type: 'string', minLength: 1, maxLength: 64 },
    onceCode: opaqueString,
    language: { type: 'string', minLength: 1, maxLength: 20 },
  },
} as const;

export const drivenTextBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['text', 'isLast'],
  properties: {
    text: { type: 'string', maxLength: LIMITS.drivenTextMaxChars },
    isLast: { type: 'boolean' },
    chatId: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,64}$' },
  },
} as const;

export const sessionIdParams = idParams;

/** POST /v1/sessions/:id/end (the page's goodbye beacon). */
export const sessionEndBodySchema = { type: 'object', required: ['token'], properties: { token: opaqueString } } as const;

/** PATCH of one knowledge entry: any of its fields, at least one. */
export const knowledgeEntryPatchSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    question: knowledgeEntrySchema.properties.question,
    similarQuestions: knowledgeEntrySchema.properties.similarQuestions,
    answer: knowledgeEntrySchema.properties.answer,
    language: languageSchema,
    tags: knowledgeEntrySchema.properties.tags,
  },
} as const;

export const knowledgeEntryParams = {
  type: 'object',
  required: ['id', 'entryId'],
  properties: { id: robotIdParams.properties.id, entryId: { type: 'string', pattern: '^[0-9]{1,15}$' } },
} as const;

export const knowledgeImportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { mode: { type: 'string', enum: ['append', 'replace'] } },
} as const;

/** GET /v1/robots/:id/knowledge: the export (format), or a page of it (limit, offset, q; digits checked by the route). */
export const knowledgeListQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    format: { type: 'string', enum: ['json', 'csv'] },
    limit: { type: 'string', pattern: '^[0-9]{1,4}$' },
    offset: { type: 'string', pattern: '^[0-9]{1,9}$' },
    q: { type: 'string', maxLength: 200 },
  },
} as const;

/** Query strings are not coerced: times are epoch ms digits or ISO 8601, limit is digits (checked by the route). */
const timeParam = {
  type: 'string',
  maxLength: 40,
  pattern: '^([0-9]{1,15}|[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+(Z|[+-][0-9]{2}:?[0-9]{2})?)?)$',
} as const;
export const analyticsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { from: timeParam, to: timeParam, limit: { type: 'string', pattern: '^[0-9]{1,4}$' } },
} as const;

/**
 * POST /v1/robots/:id/knowledge/learn: a visitor's question attached to an entry ({question, entryId}) or
 * made into a new entry ({question, answer, language?, similarQuestions?, tags?}); exactly one of the two.
 */
export const knowledgeLearnSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['question'],
  oneOf: [{ required: ['entryId'] }, { required: ['answer'] }],
  properties: {
    question: knowledgeEntrySchema.properties.question,
    entryId: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    answer: knowledgeEntrySchema.properties.answer,
    language: languageSchema,
    similarQuestions: knowledgeEntrySchema.properties.similarQuestions,
    tags: knowledgeEntrySchema.properties.tags,
  },
} as const;

/** POST /v1/robots/:id/knowledge/documents. */
export const knowledgeDocumentQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    document: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
    name: { type: 'string', minLength: 1, maxLength: 255, pattern: '\\S' },
    language: languageSchema,
    dryRun: { type: 'string', enum: ['true', 'false'] },
  },
} as const;

/** GET /v1/robots/:id/analytics/questions: the analytics window and limit, and which unanswered questions. */
/** Rows to skip when paging a long list (digits; the answer's `nextOffset` is the next page's). */
const offsetParam = { type: 'string', pattern: '^[0-9]{1,6}$' } as const;

export const unansweredQuestionsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...analyticsQuery.properties,
    status: { type: 'string', enum: ['unanswered', 'suggested', 'declined'] },
    offset: offsetParam,
  },
} as const;

/** GET /v1/robots/:id/analytics/slowest-turns. */
export const slowestTurnsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...analyticsQuery.properties, offset: offsetParam },
} as const;

/** GET /v1/robots/:id/sessions: a page of the live sessions. */
export const sessionPageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'string', pattern: '^[0-9]{1,4}$' }, offset: offsetParam },
} as const;

/** POST /v1/robots/:id/knowledge/search. */
export const knowledgeSearchSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['question'],
  properties: {
    question: { type: 'string', minLength: 1, maxLength: 2000 },
    limit: { type: 'integer', minimum: 1, maximum: 20 },
  },
} as const;
