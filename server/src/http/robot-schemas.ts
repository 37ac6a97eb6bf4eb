/** The JSON schemas of a robot's settings (POST and PATCH /v1/robots, its hot questions): brain, speech, media, limits. */
import { SUPPORTED_LANGUAGES } from '@dhkit/protocol';
import { languageSchema } from './schemas.js';

const robotIdSchema = { type: 'string', pattern: '^[a-z0-9_-]{1,64}$' } as const;
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
const rateLimitsSchema = {
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
        SUPPORTED_LANGUAGES.map((language) => [
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

/** Optional settings a PATCH removes with `null` (the robot falls back to the server's defaults). */
const REMOVABLE_ROBOT_SETTINGS: readonly string[] = ['tts', 'asr', 'media', 'lexicon', 'pacify', 'rateLimits'];

/** PATCH /v1/robots/:id: any robot field but the id, at least one; a removable setting may be `null`. */
export const robotPatchBodySchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: Object.fromEntries(
    Object.entries(robotBodySchema.properties)
      .filter(([key]) => key !== 'id')
      .map(([key, schema]) => [key, REMOVABLE_ROBOT_SETTINGS.includes(key) ? { anyOf: [schema, { type: 'null' }] } : schema]),
  ),
} as const;

export const hotQuestionsBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['hotQuestions'],
  properties: { hotQuestions: hotQuestionsSchema },
} as const;
