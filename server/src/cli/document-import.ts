/**
 * `dhkit kb import <robotId> faq.pdf|.docx|.md|.html [--dry-run] [--document ID] [--language L]`: the
 * document import of POST /v1/robots/:id/knowledge/documents, straight against the store. Prints the same
 * JSON as the route on stdout and a one-line summary on stderr.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isLanguageCode } from '@dhkit/protocol';
import { importDocument } from '../knowledge/documents/document-import.js';
import { DocumentError } from '../knowledge/documents/document-error.js';
import { withRobotInStore } from './robot-store.js';

/** As the route's body limit. */
const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

export async function importDocumentFile(args: string[], env: NodeJS.ProcessEnv, usage: (message: string) => Error): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { data: { type: 'string' }, 'dry-run': { type: 'boolean' }, document: { type: 'string' }, language: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 2) throw usage('kb import needs a robot id and a file.');
  const [robotId, file] = positionals as [string, string];
  if (values.language !== undefined && !isLanguageCode(values.language)) throw usage('--language is zh_CN or en_US.');
  let bytes: Buffer;
  try {
    if (fs.statSync(file).size > MAX_DOCUMENT_BYTES) {
      console.error(`dhkit: ${file} is larger than ${MAX_DOCUMENT_BYTES} bytes. Nothing was imported.`);
      return 1;
    }
    bytes = fs.readFileSync(file);
  } catch (error) {
    console.error(`dhkit: cannot read ${file}: ${(error as Error).message}`);
    return 1;
  }
  return await withRobotInStore(values.data, env, robotId, async (store) => {
    const fileName = path.basename(file);
    const language = values.language as Parameters<typeof importDocument>[3]['language'];
    try {
      const result = await importDocument(store, robotId, bytes, {
        document: values.document ?? fileName,
        fileName,
        language,
        dryRun: values['dry-run'] === true,
      });
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      const counts = `${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.deleted} deleted`;
      console.error(`dhkit: ${result.dryRun ? 'dry run (nothing written)' : `robot "${robotId}"`}: ${counts}.`);
      for (const warning of result.warnings) console.error(`dhkit: ${warning}`);
      return 0;
    } catch (error) {
      if (!(error instanceof DocumentError)) throw error;
      console.error(`dhkit: ${file}: ${error.code}: ${error.message} Nothing was imported.`);
      return 1;
    }
  });
}
