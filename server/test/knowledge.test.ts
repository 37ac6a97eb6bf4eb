// Knowledge import/export (JSON and CSV) and single entries over real HTTP and a real channel; the CLI's kb
// import/export spawned from the build (npx tsc -b server) on SQLite and PostgreSQL. Hot questions are in
// hot-questions.test.ts, the analytics of asked questions in question-analytics-api.test.ts.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.js';
import { ADMIN_KEY, tempDir } from './helpers.js';
import { call, Client, expectInvalid, newRobot, postCsv, postJson, serverDataDir, useKnowledgeServer } from './knowledge-harness.js';
import { startPostgresCluster } from './postgres-cluster.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'server/bin/dhkit.js');

useKnowledgeServer();

const TRICKY_CSV = [
  '\uFEFFquestion,similarQuestions,answer,language,tags',
  // Quotes, commas and a multi-line answer with media tags.
  '"Where is the showroom, exactly?","where is it|showroom location","Hall 3, second floor.',
  '<img src=""https://cdn.example/map.png"" alt=""map"">',
  '<video src=""https://cdn.example/tour.mp4""></video>",en_US,location|visit',
  // Language left empty: detected from the question.
  '展厅几点开门,营业时间|几点开门,早上九点。,,hours',
  // CRLF line ending and an empty tags cell.
  'price,,"It is ""free"".",en_US,\r',
].join('\n');

describe('knowledge import and export', () => {
  it('imports CSV with quoting, multi-line answers, a BOM and CRLF; exports CSV that imports back identically', async () => {
    await newRobot('csv1');
    const imported = await postCsv('/v1/robots/csv1/knowledge', TRICKY_CSV);
    expect(imported.status).toBe(201);
    expect(imported.json()).toEqual({ imported: 3, mode: 'append' });
    const { entries } = (await call('GET', '/v1/robots/csv1/knowledge')).json();
    expect(entries.map(({ id: _id, createdAt: _c, ...rest }: any) => rest)).toEqual([
      {
        robotId: 'csv1',
        question: 'Where is the showroom, exactly?',
        similarQuestions: ['where is it', 'showroom location'],
        answer:
          'Hall 3, second floor.\n<img src="https://cdn.example/map.png" alt="map">\n<video src="https://cdn.example/tour.mp4"></video>',
        language: 'en_US',
        tags: ['location', 'visit'],
      },
      {
        robotId: 'csv1',
        question: '展厅几点开门',
        similarQuestions: ['营业时间', '几点开门'],
        answer: '早上九点。',
        language: 'zh_CN',
        tags: ['hours'],
      },
      { robotId: 'csv1', question: 'price', similarQuestions: [], answer: 'It is "free".', language: 'en_US', tags: [] },
    ]);

    const byAccept = await call('GET', '/v1/robots/csv1/knowledge', { headers: { accept: 'text/csv' } });
    expect(byAccept.status).toBe(200);
    expect(byAccept.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(byAccept.headers.get('content-disposition')).toContain('csv1-knowledge.csv');
    const byQuery = await call('GET', '/v1/robots/csv1/knowledge?format=csv');
    expect(byQuery.text).toBe(byAccept.text);
    expect(byQuery.text.split('\n')[0]).toBe('\uFEFFquestion,similarQuestions,answer,language,tags');

    // Round trip: the export, imported into another robot, exports the same text.
    await newRobot('csv2');
    expect((await postCsv('/v1/robots/csv2/knowledge', byQuery.text)).json()).toEqual({ imported: 3, mode: 'append' });
    expect((await call('GET', '/v1/robots/csv2/knowledge?format=csv')).text).toBe(byQuery.text);
    // JSON export imports too (ids and timestamps are ignored).
    await newRobot('json1');
    expect((await postJson('/v1/robots/json1/knowledge', { entries })).status).toBe(201);
    expect((await call('GET', '/v1/robots/json1/knowledge?format=csv')).text).toBe(byQuery.text);
  });

  it('answers questions from an import at once, and replace drops the old entries', async () => {
    await newRobot('brainy');
    await postJson('/v1/robots/brainy/knowledge', { entries: [{ question: 'opening hours', answer: 'We open at nine.' }] });
    const client = await Client.open('brainy');
    client.send({ type: 'question', chatId: 'question-1', text: 'opening hours' });
    expect(await client.answer('question-1')).toBe('We open at nine.');
    const replaced = await postCsv('/v1/robots/brainy/knowledge?mode=replace', 'question,answer\nparking,Parking is under the hall.\n');
    expect(replaced.json()).toEqual({ imported: 1, mode: 'replace' });
    client.send({ type: 'question', chatId: 'question-2', text: 'where is parking' });
    expect(await client.answer('question-2')).toBe('Parking is under the hall.');
    client.send({ type: 'question', chatId: 'question-3', text: 'opening hours' });
    expect(await client.answer('question-3')).not.toBe('We open at nine.');
    expect((await call('GET', '/v1/robots/brainy/knowledge')).json().entries).toHaveLength(1);
    expect(
      (await postJson('/v1/robots/brainy/knowledge', { mode: 'replace', entries: [{ question: 'a', answer: 'b', tags: ['x'] }] })).json(),
    ).toEqual({
      imported: 1,
      mode: 'replace',
    });
    expect((await call('GET', '/v1/robots/brainy/knowledge')).json().entries).toMatchObject([
      { question: 'a', tags: ['x'], language: 'en_US' },
    ]);
    client.close();
  });

  it.each([
    ['an empty question', 'question,answer\nok,fine\n  ,no question\n', /Row 3 \(line 3\): question/],
    ['an empty answer', 'question,answer\nok,fine\nq,\n', /Row 3 .*answer/],
    ['an unknown language', 'question,answer,language\nq,a,fr_FR\n', /Row 2 .*language/],
    ['an over-long question', `question,answer\n${'q'.repeat(501)},a\n`, /Row 2 .*question.*500/],
    ['too many tags', `question,answer,tags\nq,a,${Array.from({ length: 21 }, (_, i) => `t${i}`).join('|')}\n`, /Row 2 .*tags/],
    ['a row after a multi-line one', 'question,answer\nq1,"line 1\nline 2\nline 3"\n,missing\n', /Row 3 \(line 5\): question/],
    ['an unclosed quote', 'question,answer\nq,"never closed\n', /malformed/],
    ['a wrong column count', 'question,answer\nq,a,extra\n', /malformed/],
    ['an unknown column', 'question,answer,color\nq,a,red\n', /unknown column "color"/],
    ['no answer column', 'question,tags\nq,t\n', /"answer" is missing/],
    ['only a header', 'question,answer\n', /no entries/],
    ['an empty body', '', /empty|Invalid|body/i],
  ])('refuses CSV with %s, naming the row and field, and imports nothing', async (_label, csv, message) => {
    const before = (await call('GET', '/v1/robots/csv1/knowledge')).json().entries.length;
    const response = await postCsv('/v1/robots/csv1/knowledge?mode=replace', csv);
    expectInvalid(response, message);
    expect((await call('GET', '/v1/robots/csv1/knowledge')).json().entries).toHaveLength(before);
  });

  it('refuses bad JSON entries by index and field, oversize bodies with 413, and unknown formats', async () => {
    expectInvalid(
      await postJson('/v1/robots/csv1/knowledge', { entries: [{ question: 'q', answer: 'a' }, { question: 'q2' }] }),
      /entries\/1/,
    );
    expectInvalid(await postJson('/v1/robots/csv1/knowledge', { entries: [{ question: 'q', answer: 'a', tags: ['a|b'] }] }), /tags/);
    expectInvalid(await postJson('/v1/robots/csv1/knowledge', { entries: [{ question: 'q', answer: 'a' }], mode: 'merge' }), /mode/);
    expectInvalid(await postJson('/v1/robots/csv1/knowledge', { entries: [{ question: '   ', answer: 'a' }] }));
    const huge = `question,answer\n${`q,${'x'.repeat(9000)}\n`.repeat(1000)}`;
    const oversize = await postCsv('/v1/robots/csv1/knowledge', huge);
    expect(oversize.status).toBe(413);
    expect(oversize.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const tooMany = `question,answer\n${Array.from({ length: 5001 }, (_, i) => `q${i},a`).join('\n')}`;
    expectInvalid(await postCsv('/v1/robots/csv1/knowledge', tooMany), /5000/);
    expectInvalid(await call('GET', '/v1/robots/csv1/knowledge?format=xml'));
    expectInvalid(await call('POST', '/v1/robots/csv1/knowledge', { body: 'question,answer\nq,a', type: 'text/plain' }));
    expect((await postCsv('/v1/robots/nobody/knowledge', 'question,answer\nq,a')).json().error.code).toBe('ROBOT_NOT_FOUND');
  });

  it('reads, replaces, patches and deletes single entries', async () => {
    await newRobot('single');
    await postJson('/v1/robots/single/knowledge', {
      entries: [
        { question: 'one', answer: '1' },
        { question: 'two', answer: '2', tags: ['n'] },
      ],
    });
    const [one, two] = (await call('GET', '/v1/robots/single/knowledge')).json().entries;
    expect((await call('GET', `/v1/robots/single/knowledge/${two.id}`)).json()).toEqual(two);
    const put = await call('PUT', `/v1/robots/single/knowledge/${one.id}`, { body: JSON.stringify({ question: '一', answer: '壹' }) });
    expect(put.json()).toMatchObject({ id: one.id, question: '一', answer: '壹', language: 'zh_CN', tags: [], similarQuestions: [] });
    const patched = await call('PATCH', `/v1/robots/single/knowledge/${two.id}`, { body: JSON.stringify({ answer: 'deux' }) });
    expect(patched.json()).toMatchObject({ id: two.id, question: 'two', answer: 'deux', tags: ['n'] });
    expectInvalid(await call('PATCH', `/v1/robots/single/knowledge/${two.id}`, { body: '{}' }));
    expectInvalid(await call('PATCH', `/v1/robots/single/knowledge/${two.id}`, { body: '{"question":5}' }));
    expectInvalid(await call('GET', '/v1/robots/single/knowledge/abc'));
    expect((await call('DELETE', `/v1/robots/single/knowledge/${one.id}`)).status).toBe(204);
    expect((await call('DELETE', `/v1/robots/single/knowledge/${one.id}`)).json().error.code).toBe('NOT_FOUND');
    expect((await call('GET', `/v1/robots/csv1/knowledge/${two.id}`)).json().error.code).toBe('NOT_FOUND');
    expect((await call('GET', '/v1/robots/single/knowledge')).json().entries.map((e: any) => e.answer)).toEqual(['deux']);
    expect((await call('DELETE', '/v1/robots/single/knowledge')).status).toBe(204);
    expect((await call('GET', '/v1/robots/single/knowledge')).json().entries).toEqual([]);
  });
});

describe('the knowledge table, paged on the server', () => {
  it('answers a page (limit, offset) with the total, searches every text of an entry, and keeps the whole-base answer', async () => {
    await newRobot('paged');
    const entries = Array.from({ length: 45 }, (_, i) => ({
      question: `question ${i}`,
      answer: i % 10 === 3 ? `Answer with the Wheelchair ramp ${i}.` : `Answer ${i}.`,
      similarQuestions: i === 7 ? ['100% sure_thing'] : [],
      tags: i === 8 ? ['Parking'] : [],
      language: 'en_US',
    }));
    expect((await postJson('/v1/robots/paged/knowledge', { entries })).status).toBe(201);
    const all = (await call('GET', '/v1/robots/paged/knowledge')).json();
    expect(Object.keys(all)).toEqual(['entries']);
    expect(all.entries).toHaveLength(45);

    const second = (await call('GET', '/v1/robots/paged/knowledge?limit=20&offset=20')).json();
    expect(second).toMatchObject({ total: 45, limit: 20, offset: 20 });
    expect(second.entries.map((e: any) => e.question)).toEqual(all.entries.slice(20, 40).map((e: any) => e.question));
    const last = (await call('GET', '/v1/robots/paged/knowledge?limit=20&offset=40')).json();
    expect(last.entries).toHaveLength(5);

    const ramp = (await call('GET', `/v1/robots/paged/knowledge?q=${encodeURIComponent('wheelchair RAMP')}&limit=2`)).json();
    expect(ramp.total).toBe(5);
    expect(ramp.entries.map((e: any) => e.question)).toEqual(['question 3', 'question 13']);
    // % and _ are text, not patterns; tags and similar questions are searched too.
    expect((await call('GET', `/v1/robots/paged/knowledge?q=${encodeURIComponent('0% s')}`)).json().total).toBe(1);
    expect((await call('GET', `/v1/robots/paged/knowledge?q=${encodeURIComponent('%')}`)).json().total).toBe(1);
    expect((await call('GET', `/v1/robots/paged/knowledge?q=${encodeURIComponent('e_t')}`)).json().total).toBe(1);
    expect((await call('GET', '/v1/robots/paged/knowledge?q=parking')).json().entries.map((e: any) => e.question)).toEqual(['question 8']);
    expect((await call('GET', '/v1/robots/paged/knowledge?q=nothing-like-this')).json()).toMatchObject({ entries: [], total: 0 });

    expectInvalid(await call('GET', '/v1/robots/paged/knowledge?limit=0'), /limit/);
    expectInvalid(await call('GET', '/v1/robots/paged/knowledge?limit=9999'), /limit/);
    expectInvalid(await call('GET', '/v1/robots/paged/knowledge?offset=-1'));
    expectInvalid(await call('GET', `/v1/robots/paged/knowledge?q=${'x'.repeat(201)}`));
    // The CSV export stays the whole base.
    const csv = (await call('GET', '/v1/robots/paged/knowledge?format=csv&limit=1')).text;
    expect(csv.trim().split('\n')).toHaveLength(46);
  });
});

// Each test runs the CLI several times (a fresh Node process each; one starts PostgreSQL): two minutes, not the default
// 20 s, on a busy machine.
describe('dhkit kb (CLI against the store)', { timeout: 120_000 }, () => {
  const run = promisify(execFile);
  const cli = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, [CLI, ...args], { env: { ...process.env, DHKIT_DATABASE_URL: '', ...env }, maxBuffer: 16 * 1024 * 1024 });

  beforeAll(() => {
    if (!fs.existsSync(path.join(ROOT, 'server/dist/cli.js'))) throw new Error('Build the server first: npx tsc -b server');
  });

  it('SQLite: imports CSV and JSON (append, --replace), exports CSV and JSON; a running server answers from the import', async () => {
    const dir = tempDir();
    const csvFile = path.join(dir, 'kb.csv');
    fs.writeFileSync(csvFile, TRICKY_CSV);
    await newRobot('cli');
    const imported = await cli(['kb', 'import', 'cli', csvFile, '--data', serverDataDir()]);
    expect(imported.stderr).toContain('3 entries imported');
    const exported = await cli(['kb', 'export', 'cli', '--data', serverDataDir()]);
    expect(exported.stdout).toBe((await call('GET', '/v1/robots/cli/knowledge?format=csv')).text);
    expect(exported.stdout).toBe((await call('GET', '/v1/robots/csv2/knowledge?format=csv')).text);

    const jsonFile = path.join(dir, 'kb.json');
    fs.writeFileSync(
      jsonFile,
      JSON.stringify({ entries: [{ question: 'cli question', answer: 'From the command line.', tags: ['cli'] }] }),
    );
    await cli(['kb', 'import', 'cli', jsonFile, '--replace', '--data', serverDataDir()]);
    const json = JSON.parse((await cli(['kb', 'export', 'cli', '--format', 'json', '--data', serverDataDir()])).stdout);
    expect(json).toEqual({
      entries: [{ question: 'cli question', similarQuestions: [], answer: 'From the command line.', language: 'en_US', tags: ['cli'] }],
    });

    // The running server drops its cached index when the store's knowledge revision changes.
    const client = await Client.open('cli');
    client.send({ type: 'question', chatId: 'cli-chat-1', text: 'cli question' });
    expect(await client.answer('cli-chat-1')).toBe('From the command line.');
    fs.writeFileSync(jsonFile, JSON.stringify([{ question: 'cli question', answer: 'Changed by the CLI.' }]));
    await cli(['kb', 'import', 'cli', jsonFile, '--replace', '--data', serverDataDir()]);
    const until = Date.now() + 8000;
    let answer = '';
    for (let i = 2; Date.now() < until; i++) {
      client.send({ type: 'question', chatId: `cli-chat-${i}`, text: 'cli question' });
      answer = await client.answer(`cli-chat-${i}`);
      if (answer === 'Changed by the CLI.') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(answer).toBe('Changed by the CLI.');
    client.close();
  });

  it('refuses bad files without importing anything, and bad usage with exit code 2', async () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'question,answer\nfine,ok\n,missing question\n');
    const before = (await call('GET', '/v1/robots/cli/knowledge')).json().entries;
    const failed = await cli(['kb', 'import', 'cli', bad, '--data', serverDataDir()]).catch((error) => error);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/Row 3 \(line 3\): question is missing or empty\. Nothing was imported/);
    expect((await call('GET', '/v1/robots/cli/knowledge')).json().entries).toEqual(before);
    for (const args of [['kb'], ['kb', 'import', 'cli'], ['kb', 'import', 'cli', 'x.txt'], ['kb', 'export', 'cli', '--format', 'xml']]) {
      const usage = await cli([...args, '--data', serverDataDir()]).catch((error) => error);
      expect(usage.code, args.join(' ')).toBe(2);
    }
    const missingRobot = await cli(['kb', 'export', 'nobody', '--data', serverDataDir()]).catch((error) => error);
    expect(missingRobot.code).toBe(1);
    expect(missingRobot.stderr).toContain('no robot "nobody"');
  });

  it('PostgreSQL (DHKIT_DATABASE_URL): import and export round-trip', async () => {
    const cluster = await startPostgresCluster();
    try {
      const url = await cluster.createDatabase();
      const pgServer = await startServer({
        port: 0,
        host: '127.0.0.1',
        dataDir: tempDir(),
        databaseUrl: url,
        adminKey: ADMIN_KEY,
        demo: true,
        logLevel: 'silent',
      });
      await pgServer.close();
      const demoCsv = (await cli(['kb', 'export', 'demo'], { DHKIT_DATABASE_URL: url })).stdout;
      expect(demoCsv).toBe(fs.readFileSync(path.join(ROOT, 'examples/knowledge/demo-kb.csv'), 'utf8'));
      const file = path.join(tempDir(), 'kb.csv');
      fs.writeFileSync(file, TRICKY_CSV);
      await cli(['kb', 'import', 'demo', file, '--replace'], { DHKIT_DATABASE_URL: url });
      const exported = (await cli(['kb', 'export', 'demo'], { DHKIT_DATABASE_URL: url })).stdout;
      fs.writeFileSync(file, exported);
      await cli(['kb', 'import', 'demo', file, '--replace'], { DHKIT_DATABASE_URL: url });
      expect((await cli(['kb', 'export', 'demo'], { DHKIT_DATABASE_URL: url })).stdout).toBe(exported);
      expect(exported.split('\n')).toHaveLength(7);
    } finally {
      await cluster.stop();
    }
  });
});
