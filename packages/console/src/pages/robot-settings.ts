/**
 * A robot's settings beyond its name, languages and limits, each as its own typed input: the brain (per type), speech
 * output and recognition, the media mode, the pronunciation lexicon, pacify phrases and per-session rate limits.
 * `renderX` draws the inputs from the stored robot; `readX` reads them back into the admin API's shape.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { BrainConfig, LanguageCode, Robot } from '@dhkit/protocol';
import { group, lines, readFields, renderFields, type FieldSpec, type FormKit, type FormReader } from './setting-fields.js';

/**
 * The protocol's SUPPORTED_LANGUAGES, written here because the console takes only types from @dhkit/protocol (its
 * code reaches the page through the server, docs/architecture.md); the robot form uses this one too.
 */
export const LANGUAGES: readonly LanguageCode[] = ['zh_CN', 'en_US'];
const BRAIN_TYPES = ['knowledge', 'openai', 'webhook'] as const;
const endpoint = (prefix: string): FieldSpec[] => [
  { path: `${prefix}baseUrl`, kind: 'url' },
  { path: `${prefix}model`, kind: 'text' },
  { path: `${prefix}apiKey`, kind: 'secret' },
];

/** Per brain type: its own fields (the fallback answers are every brain's). */
const BRAIN_FIELDS: Record<BrainConfig['type'], readonly FieldSpec[]> = {
  knowledge: [
    { path: 'threshold', kind: 'number' },
    { path: 'keyTerms', kind: 'lines' },
  ],
  openai: [
    ...endpoint(''),
    { path: 'systemPrompt', kind: 'long' },
    { path: 'historyTurns', kind: 'int' },
    { path: 'timeoutMs', kind: 'int' },
    { path: 'temperature', kind: 'number' },
    { path: 'maxTokens', kind: 'int' },
    { path: 'useKnowledge', kind: 'bool' },
  ],
  webhook: [
    { path: 'url', kind: 'url', label: 'webhookUrl' },
    { path: 'secret', kind: 'secret', label: 'webhookSecret' },
    { path: 'historyTurns', kind: 'int' },
    { path: 'timeoutMs', kind: 'int' },
  ],
};
const KNOWLEDGE_LLM: FieldSpec[] = [
  ...endpoint('llm.'),
  { path: 'llm.systemPrompt', kind: 'long' },
  { path: 'llm.entries', kind: 'int' },
  { path: 'llm.firstTokenTimeoutMs', kind: 'int' },
  { path: 'llm.timeoutMs', kind: 'int' },
  { path: 'llm.historyTurns', kind: 'int' },
  { path: 'llm.temperature', kind: 'number' },
  { path: 'llm.maxTokens', kind: 'int' },
];
const KNOWLEDGE_EMBEDDINGS: FieldSpec[] = [
  ...endpoint('embeddings.'),
  { path: 'embeddings.timeoutMs', kind: 'int' },
  { path: 'embeddings.minSimilarity', kind: 'number' },
];
const FALLBACK_ANSWERS: FieldSpec[] = LANGUAGES.map((l) => ({ path: `fallbackAnswers.${l}`, kind: 'long', label: `fallback_${l}` }));
const TTS_OPENAI: FieldSpec[] = [...endpoint(''), { path: 'timeoutMs', kind: 'int' }];
const ASR: FieldSpec[] = [...endpoint(''), { path: 'language', kind: 'text', label: 'asrLanguage' }, { path: 'timeoutMs', kind: 'int' }];
const MEDIA_LIVEKIT: FieldSpec[] = [
  { path: 'livekit.url', kind: 'url', label: 'livekitUrl' },
  { path: 'livekit.apiKey', kind: 'text', label: 'livekitApiKey' },
  { path: 'livekit.apiSecret', kind: 'secret', label: 'livekitApiSecret' },
  { path: 'renderer.url', kind: 'url', label: 'rendererUrl' },
  { path: 'renderer.secret', kind: 'secret', label: 'rendererSecret' },
  { path: 'fallbackToLocal', kind: 'bool' },
  { path: 'chromaKey', kind: 'bool' },
];
const PACIFY: FieldSpec[] = [
  { path: 'triggerMs', kind: 'int' },
  ...LANGUAGES.map((l): FieldSpec => ({ path: `phrases.${l}`, kind: 'lines', label: `phrases_${l}` })),
];
const RATE_KINDS = ['questions', 'drivenText', 'utterances'] as const;
const RATE_LIMITS: FieldSpec[] = RATE_KINDS.flatMap((kind): FieldSpec[] => [
  { path: `${kind}.burst`, kind: 'int', label: `${kind}Burst` },
  { path: `${kind}.perMinute`, kind: 'int', label: `${kind}PerMinute` },
]);

/** The brain's fields for `type` (the stored values only when the stored brain is of that type). */
export function renderBrain(kit: FormKit, brain: BrainConfig | undefined, type: BrainConfig['type']): TemplateResult {
  const same = brain?.type === type ? brain : undefined;
  const knowledge = same?.type === 'knowledge' ? same : undefined;
  return html`${group(
    kit.label('brain'),
    html`${kit.choice('brain.type', kit.label('brainType'), BRAIN_TYPES, type)} ${renderFields(kit, 'brain', BRAIN_FIELDS[type], same)}
    ${
      type === 'knowledge' ? kit.area('brain.synonyms', kit.label('synonyms'), synonymsText(knowledge), kit.label('synonymsHint')) : nothing
    }`,
  )}
  ${type === 'knowledge' ? group(kit.label('llm'), renderFields(kit, 'brain', KNOWLEDGE_LLM, same), kit.label('llmHint')) : nothing}
  ${
    type === 'knowledge'
      ? group(kit.label('embeddings'), renderFields(kit, 'brain', KNOWLEDGE_EMBEDDINGS, same), kit.label('embeddingsHint'))
      : nothing
  }
  ${group(kit.label('fallbackAnswers'), renderFields(kit, 'brain', FALLBACK_ANSWERS, same))}`;
}

export function readBrain(reader: FormReader, type: BrainConfig['type']): BrainConfig {
  const specs = type === 'knowledge' ? [...BRAIN_FIELDS.knowledge, ...KNOWLEDGE_LLM, ...KNOWLEDGE_EMBEDDINGS] : BRAIN_FIELDS[type];
  const brain: Record<string, unknown> = { ...readFields(reader, 'brain', [...specs, ...FALLBACK_ANSWERS]), type };
  if (type === 'knowledge') {
    for (const group of ['llm', 'embeddings']) if (emptiedEndpoint(brain[group])) delete brain[group];
    const synonyms = lines(reader.value('brain.synonyms')).map((line) =>
      line
        .split(/[,，]/)
        .map((word) => word.trim())
        .filter(Boolean),
    );
    if (synonyms.length) Object.assign(brain, { synonyms });
  }
  return brain as unknown as BrainConfig;
}

/**
 * A grounding LLM or embeddings endpoint whose URL and model the operator emptied: the brain is sent whole, so
 * leaving the group out removes it. What stays beside them (the password input still holds the masked key, a
 * timeout) means nothing without an endpoint; a half-filled one (a model, no URL) is sent for the server to name
 * the missing field.
 */
function emptiedEndpoint(group: unknown): boolean {
  if (!group || typeof group !== 'object') return false;
  const { baseUrl, model } = group as { baseUrl?: unknown; model?: unknown };
  return baseUrl === undefined && model === undefined;
}

/** Speech output, recognition, media mode, lexicon, pacify and rate limits. `choice` is the form's current pick of a select. */
export function renderSettings(kit: FormKit, robot: Robot | null, choice: (name: string, fallback: string) => string): TemplateResult {
  const ttsType = choice('tts.type', robot?.tts?.type ?? 'espeak');
  const mediaMode = choice('media.mode', robot?.media?.mode ?? 'local');
  return html`${group(
    kit.label('tts'),
    html`${kit.choice('tts.type', kit.label('ttsType'), ['espeak', 'openai'], ttsType)}
    ${ttsType === 'openai' ? renderFields(kit, 'tts', TTS_OPENAI, robot?.tts) : nothing}`,
  )}
  ${group(
    kit.label('asr'),
    html`${kit.check('asr.enabled', kit.label('asrEnabled'), Boolean(robot?.asr))} ${renderFields(kit, 'asr', ASR, robot?.asr)}`,
  )}
  ${group(
    kit.label('media'),
    html`${kit.choice('media.mode', kit.label('mediaMode'), ['local', 'livekit'], mediaMode)}
    ${mediaMode === 'livekit' ? renderFields(kit, 'media', MEDIA_LIVEKIT, robot?.media) : nothing}
    ${
      mediaMode === 'livekit'
        ? kit.area('media.iceServers', kit.label('iceServers'), iceServersText(robot), kit.label('iceServersHint'))
        : nothing
    }`,
  )}
  ${group(
    kit.label('lexicon'),
    kit.area(
      'lexicon',
      kit.label('lexiconEntries'),
      (robot?.lexicon ?? []).map((e) => `${e.word} = ${e.say}`).join('\n'),
      kit.label('lexiconHint'),
    ),
  )}
  ${group(
    kit.label('pacify'),
    html`${kit.check('pacify.enabled', kit.label('pacifyEnabled'), robot?.pacify?.enabled ?? false)}
    ${renderFields(kit, 'pacify', PACIFY, robot?.pacify)}`,
  )}
  ${group(kit.label('rateLimits'), renderFields(kit, 'rateLimits', RATE_LIMITS, robot?.rateLimits), kit.label('rateLimitsHint'))}`;
}

function synonymsText(knowledge: Extract<BrainConfig, { type: 'knowledge' }> | undefined): string {
  return (knowledge?.synonyms ?? []).map((g) => g.join(', ')).join('\n');
}

function iceServersText(robot: Robot | null): string {
  return (robot?.media?.iceServers ?? []).map((s) => [s.urls.join(','), s.username ?? '', s.credential ?? ''].join(' ').trim()).join('\n');
}

/**
 * The settings the form says, in the admin API's shape. A setting left at its default on a robot that never had it
 * is left out (the server keeps it absent), one the robot had and the form turns off is `null` (removed);
 * `errorFor` turns a line the form cannot read into a message.
 */
export function readSettings(reader: FormReader, robot: Robot | null, errorFor: (key: 'lexiconLine') => string): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  const ttsType = reader.value('tts.type');
  if (ttsType === 'openai') settings.tts = { ...readFields(reader, 'tts', TTS_OPENAI), type: 'openai' };
  else if (robot?.tts) settings.tts = { type: 'espeak' };
  // `null` removes a setting the robot has (PATCH); a new robot simply leaves it out.
  if (reader.checked('asr.enabled')) settings.asr = { ...readFields(reader, 'asr', ASR), type: 'openai' };
  else if (robot?.asr) settings.asr = null;
  const mode = reader.value('media.mode');
  if (mode === 'livekit') {
    const iceServers = lines(reader.value('media.iceServers')).map((line) => {
      const [urls, username, credential] = line.split(/\s+/);
      return { urls: urls.split(','), ...(username ? { username } : {}), ...(credential ? { credential } : {}) };
    });
    settings.media = { ...readFields(reader, 'media', MEDIA_LIVEKIT), mode, ...(iceServers.length ? { iceServers } : {}) };
  } else if (robot?.media) settings.media = { mode: 'local' };
  const lexicon = lines(reader.value('lexicon')).map((line) => {
    const at = line.indexOf('=');
    if (at <= 0) throw new Error(`${errorFor('lexiconLine')} "${line}"`);
    return { word: line.slice(0, at).trim(), say: line.slice(at + 1).trim() };
  });
  if (lexicon.length || robot?.lexicon) settings.lexicon = lexicon;
  const pacify = readFields(reader, 'pacify', PACIFY);
  if (reader.checked('pacify.enabled') || robot?.pacify) {
    settings.pacify = { phrases: {}, ...pacify, enabled: reader.checked('pacify.enabled') };
  }
  const rateLimits = readFields(reader, 'rateLimits', RATE_LIMITS);
  if (Object.keys(rateLimits).length) settings.rateLimits = rateLimits;
  else if (robot?.rateLimits) settings.rateLimits = null;
  return settings;
}
