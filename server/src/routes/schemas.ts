/** JSON schemas shared by routes; with them, bad input is refused with INVALID_REQUEST before a handler runs. */
import { LIMITS } from '@dhkit/protocol';

export const languageSchema = { type: 'string', enum: ['zh_CN', 'en_US'] } as const;
export const robotIdSchema = { type: 'string', pattern: '^[a-z0-9_-]{1,64}$' } as const;
export const robotIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;
const voiceSchema = { type: 'string', pattern: '^[A-Za-z0-9_+-]{1,40}$' } as const;

export const robotBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    id: robotIdSchema,
    name: { type: 'string', minLength: 1, maxLength: 200 },
    concurrency: { type: 'integer', minimum: 0, maximum: 1024 },
    languages: { type: 'array', items: languageSchema, minItems: 1, maxItems: 2, uniqueItems: true },
    defaultLanguage: languageSchema,
    voices: {
      type: 'object',
      additionalProperties: false,
      properties: { zh_CN: voiceSchema, en_US: voiceSchema },
    },
    brain: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: { type: { type: 'string', enum: ['knowledge'] } },
    },
    allowedOrigins: {
      type: 'array',
      maxItems: 100,
      items: { type: 'string', minLength: 1, maxLength: 300, pattern: '^(\\*|https?://[^/\\s]+)$' },
    },
    mediaAllowlist: {
      type: 'array',
      maxItems: 100,
      items: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.-]+(:[0-9]{1,5})?$' },
    },
    aiLabel: { type: 'boolean' },
    /** Avatar pack id (a folder under server/assets/avatars); checked against the installed packs. */
    avatar: { type: 'string', pattern: '^[a-z0-9_-]{1,64}$' },
    idleTimeoutSeconds: { type: 'integer', minimum: 0, maximum: 86400 },
    maxSessionSeconds: { type: 'integer', minimum: 0, maximum: 86400 },
    hotQuestions: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['language', 'text'],
        properties: { language: languageSchema, text: { type: 'string', minLength: 1, maxLength: 200 } },
      },
    },
  },
} as const;

export const knowledgeBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['entries'],
  properties: {
    entries: {
      type: 'array',
      minItems: 1,
      maxItems: 5000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['question', 'answer'],
        properties: {
          question: { type: 'string', minLength: 1, maxLength: LIMITS.questionMaxChars },
          similarQuestions: {
            type: 'array',
            maxItems: 50,
            items: { type: 'string', minLength: 1, maxLength: LIMITS.questionMaxChars },
          },
          answer: { type: 'string', minLength: 1, maxLength: 10_000 },
          language: languageSchema,
        },
      },
    },
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
    onceCode: { type: 'string', minLength: 1, maxLength: 200 },
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

export const sessionIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

/** PATCH /v1/robots/:id: any robot field but the id, at least one. */
export const robotPatchBodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: Object.fromEntries(Object.entries(robotBodySchema.properties).filter(([key]) => key !== 'id')),
} as const;

/** POST /v1/sessions/:id/end (the page's goodbye beacon). */
export const sessionEndBodySchema = {
  type: 'object',
  required: ['token'],
  properties: { token: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;
