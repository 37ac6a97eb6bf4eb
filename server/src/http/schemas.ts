/** JSON schemas shared by routes; with them, bad input is refused with INVALID_REQUEST before a handler runs. */
import { LIMITS } from '@dhkit/protocol';

const languageSchema = { type: 'string', enum: ['zh_CN', 'en_US'] } as const;
const robotIdSchema = { type: 'string', pattern: '^[a-z0-9_-]{1,64}$' } as const;
/** An id or token as a client sends it back: checked for its length here, for what it names by the route. */
const opaqueString = { type: 'string', minLength: 1, maxLength: 200 } as const;
/** `/…/:id` of a robot or a session. */
const idParams = { type: 'object', required: ['id'], properties: { id: opaqueString } } as const;
export const robotIdParams = idParams;
const voiceSchema = { type: 'string', pattern: '^[A-Za-z0-9_+-]{1,40}$' } as const;

const fallbackAnswersSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { zh_CN: { type: 'string', minLength: 1, maxLength: 500 }, en_US: { type: 'string', minLength: 1, maxLength: 500 } },
} as const;
/**
 * An upstream URL. No `user:pass@` (the authority may not hold `@`): credentials belong in apiKey/secret fields,
 * which are masked in answers and never logged; a password inside a URL would be shown and logged with it.
 */
const httpUrlSchema = { type: 'string', maxLength: 2000, pattern: '^https?://[^\\s/?#@]+([/?#][^\\s]*)?$' } as const;

/** A knowledge robot's grounding LLM (docs/knowledge-base.md#grounded-llm-answers). */
const knowledgeLlmSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['baseUrl', 'model'],
  properties: {
    baseUrl: httpUrlSchema,
    model: { type: 'string', minLength: 1, maxLength: 200 },
    apiKey: { type: 'string', minLength: 1, maxLength: 1000 },
    systemPrompt: { type: 'string', maxLength: 10_000 },
    entries: { type: 'integer', minimum: 1, maximum: 10 },
    firstTokenTimeoutMs: { type: 'integer', minimum: 100, maximum: 60_000 },
    timeoutMs: { type: 'integer', minimum: 100, maximum: 120_000 },
    historyTurns: { type: 'integer', minimum: 0, maximum: 50 },
    temperature: { type: 'number', minimum: 0, maximum: 2 },
    maxTokens: { type: 'integer', minimum: 1, maximum: 100_000 },
  },
} as const;

/** The robot's brain (docs/brains.md): the built-in knowledge base, an OpenAI-compatible LLM, or a signed webhook. */
/** Where an OpenAI-compatible service (LLM, speech, transcription) is, which model, and its key. */
const openAiEndpointProperties = {
  baseUrl: httpUrlSchema,
  model: { type: 'string', minLength: 1, maxLength: 200 },
  apiKey: { type: 'string', minLength: 1, maxLength: 1000 },
} as const;
/** Questions and answers of the session an LLM or webhook brain is sent with each question. */
const historyTurnsSchema = { type: 'integer', minimum: 0, maximum: 50 } as const;
/** How long an upstream service (LLM, webhook, speech engine, recognizer) may take, in ms. */
const upstreamTimeoutSchema = { type: 'integer', minimum: 100, maximum: 120_000 } as const;
const brainSchema = {
  type: 'object',
  required: ['type'],
  oneOf: [
    {
      additionalProperties: false,
      properties: {
        type: { const: 'knowledge' },
        threshold: { type: 'number', minimum: 0, maximum: 1 },
        keyTerms: { type: 'array', maxItems: 500, items: { type: 'string', minLength: 1, maxLength: 100 } },
        synonyms: {
          type: 'array',
          maxItems: 500,
          items: { type: 'array', minItems: 2, maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 100 } },
        },
        embeddings: {
          type: 'object',
          additionalProperties: false,
          required: ['baseUrl', 'model'],
          properties: {
            baseUrl: httpUrlSchema,
            model: { type: 'string', minLength: 1, maxLength: 200 },
            apiKey: { type: 'string', minLength: 1, maxLength: 1000 },
            timeoutMs: { type: 'integer', minimum: 50, maximum: 10_000 },
            minSimilarity: { type: 'number', minimum: -1, maximum: 0.99 },
          },
        },
        fallbackAnswers: fallbackAnswersSchema,
        llm: knowledgeLlmSchema,
      },
    },
    {
      additionalProperties: false,
      required: ['type', 'baseUrl', 'model'],
      properties: {
        type: { const: 'openai' },
        ...openAiEndpointProperties,
        systemPrompt: { type: 'string', maxLength: 10_000 },
        historyTurns: historyTurnsSchema,
        useKnowledge: { type: 'boolean' },
        timeoutMs: upstreamTimeoutSchema,
        temperature: { type: 'number', minimum: 0, maximum: 2 },
        maxTokens: { type: 'integer', minimum: 1, maximum: 100_000 },
        fallbackAnswers: fallbackAnswersSchema,
      },
    },
    {
      additionalProperties: false,
      required: ['type', 'url', 'secret'],
      properties: {
        type: { const: 'webhook' },
        url: httpUrlSchema,
        secret: { type: 'string', minLength: 16, maxLength: 1000 },
        historyTurns: historyTurnsSchema,
        timeoutMs: upstreamTimeoutSchema,
        fallbackAnswers: fallbackAnswersSchema,
      },
    },
  ],
} as const;

const rateLimitSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['burst', 'perMinute'],
  properties: {
    burst: { type: 'integer', minimum: 1, maximum: 1000 },
    perMinute: { type: 'integer', minimum: 1, maximum: 6000 },
  },
} as const;

/** Per-session rate limits (docs/quotas-and-timeouts.md). */
export const rateLimitsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { questions: rateLimitSchema, drivenText: rateLimitSchema, utterances: rateLimitSchema },
} as const;

/** Filler phrases for slow brains. */
const pacifySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enabled', 'triggerMs', 'phrases'],
  properties: {
    enabled: { type: 'boolean' },
    triggerMs: { type: 'integer', minimum: 0, maximum: 3000 },
    phrases: {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        ['zh_CN', 'en_US'].map((language) => [
          language,
          { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 100 } },
        ]),
      ),
    },
  },
} as const;

/** Speech output engine (docs/voice.md): espeak-ng (default) or an OpenAI-compatible /audio/speech. */
const ttsSchema = {
  type: 'object',
  required: ['type'],
  oneOf: [
    { additionalProperties: false, properties: { type: { const: 'espeak' } } },
    {
      additionalProperties: false,
      required: ['type', 'baseUrl'],
      properties: {
        type: { const: 'openai' },
        ...openAiEndpointProperties,
        timeoutMs: upstreamTimeoutSchema,
      },
    },
  ],
} as const;

/** Speech recognition for voice input (docs/voice.md): an OpenAI-compatible /audio/transcriptions. */
const asrSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'baseUrl'],
  properties: {
    type: { const: 'openai' },
    ...openAiEndpointProperties,
    language: { type: 'string', pattern: '^[a-z]{2,3}$' },
    timeoutMs: upstreamTimeoutSchema,
  },
} as const;

/** Media mode (docs/livekit.md): `livekit` needs the LiveKit server and a renderer (checked by the route). */
const mediaSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['mode'],
  properties: {
    mode: { type: 'string', enum: ['local', 'livekit'] },
    livekit: {
      type: 'object',
      additionalProperties: false,
      required: ['url', 'apiKey', 'apiSecret'],
      properties: {
        url: { type: 'string', maxLength: 2000, pattern: '^wss?://[^\\s/?#@]+([/?#][^\\s]*)?$' },
        apiKey: { type: 'string', minLength: 1, maxLength: 200 },
        apiSecret: { type: 'string', minLength: 1, maxLength: 1000 },
      },
    },
    renderer: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: httpUrlSchema,
        secret: { type: 'string', minLength: 1, maxLength: 1000 },
      },
    },
    fallbackToLocal: { type: 'boolean' },
    chromaKey: { type: 'boolean' },
    iceServers: {
      type: 'array',
      maxItems: 10,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['urls'],
        properties: {
          urls: {
            type: 'array',
            minItems: 1,
            maxItems: 10,
            items: { type: 'string', maxLength: 500, pattern: '^(stun|stuns|turn|turns):[^\\s]+$' },
          },
          username: { type: 'string', maxLength: 500 },
          credential: { type: 'string', maxLength: 500 },
        },
      },
    },
  },
} as const;

/** An array of at most `maxItems` objects with exactly these fields, the `required` ones present. */
function listOfObjects<R extends readonly string[], P extends Record<R[number], object>>(maxItems: number, required: R, properties: P) {
  return { type: 'array', maxItems, items: { type: 'object', additionalProperties: false, required, properties } } as const;
}

/** Pronunciation lexicon: word → what to say (may use the SSML subset in docs/voice.md). */
const lexiconSchema = listOfObjects(1000, ['word', 'say'] as const, {
  word: { type: 'string', minLength: 1, maxLength: 100 },
  say: { type: 'string', maxLength: 500 },
});

/** Hot questions per language (at most HOT_QUESTIONS_PER_LANGUAGE of each, checked by the route). */
const hotQuestionsSchema = listOfObjects(40, ['language', 'text'] as const, {
  language: languageSchema,
  text: { type: 'string', minLength: 1, maxLength: 200, pattern: '\\S' },
});

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
    brain: brainSchema,
    pacify: pacifySchema,
    tts: ttsSchema,
    asr: asrSchema,
    media: mediaSchema,
    lexicon: lexiconSchema,
    rateLimits: rateLimitsSchema,
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
    hotQuestions: hotQuestionsSchema,
  },
} as const;

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

/** PATCH /v1/robots/:id: any robot field but the id, at least one. */
export const robotPatchBodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: Object.fromEntries(Object.entries(robotBodySchema.properties).filter(([key]) => key !== 'id')),
} as const;

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

export const knowledgeExportQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { format: { type: 'string', enum: ['json', 'csv'] } },
} as const;

export const hotQuestionsBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['hotQuestions'],
  properties: { hotQuestions: hotQuestionsSchema },
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
export const unansweredQuestionsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { ...analyticsQuery.properties, status: { type: 'string', enum: ['unanswered', 'suggested', 'declined'] } },
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
