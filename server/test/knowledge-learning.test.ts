// Learning from visitors over a real server, channel and store (SQLite and PostgreSQL): a question the robot
// cannot answer shows in the grouped unanswered list, an admin attaches it to an entry (or makes an entry of
// it), it leaves the list, and the same question asked again is answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';
import { Visitor } from './visitor.js';

const ENTRIES = [
  { question: 'When does the museum open?', similarQuestions: ['opening hours'], answer: 'We open at nine.', language: 'en_US' },
  { question: 'Where is the cafe?', answer: 'The cafe is on the second floor.', language: 'en_US' },
  { question: '展厅在哪里', answer: '在三号馆。', language: 'zh_CN' },
];
const HOURS_PARAPHRASE = 'what time can I come in tomorrow morning';
const PARKING = 'is there somewhere to leave my bicycle';

async function request(server: RunningServer, method: string, url: string, body?: unknown) {
  const response = await fetch(server.url + url, {
    method,
    headers: { ...ADMIN, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // Untyped on purpose: the assertions check the shape the route sent.
  return { status: response.status, json: (await response.json()) as any };
}

/** Asks over the channel; the answer's text and whether the turn ended normally. */
async function ask(visitor: Visitor, text: string): Promise<string> {
  const chatId = `learn-${Math.random().toString(36).slice(2, 10)}`;
  visitor.send({ type: 'question', chatId, text });
  await visitor.until((m) => m.type === 'turnEnd' && m.chatId === chatId);
  return visitor.messages.flatMap((m) => (m.type === 'semantic' && m.chatId === chatId ? [m.text] : [])).join('');
}

/** The grouped unanswered questions, once the analytics log has caught up with `expected` of them. */
async function unansweredOnce(server: RunningServer, robot: string, expected: (questions: any[]) => boolean) {
  const deadline = Date.now() + 5000;
  for (;;) {
    const { json } = await request(server, 'GET', `/v1/robots/${robot}/analytics/questions`);
    if (expected(json.questions) || Date.now() > deadline) return json.questions as any[];
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function learningSuite(name: string, start: () => Promise<RunningServer>) {
  describe(`learning from visitors (${name})`, () => {
    let server: RunningServer;
    beforeAll(async () => {
      server = await start();
      const robot = { id: 'learner', name: 'learner', languages: ['en_US', 'zh_CN'], concurrency: 3 };
      expect((await request(server, 'POST', '/v1/robots', robot)).status).toBe(201);
      expect((await request(server, 'POST', '/v1/robots/learner/knowledge', { entries: ENTRIES })).status).toBe(201);
    });
    afterAll(() => server?.close());

    it('ask → unanswered → learn → ask again → answered, and the question leaves the unanswered list', async () => {
      const visitor = await Visitor.admit(server.url, 'learner');
      try {
        const before = await ask(visitor, HOURS_PARAPHRASE);
        expect(before).not.toContain('We open at nine.');
        await ask(visitor, `${HOURS_PARAPHRASE.toUpperCase()}?`);
        await ask(visitor, PARKING);
        const unanswered = await unansweredOnce(server, 'learner', (qs) => qs.length === 2 && qs[0].count === 2);
        expect(unanswered).toMatchObject([
          { question: expect.stringMatching(/what time can i come in/i), count: 2, lastAskedAt: expect.any(String) },
          { question: PARKING, count: 1, lastAskedAt: expect.any(String) },
        ]);

        const hours = (await request(server, 'GET', '/v1/robots/learner/knowledge')).json.entries[0];
        const learned = await request(server, 'POST', '/v1/robots/learner/knowledge/learn', {
          question: unanswered[0].question,
          entryId: hours.id,
        });
        expect(learned.status).toBe(200);
        expect(learned.json).toMatchObject({ id: hours.id, question: hours.question, answer: 'We open at nine.' });
        expect(learned.json.similarQuestions).toEqual(['opening hours', unanswered[0].question]);
        // Learning the same question again does not add it twice.
        const again = await request(server, 'POST', '/v1/robots/learner/knowledge/learn', {
          question: `  ${HOURS_PARAPHRASE}  `,
          entryId: hours.id,
        });
        expect(again.json.similarQuestions).toHaveLength(2);

        const created = await request(server, 'POST', '/v1/robots/learner/knowledge/learn', {
          question: PARKING,
          answer: 'Bicycles can be parked at the north gate.',
          language: 'en_US',
        });
        expect(created.status).toBe(201);
        expect(created.json).toMatchObject({ question: PARKING, answer: 'Bicycles can be parked at the north gate.', language: 'en_US' });

        expect(await unansweredOnce(server, 'learner', (qs) => qs.length === 0)).toEqual([]);
        const analytics = (await request(server, 'GET', '/v1/robots/learner/analytics')).json;
        expect(analytics.unanswered).toEqual([]);
        // The log stays truthful: those asks were not answered when they were asked.
        expect(analytics.totals).toMatchObject({ questions: 3, answered: 0 });

        expect(await ask(visitor, HOURS_PARAPHRASE)).toContain('We open at nine.');
        expect(await ask(visitor, PARKING)).toContain('north gate');
      } finally {
        visitor.close();
      }
    });

    it('the grouped list names the suggested entry, and filters suggested and declined questions', async () => {
      // An answer threshold no match reaches: every match is a "did you mean".
      const unsure = { id: 'unsure', name: 'unsure', languages: ['en_US'], concurrency: 3, brain: { type: 'knowledge', threshold: 1 } };
      expect((await request(server, 'POST', '/v1/robots', unsure)).status).toBe(201);
      expect((await request(server, 'POST', '/v1/robots/unsure/knowledge', { entries: ENTRIES })).status).toBe(201);
      const searched = (await request(server, 'POST', '/v1/robots/unsure/knowledge/search', { question: 'museum hours' })).json;
      expect(searched.decision).toBe('suggest');
      const visitor = await Visitor.admit(server.url, 'unsure');
      try {
        await ask(visitor, 'museum hours');
        await ask(visitor, 'what is the capital of Peru');
        await unansweredOnce(server, 'unsure', (qs) => qs.length === 2);
        const status = async (s: string) =>
          (await request(server, 'GET', `/v1/robots/unsure/analytics/questions?status=${s}`)).json.questions.map((q: any) => [
            q.question,
            q.suggestedEntryId,
          ]);
        expect(await status('suggested')).toEqual([['museum hours', searched.matches[0].entryId]]);
        expect(await status('declined')).toEqual([['what is the capital of Peru', null]]);
        expect(await status('unanswered')).toHaveLength(2);
      } finally {
        visitor.close();
      }
    });

    it('concurrent learns on one entry all land (each once), and the rebuilt index answers every one', async () => {
      const robot = { id: 'crowd', name: 'crowd', languages: ['en_US', 'zh_CN'], concurrency: 3 };
      expect((await request(server, 'POST', '/v1/robots', robot)).status).toBe(201);
      expect((await request(server, 'POST', '/v1/robots/crowd/knowledge', { entries: ENTRIES })).status).toBe(201);
      const entries = (await request(server, 'GET', '/v1/robots/crowd/knowledge')).json.entries;
      const cafe = entries.find((entry: any) => entry.question === 'Where is the cafe?');
      const learn = (question: string, entryId = cafe.id) =>
        request(server, 'POST', '/v1/robots/crowd/knowledge/learn', { question, entryId });
      // Warm the index so that the learns race a cached index too.
      expect((await request(server, 'POST', '/v1/robots/crowd/knowledge/search', { question: 'cafe' })).json.decision).toBe('answer');
      const questions = ['espresso bar', 'flat white', 'cappuccino corner', 'latte spot', 'croissant counter', 'muffin stand'];
      // Each question twice, all at once: two admins teaching the same thing at the same moment.
      const results = await Promise.all([...questions, ...questions].map((question) => learn(question)));
      expect(results.map((result) => result.status)).toEqual(Array(questions.length * 2).fill(200));
      const stored = (await request(server, 'GET', `/v1/robots/crowd/knowledge/${cafe.id}`)).json;
      expect([...stored.similarQuestions].sort()).toEqual([...questions].sort());
      for (const question of questions) {
        const searched = (await request(server, 'POST', '/v1/robots/crowd/knowledge/search', { question })).json;
        expect(searched, question).toMatchObject({ decision: 'answer', entryId: cafe.id });
      }

      // At the limit of 50: of two concurrent learns only one fits; the other is refused and nothing is lost.
      const hours = entries.find((entry: any) => entry.question === 'When does the museum open?');
      const filler = Array.from({ length: 48 }, (_, i) => `opening time question number ${i}`);
      const put = await request(server, 'PUT', `/v1/robots/crowd/knowledge/${hours.id}`, {
        question: hours.question,
        similarQuestions: ['opening hours', ...filler],
        answer: hours.answer,
        language: 'en_US',
      });
      expect(put.status).toBe(200);
      const last = await Promise.all([learn('doors open when', hours.id), learn('first entry of the day', hours.id)]);
      expect(last.map((result) => result.status).sort()).toEqual([200, 400]);
      expect(last.find((result) => result.status === 400)!.json.error.code).toBe('INVALID_REQUEST');
      const full = (await request(server, 'GET', `/v1/robots/crowd/knowledge/${hours.id}`)).json;
      expect(full.similarQuestions).toHaveLength(50);
      expect(full.similarQuestions.slice(0, 49)).toEqual(['opening hours', ...filler]);

      // The same new question made into an entry by two admins at once: one entry, not two that tie forever.
      const create = (answer: string) =>
        request(server, 'POST', '/v1/robots/crowd/knowledge/learn', { question: 'Can I rent a wheelchair?', answer, language: 'en_US' });
      const created = await Promise.all([create('Yes, at the desk.'), create('Yes, free of charge.')]);
      expect(created.map((result) => result.status).sort()).toEqual([201, 400]);
      const refused = created.find((result) => result.status === 400)!.json.error;
      const made = created.find((result) => result.status === 201)!.json;
      expect(refused).toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining(`Entry ${made.id} already knows`) });
      const wheelchair = (await request(server, 'GET', '/v1/robots/crowd/knowledge')).json.entries.filter((entry: any) =>
        /wheelchair/i.test(entry.question),
      );
      expect(wheelchair).toEqual([made]);
      const asked = (await request(server, 'POST', '/v1/robots/crowd/knowledge/search', { question: 'can i rent a wheelchair' })).json;
      expect(asked).toMatchObject({ decision: 'answer', entryId: made.id });
      // A question an entry already knows as a similar question is refused too.
      const known = await request(server, 'POST', '/v1/robots/crowd/knowledge/learn', { question: 'Latte spot!', answer: 'x' });
      expect(known.json.error).toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringContaining(`Entry ${cafe.id} already knows`),
      });
    });

    it('refuses bad input with catalog codes', async () => {
      const learn = (body: unknown, robot = 'learner') => request(server, 'POST', `/v1/robots/${robot}/knowledge/learn`, body);
      for (const body of [
        {},
        { question: '' },
        { question: 'hi' },
        { question: 'hi', entryId: 1, answer: 'both' },
        { question: 'hi', entryId: 0 },
        { question: 'hi', entryId: '1' },
        { question: 'hi', answer: '   ' },
        { question: 'hi', answer: 'x', language: 'xx' },
        { question: 'hi', answer: 'x', extra: 1 },
      ]) {
        const response = await learn(body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.json.error.code).toBe('INVALID_REQUEST');
      }
      expect((await learn({ question: 'hi', entryId: 999_999 })).json.error.code).toBe('NOT_FOUND');
      expect((await learn({ question: 'hi', entryId: 1 }, 'nobody')).json.error.code).toBe('ROBOT_NOT_FOUND');
      expect((await request(server, 'GET', '/v1/robots/learner/analytics/questions?status=all')).json.error.code).toBe('INVALID_REQUEST');
      const anonymous = await fetch(`${server.url}/v1/robots/learner/knowledge/learn`, { method: 'POST', body: '{}' });
      expect(anonymous.status).toBe(401);
    });
  });
}

learningSuite('SQLite', () => startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, logLevel: 'silent' }));

let cluster: PostgresCluster | undefined;
afterAll(() => cluster?.stop());
describe.skipIf(!postgresAvailable())('PostgreSQL', () => {
  learningSuite('PostgreSQL', async () => {
    cluster = await startPostgresCluster();
    const databaseUrl = await cluster.createDatabase();
    return startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, databaseUrl, logLevel: 'silent' });
  });
});
