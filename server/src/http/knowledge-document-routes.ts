/**
 * POST /v1/robots/:id/knowledge/documents: a FAQ document (Markdown, HTML, plain text, PDF, DOCX) as the
 * raw request body becomes knowledge entries (knowledge/documents/document-import.ts). Its own plugin scope:
 * here any content type arrives as bytes, and the reader is chosen from it and the file name.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { LanguageCode } from '@dhkit/protocol';
import type { AppContext } from './context.js';
import { CodedError } from '../errors.js';
import { importDocument } from '../knowledge/documents/document-import.js';
import { DocumentError } from '../knowledge/documents/document-error.js';
import { knowledgeDocumentQuery, robotIdParams } from './schemas.js';

/** Larger than any FAQ document we have seen (a 100-page PDF with pictures is a few MB). */
const DOCUMENT_BODY_LIMIT = 10 * 1024 * 1024;

interface DocumentQuery {
  document?: string;
  name?: string;
  language?: LanguageCode;
  dryRun?: 'true' | 'false';
}

export function knowledgeDocumentRoutes(context: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: DOCUMENT_BODY_LIMIT }, (_request, body, done) => done(null, body));

    app.post<{ Params: { id: string }; Querystring: DocumentQuery; Body: Buffer | undefined }>(
      '/v1/robots/:id/knowledge/documents',
      { schema: { params: robotIdParams, querystring: knowledgeDocumentQuery }, bodyLimit: DOCUMENT_BODY_LIMIT },
      async (request, reply) => {
        const robot = await context.store.getRobot(request.params.id);
        if (!robot) throw new CodedError('ROBOT_NOT_FOUND');
        const { name, language } = request.query;
        const document = request.query.document ?? name;
        if (!document) throw new CodedError('INVALID_REQUEST', 'Name the document: ?name=faq.pdf (or ?document=<id> and a Content-Type).');
        if (!Buffer.isBuffer(request.body)) throw new DocumentError('The document is empty.');
        const dryRun = request.query.dryRun === 'true';
        const result = await importDocument(context.store, robot.id, request.body, {
          document,
          mediaType: request.headers['content-type'],
          fileName: name,
          language,
          dryRun,
        });
        if (!dryRun) context.brain.invalidate(robot.id);
        return reply.code(dryRun ? 200 : 201).send(result);
      },
    );
  };
}
