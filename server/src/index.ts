/** @dhkit/server: start the companion server from code, or build the app for tests. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type AppOptions } from './app.js';
import { wantsLiveKit } from './media/media-admission.js';

export { createApp, type AppOptions } from './app.js';
export { SqliteStore } from './store/sqlite-store.js';
export { PostgresStore } from './store/postgres-store.js';
export type { Store } from './store/store.js';

export interface StartServerOptions extends AppOptions {
  /** 0 picks a free port. Default 8080. */
  port?: number;
  /** Default 0.0.0.0. */
  host?: string;
}

export interface RunningServer {
  url: string;
  /** The Node HTTP server (a cluster worker hands it the connections the primary accepted). */
  httpServer: Server;
  port: number;
  close(): Promise<void>;
  /** Present only when this start generated the admin key (a new data dir without DHKIT_ADMIN_KEY). */
  generatedAdminKey?: string;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const app = await createApp(options);
  const host = options.host ?? '0.0.0.0';
  try {
    await app.listen({ port: options.port ?? 8080, host });
  } catch (error) {
    await app.close();
    throw error;
  }
  const port = (app.server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const { adminKey } = app.dhkit;
  if (adminKey.generated) {
    console.log(
      [
        '',
        '  dhkit: a new admin key was generated. It is shown only this once; store it safely:',
        '',
        `    ${adminKey.generated}`,
        '',
        '  Use it as "Authorization: Bearer <key>" on the admin API. Only its hash is kept.',
        '',
      ].join('\n'),
    );
  } else if (adminKey.source === 'stored') {
    console.log('dhkit: using the admin key created earlier (stored hashed). To replace it, start with DHKIT_ADMIN_KEY=<new key>.');
  }
  if (app.dhkit.demo) warnAboutDemo(host, `http://${urlHost}:${port}`);
  // Only renderers use the public URL: a server whose robots all draw their avatar in the browser needs none.
  const streams = (await app.dhkit.context.store.listRobots()).some(wantsLiveKit);
  if (streams && !app.dhkit.context.publicUrl.isConfigured && !isLoopback(host)) {
    app.log.warn(
      `DHKIT_PUBLIC_URL is not set: the URLs this server hands to avatar renderers name ${app.dhkit.context.publicUrl.origin}, ` +
        'which only a renderer on this machine reaches. Set it to the origin renderers and visitors use.',
    );
  }
  await reportSpeech(app);
  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}`,
    httpServer: app.server,
    port,
    close: () => (closing ??= app.close()),
    ...(adminKey.generated ? { generatedAdminKey: adminKey.generated } : {}),
  };
}

/** Hosts that only this machine can reach. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * Demo mode is on unless turned off: say so at every start, and loudly when the server listens beyond this
 * machine, where anyone who reaches it can mint once-codes for robot `demo` at /demo/once-code.
 */
function warnAboutDemo(host: string, url: string): void {
  if (isLoopback(host)) {
    console.log(`dhkit: demo on ${url}/ (robot "demo"). Turn it off with DHKIT_DEMO=0 or --no-demo.`);
    return;
  }
  const warning =
    `demo mode is on and the server listens on ${host}, beyond this machine: anyone who can reach it can talk to robot ` +
    '"demo" and mint its once-codes at /demo/once-code. In production start with DHKIT_DEMO=0 or --no-demo.';
  // Once, for the person at the terminal (the JSON log would print it a second time in other words).
  console.warn(`dhkit: WARNING: ${warning}`);
}

/** A start-up line for a speech engine that is missing or lacks a robot's voice: never a silent avatar. */
async function reportSpeech(app: Awaited<ReturnType<typeof createApp>>): Promise<void> {
  const speech = await app.dhkit.context.speech?.check();
  if (!speech) return;
  if (speech.status === 'ok') {
    if (speech.binary) console.log(`dhkit: speech by espeak-ng (${speech.binary}).`);
    return;
  }
  for (const problem of speech.problems) {
    app.log.warn(problem);
    console.warn(`dhkit: WARNING: ${problem} (GET /healthz reports "degraded".)`);
  }
}
