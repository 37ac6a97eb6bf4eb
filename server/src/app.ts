/**
 * The composition root: configuration, store, brains, speech engines, recognizers, the session registry and
 * admission are made here and handed to the route plugins. Nothing else constructs adapters.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import { LIMITS } from '@dhkit/protocol';
import { resolveAdminKey, type AdminKeyState } from './security/admin-key.js';
import type { AppContext } from './http/context.js';
import { seedDemo } from './robots/demo-robot.js';
import { installErrorHandlers, sendError } from './http/error-handler.js';
import { ASSETS_DIR, findConsoleDir, findSdkDir } from './paths.js';
import { avatarRoutes } from './http/avatar-routes.js';
import { channelRoutes } from './http/channel-routes.js';
import { analyticsRoutes } from './http/analytics-routes.js';
import { healthRoutes } from './http/health-routes.js';
import { ADMIN_AUTH_LOCKOUT } from './http/admin-auth.js';
import { fastifyTrustProxy, type TrustProxySetting } from './security/trust-proxy.js';
import { AnalyticsDrops } from './store/analytics-drops.js';
import { knowledgeRoutes } from './http/knowledge-routes.js';
import { robotRoutes } from './http/robot-routes.js';
import { sessionRoutes } from './http/session-routes.js';
import { staticRoutes } from './http/static-routes.js';
import { auditRecorder, rememberCreatedRobot } from './http/audit-recorder.js';
import { consoleRoutes } from './http/console-routes.js';
import { voiceSampleRoutes } from './http/voice-sample-routes.js';
import { metricsRoutes } from './http/metrics-routes.js';
import { installObservabilityHooks, requestIdFor } from './http/observability-hooks.js';
import { openApiRoute, registerOpenApi } from './http/openapi.js';
import { ServerMetrics } from './observability/metrics.js';
import { sha256Hex } from './security/secrets.js';
import { DEFAULT_LOCKOUT, DEFAULT_ONCE_CODE_RATE, type LockoutPolicy, type RatePolicy } from './security/rate-limits.js';
import { adminLockoutFor, issuanceLimitFor, onceCodeLockoutFor } from './security/shared-limits.js';
import { Admission } from './sessions/admission.js';
import type { SessionServices } from './sessions/session-services.js';
import { SessionRegistry } from './sessions/session-registry.js';
import { DEFAULT_SESSION_TIMEOUTS, type SessionTimeouts } from './sessions/session-timeouts.js';
import { PostgresStore } from './store/postgres-store.js';
import { SqliteStore } from './store/sqlite-store.js';
import { DEFAULT_ANALYTICS_DAYS, startStoreMaintenance } from './store/maintenance.js';
import type { KnowledgeEntry, Store } from './store/store.js';
import { BrainFactory } from './adapters/brain/brain-factory.js';
import type { GroundingFallback } from './adapters/brain/grounded-knowledge-brain.js';
import { KnowledgeBrain } from './adapters/brain/knowledge-brain.js';
import { findEspeak } from './adapters/tts/espeak-binary.js';
import { EspeakTts } from './adapters/tts/espeak-tts.js';
import { SpeechHealth, type VoiceProbe } from './adapters/tts/speech-check.js';
import { TtsFactory } from './adapters/tts/tts-factory.js';
import type { TextToSpeech } from './adapters/tts/tts.js';
import { createSpeechRecognizer } from './adapters/asr/asr-factory.js';
import { RoutineRequestsAtDebug } from './http/routine-request-log.js';
import { PublicUrl, parsePublicUrl } from './security/public-url.js';

export interface AppOptions {
  /** SQLite lives here (unless databaseUrl is set). */
  dataDir: string;
  /** `postgres://…`: use PostgreSQL instead of SQLite (several processes may share it). */
  databaseUrl?: string;
  /** PostgreSQL connections this process keeps at most (DHKIT_DATABASE_POOL); default 10. */
  databasePool?: number;
  /** Lease TTL in ms (heartbeats renew it; a vanished client frees its slot after it). Default 30 000. */
  leaseTtlMs?: number;
  /** Live sessions this process accepts at most, over all robots; more get SERVER_BUSY. Default 10 000. */
  maxSessions?: number;
  /** Once-code failure lockout per client address and robot. */
  onceCodeLockout?: Partial<LockoutPolicy>;
  /** Once-code issuance rate per robot. */
  onceCodeRate?: Partial<RatePolicy>;
  /**
   * The proxies in front of the server whose X-Forwarded-For names the client address: a hop count or their
   * addresses/CIDRs (security/trust-proxy.ts). `true` means one hop. Default false (no proxy).
   */
  trustProxy?: TrustProxySetting | boolean;
  adminKey?: string;
  /** Days the question log (analytics) keeps questions; 0 records none. Default 90. */
  analyticsDays?: number;
  /**
   * Seed and serve the demo (robot `demo`, the page on `/`, `/demo/once-code`). Default: on, at every start;
   * production turns it off (`DHKIT_DEMO=0`, `--no-demo`).
   */
  demo?: boolean;
  /** pino level: fatal, error, warn, info, debug, trace, silent. Default info. */
  logLevel?: string;
  /** espeak-ng's executable. Default: DHKIT_ESPEAK_PATH, else `espeak-ng` on PATH. */
  espeakPath?: string;
  /** Overrides for tests: where log lines go (one JSON line per write). Default stdout. */
  logStream?: { write(line: string): void };
  /** Overrides for tests: session timers. */
  sessionTimeouts?: Partial<SessionTimeouts>;
  /** Overrides for tests: a different TTS adapter. */
  tts?: TextToSpeech;
  /** Directory of the SDK build; default: @dhkit/sdk's dist. */
  sdkDir?: string | null;
  /** Directory of the console build; default: @dhkit/console's dist. */
  consoleDir?: string | null;
  /** A bearer token that may read /metrics (besides the admin key). Default: DHKIT_METRICS_TOKEN's value, or none. */
  metricsToken?: string;
  /** Told of every route as it is added (the OpenAPI test compares them with /openapi.json). */
  onRoute?: (route: { method: string; url: string }) => void;
  /** Process metrics (CPU, memory, event loop) in /metrics. Default true; tests that start many apps turn them off. */
  processMetrics?: boolean;
  /**
   * The origin of every URL the server hands out (`DHKIT_PUBLIC_URL`, e.g. https://talk.example.com). Default: the
   * listen address, which only a renderer on this machine reaches. Never taken from a request's Host.
   */
  publicUrl?: string;
}

interface DhkitAppInfo {
  context: AppContext;
  adminKey: AdminKeyState;
  demo: boolean;
  demoSeeded: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    dhkit: DhkitAppInfo;
  }
}

/** Secrets never reach the logs. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'body.onceCode',
  'body.token',
  'req.body.onceCode',
  'req.body.token',
  'onceCode',
  'token',
  'adminKey',
];

export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const { store } = await openStore(options);
  const demo = options.demo ?? true;

  const publicUrl = new PublicUrl(options.publicUrl ? parsePublicUrl(options.publicUrl) : null);
  const app = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    bodyLimit: 64 * 1024,
    // Strict types: "5" is not a number, unknown fields are refused where a schema says so.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: false, verbose: true } },
    routerOptions: { maxParamLength: 200 },
    forceCloseConnections: true,
    // Static files and health/metrics probes are logged at debug: a page load fetches dozens, probes come every few seconds.
    logController: new RoutineRequestsAtDebug(),
    trustProxy: fastifyTrustProxy(options.trustProxy),
    // A URL that is not valid percent-encoding never reaches the router or the error handler.
    // Each answer says its request id (X-Request-Id); a proxy's id is kept, so one id follows a request through both logs.
    genReqId: requestIdFor,
    frameworkErrors: (_error, _request, reply) => sendError(reply, 'INVALID_REQUEST', 'The URL is malformed.'),
  });

  try {
    // Sessions left by a process that stopped without closing them hold no slot once their lease has run
    // out; this only records them as ended. (Other processes may share the database: their live sessions,
    // with fresh leases, are left alone.)
    await store.expireLeases(Date.now());
    const adminKey = await resolveAdminKey(store, options.adminKey);
    const demoSeeded = demo ? await seedDemo(store) : false;
    const { context, close } = buildContext(app, store, options, { adminKeyHash: adminKey.hash, demo, publicUrl });
    app.addHook('onListen', async () => publicUrl.bindListenAddress(app.server.address()));

    app.decorate('dhkit', { context, adminKey, demo, demoSeeded });
    app.removeContentTypeParser('text/plain');
    installErrorHandlers(app, { onStoreUnavailable: () => context.metrics.recordStoreError() });
    app.addHook('onSend', (_request, reply, payload, done) => {
      reply.header('X-Content-Type-Options', 'nosniff');
      done(null, payload);
    });
    app.addHook('preClose', async () => context.registry.closeAll('SERVER_SHUTDOWN'));
    app.addHook('onClose', async () => {
      await close();
      await store.close();
    });
    const { onRoute } = options;
    if (onRoute) {
      app.addHook('onRoute', (route) => {
        for (const method of [route.method].flat()) onRoute({ method, url: route.url });
      });
    }
    await registerRoutes(app, context);
    await app.ready();
  } catch (error) {
    await store.close();
    throw error;
  }
  return app;
}

async function openStore(options: AppOptions): Promise<{ store: Store }> {
  if (options.databaseUrl) return { store: await PostgresStore.connect(options.databaseUrl, { maxConnections: options.databasePool }) };
  return { store: SqliteStore.open(options.dataDir) };
}

/** The default speech engine: espeak-ng where it was found (or the engine the options inject). */
function defaultSpeech(options: AppOptions): {
  espeak: TextToSpeech;
  espeakLocation: ReturnType<typeof findEspeak>;
  probeVoice: VoiceProbe;
} {
  const espeakEnv = options.espeakPath ? { ...process.env, DHKIT_ESPEAK_PATH: options.espeakPath } : process.env;
  const espeakLocation = findEspeak(espeakEnv);
  // Not found: the engine still runs what it was told to (never another binary) and fails each clause with
  // SPEECH_SYNTHESIS_FAILED; the start-up line and /healthz say why.
  const espeakBinary = espeakLocation.binary ?? (espeakEnv.DHKIT_ESPEAK_PATH?.trim() || 'espeak-ng');
  const espeakTts = new EspeakTts({ binary: espeakBinary });
  return { espeak: options.tts ?? espeakTts, espeakLocation, probeVoice: (voice) => espeakTts.probe(voice) };
}

/** The session timeouts: the defaults, with what the options change. */
function sessionTimeoutsOf(options: AppOptions): SessionTimeouts {
  return { ...DEFAULT_SESSION_TIMEOUTS, ...(options.leaseTtlMs ? { leaseTtlMs: options.leaseTtlMs } : {}), ...options.sessionTimeouts };
}

/** The process's knowledge brain: one index cache for every robot, its vectors kept in the store. */
function knowledgeBrain(app: FastifyInstance, store: Store): KnowledgeBrain<KnowledgeEntry> {
  return new KnowledgeBrain({
    loadEntries: (robotId) => store.listKnowledge(robotId),
    vectors: { load: (robotId, model) => store.knowledgeVectors(robotId, model), save: (...args) => store.saveKnowledgeVectors(...args) },
    // The message names the endpoint without credentials; the lexical ranking answers meanwhile.
    onEmbeddingsError: (robotId, error) => app.log.warn({ robotId, reason: error.message }, 'knowledge embeddings unavailable'),
  });
}

/** A knowledge LLM that failed or was too slow: the plain knowledge answer was spoken instead. */
function logKnowledgeFallback(app: FastifyInstance, fallback: GroundingFallback): void {
  app.log.warn(
    fallback.reason === 'timeout'
      ? { timeoutMs: fallback.timeoutMs }
      : { error: fallback.error instanceof Error ? fallback.error.message : String(fallback.error) },
    `knowledge LLM ${fallback.reason === 'timeout' ? 'sent no first token in time' : 'failed'}: spoke the plain knowledge answer`,
  );
}

/** Every adapter and service of the process: speech, brains, recognizers, sessions, admission. */
function buildContext(
  app: FastifyInstance,
  store: Store,
  options: AppOptions,
  settings: { adminKeyHash: string; demo: boolean; publicUrl: PublicUrl },
): { context: AppContext; close(): Promise<void> } {
  const { espeak, espeakLocation, probeVoice } = defaultSpeech(options);
  const ttsFactory = new TtsFactory(espeak);
  const knowledge = knowledgeBrain(app, store);
  const brains = new BrainFactory(knowledge, (fallback) => logKnowledgeFallback(app, fallback));
  const analyticsDays = options.analyticsDays ?? DEFAULT_ANALYTICS_DAYS;
  const maintenance = startStoreMaintenance({
    store,
    onKnowledgeChanged: (robotId) => knowledge.invalidate(robotId),
    analyticsDays,
    log: app.log,
  });
  const timeouts = sessionTimeoutsOf(options);
  const registry = new SessionRegistry(timeouts, store, app.log);
  const analyticsDrops = new AnalyticsDrops(app.log);
  const metrics = new ServerMetrics(
    () => registry.all().map((session) => ({ robotId: session.robot.id })),
    () => store.liveLeasesByRobot(Date.now()),
    { processMetrics: options.processMetrics },
  );
  const sessionServices: SessionServices = {
    store,
    log: app.log,
    timeouts,
    ...registry.sessionHooks(),
    brainFor: (robot) => brains.forRobot(robot),
    ttsFor: (robot, sessionId) => ttsFactory.forRobot(robot, sessionId),
    asrFor: (robot) => createSpeechRecognizer(robot.asr),
    onQuestion: (record) => {
      metrics.recordTurn(record);
      if (analyticsDays > 0) store.recordQuestion(record).catch((error) => analyticsDrops.note('storeError', error));
    },
    onQuestionDropped: () => analyticsDrops.note('sessionCap'),
    onFirstAudio: (sessionId, ms) => {
      metrics.recordFirstAudio(ms);
      app.log.debug({ sessionId, ms: Math.round(ms * 10) / 10 }, 'first audio frame');
    },
    onChannelMessage: (direction) => metrics.recordChannelMessage(direction),
    onSpeechFailure: () => metrics.recordTtsFailure(),
  };
  const admission = new Admission({
    store,
    registry,
    timeouts,
    maxSessions: options.maxSessions ?? 10_000,
    onceCodeLockout: onceCodeLockoutFor(store, { ...DEFAULT_LOCKOUT, ...options.onceCodeLockout }),
    sessionServices,
  });
  if (settings.demo && espeak instanceof EspeakTts) espeak.warmUp(['cmn', 'en-us']);
  const context: AppContext = {
    store,
    brain: knowledge,
    registry,
    admission,
    adminKeyHash: settings.adminKeyHash,
    adminLockout: adminLockoutFor(store, ADMIN_AUTH_LOCKOUT),
    demo: settings.demo,
    onceCodeRate: issuanceLimitFor(store, { ...DEFAULT_ONCE_CODE_RATE, ...options.onceCodeRate }),
    sdkDir: options.sdkDir === undefined ? findSdkDir() : options.sdkDir,
    assetsDir: ASSETS_DIR,
    ttsFor: (robot) => ttsFactory.forRobot(robot),
    consoleDir: options.consoleDir === undefined ? findConsoleDir() : options.consoleDir,
    metrics,
    metricsTokenHash: metricsTokenOf(options) ? sha256Hex(metricsTokenOf(options) as string) : null,
    publicUrl: settings.publicUrl,
    analyticsDrops,
    speech: options.tts ? null : new SpeechHealth(espeakLocation, () => store.listRobots(), probeVoice),
  };
  const close = async () => {
    maintenance.stop();
    await espeak.close();
    await ttsFactory.close();
  };
  return { context, close };
}

async function registerRoutes(app: FastifyInstance, context: AppContext): Promise<void> {
  // reply.sendFile for the demo and avatar files; /sdk/ has its own (http/sdk-files.ts: precompressed, strong ETags).
  await app.register(fastifyStatic, { root: ASSETS_DIR, serve: false });
  await app.register(fastifyWebsocket, { options: { maxPayload: 4 * LIMITS.channelMaxFrameBytes } });
  // Before the routes: swagger collects them as they are added; the hooks apply to every route.
  await registerOpenApi(app);
  installObservabilityHooks(app, context.metrics);
  app.addHook('onSend', rememberCreatedRobot);
  app.addHook('onResponse', auditRecorder(context));
  await app.register(healthRoutes(context));
  await app.register(robotRoutes(context));
  await app.register(knowledgeRoutes(context));
  await app.register(analyticsRoutes(context));
  await app.register(sessionRoutes(context));
  await app.register(channelRoutes(context));
  await app.register(staticRoutes(context));
  await app.register(avatarRoutes(context));
  await app.register(consoleRoutes(context));
  await app.register(voiceSampleRoutes(context));
  await app.register(metricsRoutes(context));
  openApiRoute(app);
}

/** The metrics token, from the options or DHKIT_METRICS_TOKEN; blank means none. */
function metricsTokenOf(options: AppOptions): string | null {
  const token = (options.metricsToken ?? process.env.DHKIT_METRICS_TOKEN ?? '').trim();
  return token === '' ? null : token;
}
