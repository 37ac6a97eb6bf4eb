/**
 * `dhkit serve`, `dhkit once-code`, `dhkit kb import|export|ask` and `dhkit renderer`; cli/ holds the document import and
 * the store opened for one robot that once-code and kb work on.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from './index.js';
import { CONNECTION_MESSAGE, READY_MESSAGE, runWorkerCluster, STOPPING_MESSAGE } from './worker-cluster.js';
import { AdminKeyTooShortError, MIN_ADMIN_KEY_CHARS } from './security/admin-key.js';
import { parseTrustProxy, TrustProxyError, type TrustProxySetting } from './security/trust-proxy.js';
import { parsePublicUrl, PublicUrlError } from './security/public-url.js';
import { mintOnceCode } from './sessions/once-codes.js';
import {
  KnowledgeFormatError,
  knowledgeToCsv,
  knowledgeToJson,
  parseKnowledgeCsv,
  parseKnowledgeJson,
} from './knowledge/knowledge-format.js';
import { withRobotInStore } from './cli/robot-store.js';
import { KnowledgeBrain } from './adapters/brain/knowledge-brain.js';
import { searchReply } from './adapters/brain/knowledge/search-reply.js';

function secondsToMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}

function onceCodeRate(env: NodeJS.ProcessEnv) {
  const perSecond = parseNumber(env.DHKIT_ONCE_CODE_RATE, 'DHKIT_ONCE_CODE_RATE', 0.01, 1_000_000);
  return perSecond === undefined ? {} : { onceCodeRate: { perSecond, burst: Math.max(10, perSecond * 10) } };
}

const USAGE =
  `Usage:
  dhkit serve [--port N] [--host H] [--data DIR] [--no-demo] [--workers N]   (N > 1: N processes on one port, PostgreSQL only)
  dhkit once-code <robotId> [--ttl SECONDS] [--data DIR]
  dhkit kb import <robotId> <file.csv|file.json> [--replace] [--data DIR]
  dhkit kb import <robotId> <faq.pdf|.docx|.md|.html> [--dry-run] [--document ID] [--language L] [--data DIR]
                                                                  (a FAQ document; re-import updates; JSON to stdout)
  dhkit kb export <robotId> [--format csv|json] [--data DIR]      (to stdout)
  dhkit kb ask <robotId> <question> [--limit N] [--data DIR]       (what the brain would do, JSON to stdout)
  dhkit renderer [--port N] [--host H] [--capacity N] [--warm N]  (reference avatar renderer, docs/renderer-protocol.md;
                                                                   DHKIT_RENDERER_SECRET, DHKIT_CHROMIUM)

Environment: DHKIT_PORT (8080), DHKIT_HOST (0.0.0.0), DHKIT_DATA_DIR (./.dhkit), DHKIT_ADMIN_KEY,
DHKIT_DATABASE_URL (postgres://… instead of SQLite in the data dir), DHKIT_DATABASE_POOL (PostgreSQL connections per
process, 10), DHKIT_DEMO (1, at every start; 0 or
--no-demo turns the demo off: do so in production), DHKIT_LOG_LEVEL (info), DHKIT_MAX_SESSIONS (10000 per process),
DHKIT_LEASE_TTL_SECONDS (30), DHKIT_ONCE_CODE_RATE (once-codes per second per robot, 100),
DHKIT_WORKERS (1), DHKIT_PUBLIC_URL (the origin in URLs handed to renderers; default the listen address), DHKIT_TRUST_PROXY ` +
  `(0; 1 behind a reverse proxy that sets X-Forwarded-For), DHKIT_ANALYTICS_DAYS (days the
question log keeps, 90; 0 records none), DHKIT_METRICS_TOKEN (a bearer token that may read /metrics besides the admin key)`;

class UsageError extends Error {}

/**
 * File names `kb import` hands to the document import (CSV and JSON are the knowledge format's own). Not
 * .txt: `kb import` has always refused it as a usage error; a plain-text FAQ goes through the API, or as .md.
 */
const DOCUMENT_EXTENSIONS = new Set(['.pdf', '.docx', '.md', '.markdown', '.html', '.htm']);

function parseFlag(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new UsageError(`${name} must be 1/true or 0/false, not "${value}".`);
}

function parseNumber(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number < min || number > max) throw new UsageError(`${name} must be a number in ${min}..${max}.`);
  return number;
}

function parsePort(value: string, name: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${name} must be a port number.`);
  return port;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  try {
    if (command === 'serve') return await serve(rest, env);
    if (command === 'once-code') return await onceCode(rest, env);
    if (command === 'kb') return await knowledgeBase(rest, env);
    if (command === 'renderer') return await renderer(rest, env);
    throw new UsageError(`Unknown command "${command}".`);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`dhkit: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

/**
 * `dhkit renderer`: the reference renderer lives in its own package (browser code: Chromium, the SDK's
 * publisher page), so a server install does not carry it; when @dhkit/renderer is installed this runs it.
 */
async function renderer(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  // A variable, not a literal: the server neither depends on the package nor compiles against it.
  const rendererPackage = '@dhkit/renderer';
  let rendererCli: { main(args: string[], env: NodeJS.ProcessEnv): Promise<number> };
  try {
    rendererCli = (await import(rendererPackage)) as typeof rendererCli;
  } catch {
    throw new UsageError('"dhkit renderer" needs the @dhkit/renderer package ("npm install @dhkit/renderer"); it runs as dhkit-renderer.');
  }
  return rendererCli.main(args, env);
}

/** The settings `serve` reads from the environment and checks before starting; null (said on stderr) when one is bad. */
function checkedServeEnv(
  env: NodeJS.ProcessEnv,
): { adminKey: string | undefined; trustProxy: TrustProxySetting; publicUrl: string | undefined } | null {
  const adminKey = env.DHKIT_ADMIN_KEY || undefined;
  if (adminKey !== undefined && adminKey.length < MIN_ADMIN_KEY_CHARS) {
    console.error(`dhkit: ${new AdminKeyTooShortError(adminKey.length).message}`);
    return null;
  }
  try {
    const trustProxy = parseTrustProxy(env.DHKIT_TRUST_PROXY);
    const publicUrl = env.DHKIT_PUBLIC_URL ? parsePublicUrl(env.DHKIT_PUBLIC_URL) : undefined;
    return { adminKey, trustProxy, publicUrl };
  } catch (error) {
    if (!(error instanceof TrustProxyError) && !(error instanceof PublicUrlError)) throw error;
    console.error(`dhkit: ${error.message}`);
    return null;
  }
}

async function serve(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      'no-demo': { type: 'boolean' },
      workers: { type: 'string' },
    },
    strict: true,
  });
  const workers = parseNumber(values.workers ?? env.DHKIT_WORKERS, values.workers ? '--workers' : 'DHKIT_WORKERS', 1, 256) ?? 1;
  if (!Number.isInteger(workers)) throw new UsageError('--workers must be a whole number.');
  if (workers > 1 && env.DHKIT_WORKER !== '1') {
    // Leases, once-codes and the once-code limits are exact across processes only on a shared PostgreSQL store.
    if (!env.DHKIT_DATABASE_URL) throw new UsageError('--workers needs DHKIT_DATABASE_URL (several processes share PostgreSQL).');
    const port = parsePort(values.port ?? env.DHKIT_PORT ?? '8080', values.port ? '--port' : 'DHKIT_PORT');
    return runWorkerCluster(workers, port, values.host ?? env.DHKIT_HOST ?? '0.0.0.0');
  }
  const checked = checkedServeEnv(env);
  if (!checked) return 2;
  const { adminKey, trustProxy, publicUrl } = checked;
  const isWorker = env.DHKIT_WORKER === '1';
  const server = await startServer({
    // A worker's own listener is private: clients reach it through the primary, which hands it their connections.
    port: isWorker ? 0 : parsePort(values.port ?? env.DHKIT_PORT ?? '8080', values.port ? '--port' : 'DHKIT_PORT'),
    host: isWorker ? '127.0.0.1' : (values.host ?? env.DHKIT_HOST ?? '0.0.0.0'),
    dataDir: path.resolve(values.data ?? env.DHKIT_DATA_DIR ?? './.dhkit'),
    adminKey,
    databaseUrl: env.DHKIT_DATABASE_URL || undefined,
    databasePool: parseNumber(env.DHKIT_DATABASE_POOL, 'DHKIT_DATABASE_POOL', 1, 1000),
    demo: values['no-demo'] ? false : parseFlag(env.DHKIT_DEMO, 'DHKIT_DEMO'),
    logLevel: env.DHKIT_LOG_LEVEL ?? 'info',
    maxSessions: parseNumber(env.DHKIT_MAX_SESSIONS, 'DHKIT_MAX_SESSIONS', 0, 1_000_000),
    leaseTtlMs: secondsToMs(parseNumber(env.DHKIT_LEASE_TTL_SECONDS, 'DHKIT_LEASE_TTL_SECONDS', 1, 3600)),
    trustProxy,
    publicUrl,
    analyticsDays: parseNumber(env.DHKIT_ANALYTICS_DAYS, 'DHKIT_ANALYTICS_DAYS', 0, 36_500),
    metricsToken: env.DHKIT_METRICS_TOKEN,
    ...onceCodeRate(env),
  });
  let stopping = false;
  if (isWorker) {
    process.on('message', (message, socket) => {
      if (message !== CONNECTION_MESSAGE || !(socket instanceof net.Socket)) return;
      // Sent before the primary read our STOPPING_MESSAGE: back to the primary, for a worker that stays.
      if (stopping) return void process.send?.(CONNECTION_MESSAGE, socket);
      server.httpServer.emit('connection', socket);
      socket.resume();
    });
    process.send?.(READY_MESSAGE);
  }
  console.log(`dhkit: listening on ${server.url}`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      console.log(`dhkit: ${signal} received, closing sessions and shutting down.`);
      stopping = true;
      if (isWorker) process.send?.(STOPPING_MESSAGE);
      // A second signal forces the exit.
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      server.close().then(resolve, (error) => {
        console.error('dhkit: error while closing', error);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  // A cluster worker's channel to the primary would keep the process alive after the server closed.
  if (isWorker) process.disconnect?.();
  return 0;
}

async function onceCode(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ttl: { type: 'string' }, data: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('once-code needs exactly one robot id.');
  const ttl = values.ttl === undefined ? 300 : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 5 || ttl > 3600) throw new UsageError('--ttl must be 5..3600 seconds.');
  return await withRobotInStore(values.data, env, positionals[0], async (store) => {
    const code = await mintOnceCode(store, positionals[0], ttl);
    console.log(code.onceCode);
    console.error(`dhkit: single use, expires at ${code.expiresAt}`);
    return 0;
  });
}

/**
 * `dhkit kb import|export`: the knowledge base of one robot, straight against the store (a running server
 * notices the change within seconds through the store's knowledge revision and rebuilds its index).
 */
async function knowledgeBase(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [action, ...rest] = args;
  if (action === 'ask') return await knowledgeAsk(rest, env);
  if (action !== 'import' && action !== 'export') throw new UsageError('kb needs "import", "export" or "ask".');
  // The file decides which import runs; the options with values are named so their values are not taken for it.
  const stringOptions = {
    data: { type: 'string' },
    document: { type: 'string' },
    language: { type: 'string' },
    format: { type: 'string' },
  } as const;
  const file = parseArgs({ args: rest, options: stringOptions, allowPositionals: true, strict: false }).positionals[1];
  if (action === 'import' && file && DOCUMENT_EXTENSIONS.has(path.extname(file).toLowerCase())) {
    // Loaded on use: the document readers are large, and every other command should start fast.
    const { importDocumentFile } = await import('./cli/document-import.js');
    return await importDocumentFile(rest, env, (message) => new UsageError(message));
  }
  const { values, positionals } = parseArgs({
    args: rest,
    options: { data: { type: 'string' }, replace: { type: 'boolean' }, format: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  let entries: ReturnType<typeof parseKnowledgeCsv> = [];
  let format: 'csv' | 'json' = 'csv';
  if (action === 'import') {
    if (positionals.length !== 2) throw new UsageError('kb import needs a robot id and a file.');
    if (values.format !== undefined) throw new UsageError('kb import takes the format from the file name (.csv or .json).');
    const file = positionals[1];
    const extension = path.extname(file).toLowerCase();
    if (extension !== '.csv' && extension !== '.json') {
      throw new UsageError('kb import reads a .csv or .json file, or a FAQ document (.pdf, .docx, .md, .html).');
    }
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      console.error(`dhkit: cannot read ${file}: ${(error as Error).message}`);
      return 1;
    }
    try {
      entries = extension === '.csv' ? parseKnowledgeCsv(text) : parseKnowledgeJson(text);
    } catch (error) {
      if (!(error instanceof KnowledgeFormatError)) throw error;
      console.error(`dhkit: ${file}: ${error.message} Nothing was imported.`);
      return 1;
    }
  } else {
    if (positionals.length !== 1) throw new UsageError('kb export needs exactly one robot id.');
    if (values.replace) throw new UsageError('--replace is for kb import.');
    if (values.format !== undefined && values.format !== 'csv' && values.format !== 'json')
      throw new UsageError('--format is csv or json.');
    format = (values.format as 'csv' | 'json' | undefined) ?? 'csv';
  }
  const robotId = positionals[0];
  return await withRobotInStore(values.data, env, robotId, async (store) => {
    if (action === 'import') {
      const imported = values.replace ? await store.replaceKnowledge(robotId, entries) : await store.addKnowledge(robotId, entries);
      console.error(
        `dhkit: ${values.replace ? 'replaced the knowledge of' : 'appended to'} robot "${robotId}": ${imported} entries imported.`,
      );
    } else {
      const list = await store.listKnowledge(robotId);
      process.stdout.write(format === 'csv' ? knowledgeToCsv(list) : `${JSON.stringify(knowledgeToJson(list), null, 2)}\n`);
    }
    return 0;
  });
}

/**
 * `dhkit kb ask`: the search route's answer (ranked entries, confidence, decision) straight from the store,
 * through the same lookup the brain uses.
 */
async function knowledgeAsk(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { data: { type: 'string' }, limit: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 2) throw new UsageError('kb ask needs a robot id and a question (quoted).');
  const limit = parseNumber(values.limit, '--limit', 1, 20);
  if (limit !== undefined && !Number.isInteger(limit)) throw new UsageError('--limit is a whole number from 1 to 20.');
  const [robotId, question] = positionals;
  if (question.trim() === '' || question.length > 2000) throw new UsageError('The question needs 1 to 2000 characters.');
  return await withRobotInStore(values.data, env, robotId, async (store, robot) => {
    const brain = new KnowledgeBrain({
      loadEntries: (id) => store.listKnowledge(id),
      vectors: { load: (id, model) => store.knowledgeVectors(id, model), save: (...args) => store.saveKnowledgeVectors(...args) },
    });
    // With embeddings, rank as a warm server would: with the entries' vectors (from the store, or made now).
    await brain.prepareEmbeddings(robot);
    process.stdout.write(`${JSON.stringify(searchReply(await brain.lookup(robot, question, limit ?? 5)), null, 2)}\n`);
    return 0;
  });
}
