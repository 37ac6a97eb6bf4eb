/** @dhkit/server: start the companion server from code, or build the app for tests. */
import type { AddressInfo } from 'node:net';
import { createApp, type AppOptions } from './app.js';

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
  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: () => (closing ??= app.close()),
    ...(adminKey.generated ? { generatedAdminKey: adminKey.generated } : {}),
  };
}
