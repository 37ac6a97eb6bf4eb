/**
 * `POST /v1/robots/:id/voice-sample`: a short sentence spoken through the robot's own speech engine (its `tts`, its
 * lexicon) as a WAV file, so the console's "play sample" button lets an operator hear a voice before visitors do.
 * The voice may be one not saved yet (the form's), checked like a saved one.
 */
import type { LanguageCode } from '@dhkit/protocol';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from './context.js';
import { adminGuard } from './admin-auth.js';
import { CodedError } from '../errors.js';
import { DEFAULT_VOICES } from '../robots/robot.js';
import { voiceSpeaks } from '../adapters/tts/voice-language.js';
import { languageSchema, robotIdParams } from './schemas.js';

const voiceSampleBody = {
  type: 'object',
  additionalProperties: false,
  required: ['language'],
  properties: {
    language: languageSchema,
    voice: { type: 'string', pattern: '^[A-Za-z0-9_+-]{1,40}$' },
    text: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const SAMPLE_TEXT: Record<LanguageCode, (name: string) => string> = {
  zh_CN: (name) => `您好，我是${name}，很高兴为您服务。`,
  en_US: (name) => `Hello, I am ${name}. How can I help you today?`,
};
/** Longer than any sample sentence takes; a stuck engine must not hold the request. */
const SAMPLE_TIMEOUT_MS = 15_000;

/** A RIFF/WAVE header for mono 16-bit PCM. */
function wavHeader(dataBytes: number, sampleRate: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

export function voiceSampleRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.post<{ Params: { id: string }; Body: { language: LanguageCode; voice?: string; text?: string } }>(
      '/v1/robots/:id/voice-sample',
      { onRequest: adminGuard(context.adminKeyHash, context.adminLockout), schema: { params: robotIdParams, body: voiceSampleBody } },
      async (request, reply) => {
        const robot = await context.store.getRobot(request.params.id);
        if (!robot) throw new CodedError('ROBOT_NOT_FOUND');
        const { language } = request.body;
        const voice = request.body.voice ?? robot.voices[language] ?? DEFAULT_VOICES[language];
        if (!voiceSpeaks(voice, language, robot.tts))
          throw new CodedError('INVALID_REQUEST', `voice: "${voice}" does not speak ${language}.`);
        const tts = context.ttsFor(robot);
        const chunks: Uint8Array[] = [];
        const signal = AbortSignal.timeout(SAMPLE_TIMEOUT_MS);
        for await (const chunk of tts.synthesize(request.body.text ?? SAMPLE_TEXT[language](robot.name), voice, signal)) chunks.push(chunk);
        const pcm = Buffer.concat(chunks);
        reply.header('Cache-Control', 'no-store');
        return reply.type('audio/wav').send(Buffer.concat([wavHeader(pcm.length, tts.sampleRate), pcm]));
      },
    );
  };
}
