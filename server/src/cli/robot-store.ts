/** The store the CLI's commands work on, opened for one robot and closed after: `dhkit once-code` and `dhkit kb …`. */
import fs from 'node:fs';
import path from 'node:path';
import type { Robot } from '@dhkit/protocol';
import { PostgresStore } from '../store/postgres-store.js';
import { SQLITE_FILE_NAME, SqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';

/** The store the server uses (DHKIT_DATABASE_URL, else the data dir's SQLite file); null (after saying why) when there is none yet. */
async function openStore(dataFlag: string | undefined, env: NodeJS.ProcessEnv): Promise<{ store: Store; where: string } | null> {
  const dataDir = path.resolve(dataFlag ?? env.DHKIT_DATA_DIR ?? './.dhkit');
  const databaseUrl = env.DHKIT_DATABASE_URL || undefined;
  if (!databaseUrl && !fs.existsSync(path.join(dataDir, SQLITE_FILE_NAME))) {
    console.error(`dhkit: no data in ${dataDir}; start "dhkit serve" first or pass --data.`);
    return null;
  }
  const store: Store = databaseUrl ? await PostgresStore.connect(databaseUrl, { maxConnections: 1 }) : SqliteStore.open(dataDir);
  return { store, where: databaseUrl ? 'the database' : dataDir };
}

/**
 * Runs `work` on the server's store with the robot `robotId` in it, and closes the store however `work` ends. Exit
 * status 1 (after saying why) when there is no store yet or no such robot; else `work`'s.
 */
export async function withRobotInStore(
  dataFlag: string | undefined,
  env: NodeJS.ProcessEnv,
  robotId: string,
  work: (store: Store, robot: Robot) => Promise<number>,
): Promise<number> {
  const opened = await openStore(dataFlag, env);
  if (!opened) return 1;
  const { store, where } = opened;
  try {
    const robot = await store.getRobot(robotId);
    if (!robot) {
      console.error(`dhkit: no robot "${robotId}" in ${where}.`);
      return 1;
    }
    return await work(store, robot);
  } finally {
    await store.close();
  }
}
