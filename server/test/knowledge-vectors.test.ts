// Stored embedding vectors on both stores (migration 7): saved and read back per robot and model, replaced
// as a whole, gone with the robot; and the knowledge brain asking the endpoint only for texts it has no
// stored vector of — none after a restart, only the changed question after an edit.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Robot } from '@dhkit/protocol';
import { KnowledgeBrain } from '../src/adapters/brain/knowledge-brain.js';
import { buildRobot } from '../src/robots/robot.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { LocalServer, openAiEmbeddings } from './brain-servers.js';
import { tempDir } from './helpers.js';
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

let cluster: PostgresCluster;
let upstream: LocalServer;
beforeAll(async () => {
  [cluster, upstream] = await Promise.all([startPostgresCluster(), LocalServer.start()]);
});
afterAll(async () => {
  await upstream?.close();
  await cluster?.stop();
});
beforeEach(() => {
  upstream.requests.length = 0;
  // A toy model: the letters a..e counted, plus one so no vector is zero.
  upstream.handler = openAiEmbeddings((text) => [1, ...[...'abcde'].map((letter) => text.split(letter).length - 1)]);
});

const backends: { name: string; open(): Promise<{ store: Store; reopen(): Promise<Store> }> }[] = [
  {
    name: 'SQLite',
    async open() {
      const dir = tempDir();
      return { store: SqliteStore.open(dir), reopen: async () => SqliteStore.open(dir) };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const url = await cluster.createDatabase();
      return { store: await PostgresStore.connect(url), reopen: () => PostgresStore.connect(url) };
    },
  },
];

const robotWithEmbeddings = (): Robot =>
  buildRobot({
    id: 'r1',
    name: 'One',
    languages: ['en_US'],
    brain: { type: 'knowledge', embeddings: { baseUrl: `${upstream.url}/v1`, model: 'toy', timeoutMs: 3000 } },
  });

const brainOn = (store: Store) =>
  new KnowledgeBrain({
    loadEntries: (id) => store.listKnowledge(id),
    vectors: { load: (id, model) => store.knowledgeVectors(id, model), save: (...args) => store.saveKnowledgeVectors(...args) },
    onEmbeddingsError: (_id, error) => {
      throw error;
    },
  });
const embeddedTexts = () => upstream.requests.flatMap((request) => request.json.input as string[]);

describe.each(backends)('knowledge vectors: $name', (backend) => {
  it('are saved and read back per robot and model, replaced as a whole, and deleted with the robot', async () => {
    const { store, reopen } = await backend.open();
    await store.createRobot(buildRobot({ id: 'r1', name: 'One' }));
    const first = new Map([
      ['h1', Float32Array.from([0.5, -0.25, 1e-7])],
      ['h2', Float32Array.from([1, 0, 0])],
    ]);
    await store.saveKnowledgeVectors('r1', 'model-a', first);
    await store.saveKnowledgeVectors('r1', 'model-b', new Map([['h1', Float32Array.from([9])]]));
    expect(await store.knowledgeVectors('r1', 'model-a')).toEqual(first);
    await store.saveKnowledgeVectors('r1', 'model-a', new Map([['h2', Float32Array.from([0, 1, 0])]]));
    expect([...(await store.knowledgeVectors('r1', 'model-a')).keys()]).toEqual(['h2']);
    expect(await store.knowledgeVectors('r1', 'model-b')).toEqual(new Map([['h1', Float32Array.from([9])]]));
    await store.close();
    const reopened = await reopen();
    expect(await reopened.knowledgeVectors('r1', 'model-a')).toEqual(new Map([['h2', Float32Array.from([0, 1, 0])]]));
    await reopened.deleteRobot('r1');
    expect((await reopened.knowledgeVectors('r1', 'model-a')).size).toBe(0);
    await reopened.close();
  });

  it('spare the endpoint: nothing is embedded again after a restart, and an edit embeds only what changed', async () => {
    const { store, reopen } = await backend.open();
    const robot = robotWithEmbeddings();
    await store.createRobot(robot);
    await store.addKnowledge('r1', [
      { question: 'abc', similarQuestions: ['aab'], answer: 'x', language: 'en_US' },
      { question: 'dde', similarQuestions: [], answer: 'y', language: 'en_US' },
    ]);
    expect(await brainOn(store).prepareEmbeddings(robot)).toBe('ready');
    expect(embeddedTexts().sort()).toEqual(['aab', 'abc', 'dde']);
    await store.close();

    const reopened = await reopen();
    upstream.requests.length = 0;
    const restarted = brainOn(reopened);
    expect(await restarted.prepareEmbeddings(robot)).toBe('ready');
    expect(embeddedTexts()).toEqual([]);
    const ranked = await restarted.lookup(robot, 'ddee');
    expect(ranked.matches[0].entry.question).toBe('dde');
    expect(ranked.matches[0].similarity).toBeGreaterThan(0.9);

    const [entry] = await reopened.listKnowledge('r1');
    await reopened.updateKnowledgeEntry('r1', entry.id, { ...entry, similarQuestions: ['bbc'] });
    upstream.requests.length = 0;
    restarted.changed(robot);
    expect(await restarted.prepareEmbeddings(robot)).toBe('ready');
    expect(embeddedTexts()).toEqual(['bbc']);
    await reopened.close();
  });
});
