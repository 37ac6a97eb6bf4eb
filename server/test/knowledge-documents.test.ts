// FAQ documents into the knowledge base over a real server and store: Markdown, HTML, plain text, PDF and
// DOCX made in the test; question headings, Q:/问： lines and bold questions found, tables and pictures
// kept as Markdown; dry run; re-import updates instead of duplicating (SQLite and PostgreSQL); bad documents
// refused with DOCUMENT_UNREADABLE and nothing imported; `dhkit kb import <robot> faq.pdf`.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.js';
import { cjkPdfFile } from './cjk-pdf-file.js';
import { docxFile, pdfFile, zipBomb } from './document-files.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';
import { postgresAvailable, startPostgresCluster, type PostgresCluster } from './postgres-cluster.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(ROOT, 'server/bin/dhkit.js');

const MARKDOWN_FAQ = [
  '# Museum FAQ',
  'Welcome to our questions page.',
  '## Visiting',
  '### When do you open?',
  'We open at **nine**.',
  '| Day | Hours |\n|---|---|\n| Mon | closed |\n| Tue | 9-17 |',
  '### How do I get a ticket',
  'Online or at the door.',
  '![Ticket desk](https://cdn.example/desk.png)',
  '**Can I bring my dog?**',
  'Only guide dogs.',
  'Q: Is there parking?\nA: Yes, at the north gate.',
  '## 其他',
  '问：可以拍照吗？\n答：可以，但不要用闪光灯。',
].join('\n\n');

let server: RunningServer;
let dataDir: string;
beforeAll(async () => {
  dataDir = tempDir();
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir, adminKey: ADMIN_KEY, logLevel: 'silent' });
});
afterAll(() => server.close());

async function send(target: RunningServer, url: string, body: Buffer | string, type?: string) {
  const headers: Record<string, string> = { ...ADMIN };
  if (type) headers['content-type'] = type;
  const response = await fetch(target.url + url, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  // Untyped on purpose: the assertions check the shape the route sent.
  return { status: response.status, json: (await response.json()) as any };
}
async function entries(target: RunningServer, robot: string): Promise<any[]> {
  const response = await fetch(`${target.url}/v1/robots/${robot}/knowledge`, { headers: ADMIN });
  return ((await response.json()) as any).entries;
}
async function newRobot(target: RunningServer, id: string) {
  const response = await fetch(`${target.url}/v1/robots`, {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify({ id, name: id, languages: ['zh_CN', 'en_US'] }),
  });
  expect(response.status).toBe(201);
}
const importUrl = (robot: string, query: string) => `/v1/robots/${robot}/knowledge/documents?${query}`;

describe('POST /v1/robots/:id/knowledge/documents', () => {
  it('Markdown: question headings, bold questions, Q:/A: and 问：/答： lines; tables and pictures kept; sections as tags', async () => {
    await newRobot(server, 'md');
    const preview = await send(server, importUrl('md', 'name=faq.md&dryRun=true'), MARKDOWN_FAQ, 'text/markdown');
    expect(preview.status).toBe(200);
    expect(preview.json).toMatchObject({ document: 'faq.md', type: 'markdown', dryRun: true, created: 5, updated: 0, deleted: 0 });
    expect(await entries(server, 'md')).toEqual([]);
    const byQuestion = Object.fromEntries(preview.json.entries.map((e: any) => [e.question, e]));
    expect(Object.keys(byQuestion)).toEqual([
      'When do you open?',
      'How do I get a ticket',
      'Can I bring my dog?',
      'Is there parking?',
      '可以拍照吗？',
    ]);
    expect(byQuestion['When do you open?']).toMatchObject({
      answer: 'We open at **nine**.\n\n| Day | Hours |\n|---|---|\n| Mon | closed |\n| Tue | 9-17 |',
      language: 'en_US',
      tags: ['Visiting'],
      action: 'create',
    });
    expect(byQuestion['How do I get a ticket'].answer).toBe('Online or at the door.\n\n![Ticket desk](https://cdn.example/desk.png)');
    expect(byQuestion['Can I bring my dog?'].answer).toBe('Only guide dogs.');
    expect(byQuestion['Is there parking?'].answer).toBe('Yes, at the north gate.');
    expect(byQuestion['可以拍照吗？']).toMatchObject({ answer: '可以，但不要用闪光灯。', language: 'zh_CN', tags: ['其他'] });

    const imported = await send(server, importUrl('md', 'name=faq.md'), MARKDOWN_FAQ, 'text/markdown');
    expect(imported.status).toBe(201);
    expect(imported.json).toMatchObject({ dryRun: false, created: 5 });
    const stored = await entries(server, 'md');
    expect(stored).toHaveLength(5);
    expect(stored[0].source).toEqual({ document: 'faq.md', key: 'when do you open' });
    expect(imported.json.entries.map((e: any) => e.id)).toEqual(stored.map((e) => e.id));
  });

  it('re-import updates, deletes and adds instead of duplicating; learned similar questions stay', async () => {
    await newRobot(server, 'again');
    const first = ['## When do you open?', 'At nine.', '## Is there a cafe?', 'Yes.', '## Can I smoke?', 'No.'].join('\n\n');
    expect((await send(server, importUrl('again', 'document=faq'), first, 'text/markdown')).json.created).toBe(3);
    const same = await send(server, importUrl('again', 'document=faq'), first, 'text/markdown');
    expect(same.json).toMatchObject({ created: 0, updated: 0, unchanged: 3, deleted: 0 });
    expect(await entries(server, 'again')).toHaveLength(3);

    const [opening] = await entries(server, 'again');
    const learned = await fetch(`${server.url}/v1/robots/again/knowledge/learn`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'what time do doors open', entryId: opening.id }),
    });
    expect(learned.status).toBe(200);

    const second = ['## When do you open?', 'At ten.', '## Is there a cafe?', 'Yes.', '## Where is the shop?', 'By the exit.'].join('\n\n');
    const changed = await send(server, importUrl('again', 'document=faq'), second, 'text/markdown');
    expect(changed.json).toMatchObject({ created: 1, updated: 1, unchanged: 1, deleted: 1 });
    const after = await entries(server, 'again');
    expect(after.map((e) => e.question).sort()).toEqual(['Is there a cafe?', 'When do you open?', 'Where is the shop?']);
    const updated = after.find((e) => e.question === 'When do you open?');
    expect(updated).toMatchObject({ id: opening.id, answer: 'At ten.', similarQuestions: ['what time do doors open'] });
    // Another document's entries are its own.
    expect((await send(server, importUrl('again', 'document=other'), first, 'text/markdown')).json.created).toBe(3);
    expect(await entries(server, 'again')).toHaveLength(6);
  });

  it('HTML: headings, <dl>, <details>, tables, links and pictures; scripts ignored; embedded pictures reported', async () => {
    await newRobot(server, 'html');
    const html =
      '<!doctype html><html><head><script>var q = "Is this a question?";</script></head><body><h1>FAQ</h1><h2>Tickets</h2>' +
      '<h3>Do you sell tickets at the door?</h3><p>Yes, <a href="https://x.example/prices">see prices</a>.</p>' +
      '<table><tr><th>Type</th><th>Price</th></tr><tr><td>Adult</td><td>10</td></tr></table>' +
      '<dl><dt>Where is the cafe?</dt><dd><p>Second floor.</p><img src="https://cdn.example/cafe.jpg" alt="Cafe"></dd></dl>' +
      '<details><summary>Is there wifi?</summary><p>Yes, free.</p><p><img src="data:image/png;base64,AAAA" ' +
      'alt="Router"></p></details></body></html>';
    const response = await send(server, importUrl('html', 'name=faq.html'), html, 'text/html; charset=utf-8');
    expect(response.status).toBe(201);
    expect(response.json.entries.map((e: any) => [e.question, e.answer])).toEqual([
      [
        'Do you sell tickets at the door?',
        'Yes, [see prices](https://x.example/prices).\n\n| Type | Price |\n| --- | --- |\n| Adult | 10 |',
      ],
      ['Where is the cafe?', 'Second floor.\n\n![Cafe](https://cdn.example/cafe.jpg)'],
      ['Is there wifi?', 'Yes, free.\n\n[Router]'],
    ]);
    expect(response.json.warnings.join(' ')).toMatch(/1 embedded picture/);
  });

  it('plain text: question lines and Q:/A: pairs', async () => {
    await newRobot(server, 'txt');
    const text =
      'Museum FAQ\n\nWhen do you open?\nAt nine.\nEvery day.\n\nQ: Is there parking?\nA: Yes.\nQ: Can I eat inside?\nA: Only ' +
      'in the cafe.\n';
    const response = await send(server, importUrl('txt', 'name=faq.txt'), text, 'application/octet-stream');
    expect(response.json.entries.map((e: any) => [e.question, e.answer])).toEqual([
      ['When do you open?', 'At nine.\nEvery day.'],
      ['Is there parking?', 'Yes.'],
      ['Can I eat inside?', 'Only in the cafe.'],
    ]);
  });

  it('PDF: larger type as headings, question lines, several pages; then the robot answers from it', async () => {
    await newRobot(server, 'pdf');
    const pdf = pdfFile([
      [
        { text: 'Museum FAQ', size: 20 },
        { text: '' },
        { text: 'Opening', size: 15 },
        { text: 'When do you open?' },
        { text: 'We open at nine every day.' },
      ],
      [{ text: 'How do I buy a ticket?', size: 15 }, { text: 'Online at museum.example or at the desk.' }, { text: 'Children go free.' }],
    ]);
    const response = await send(server, importUrl('pdf', 'name=faq.pdf'), pdf, 'application/pdf');
    expect(response.status).toBe(201);
    expect(response.json.entries.map((e: any) => [e.question, e.answer, e.tags])).toEqual([
      ['When do you open?', 'We open at nine every day.', ['Opening']],
      ['How do I buy a ticket?', 'Online at museum.example or at the desk.\nChildren go free.', ['Museum FAQ']],
    ]);
    const search = await send(
      server,
      '/v1/robots/pdf/knowledge/search',
      JSON.stringify({ question: 'when do you open' }),
      'application/json',
    );
    expect(search.json.decision).toBe('answer');
    expect(search.json.matches[0].answer).toBe('We open at nine every day.');
  });

  for (const font of ['identity', 'unigb'] as const) {
    it(
      `Chinese PDF (${font === 'identity' ? 'Identity-H with a ToUnicode map' : 'predefined UniGB-UCS2-H CMap'}): questions, ` +
        `answers, tags`,
      async () => {
        const robot = `pdf-zh-${font}`;
        await newRobot(server, robot);
        const pdf = cjkPdfFile(
          [
            { text: '参观须知', size: 18 },
            { text: '' },
            { text: '博物馆几点开门？' },
            { text: '每天上午九点开门，周一闭馆。' },
            { text: '' },
            { text: '可以带宠物进馆吗？' },
            { text: '除导盲犬外，宠物不能进馆。' },
          ],
          font,
        );
        const response = await send(server, importUrl(robot, 'name=faq.pdf'), pdf, 'application/pdf');
        expect(response.status).toBe(201);
        expect(response.json.entries.map((e: any) => [e.question, e.answer, e.language, e.tags])).toEqual([
          ['博物馆几点开门？', '每天上午九点开门，周一闭馆。', 'zh_CN', ['参观须知']],
          ['可以带宠物进馆吗？', '除导盲犬外，宠物不能进馆。', 'zh_CN', ['参观须知']],
        ]);
        const search = await send(
          server,
          `/v1/robots/${robot}/knowledge/search`,
          JSON.stringify({ question: '博物馆几点开门' }),
          'application/json',
        );
        expect(search.json.decision).toBe('answer');
        expect(search.json.matches[0].answer).toBe('每天上午九点开门，周一闭馆。');
      },
    );
  }

  it('DOCX: heading styles, bold questions and tables', async () => {
    await newRobot(server, 'docx');
    const docx = await docxFile([
      { heading: 1, text: 'Museum FAQ' },
      { heading: 2, text: 'When do you open?' },
      { text: 'We open at nine.' },
      {
        table: [
          ['Day', 'Hours'],
          ['Mon', 'closed'],
        ],
      },
      { bold: true, text: '可以带宠物吗？' },
      { text: '只允许导盲犬。' },
    ]);
    const type = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    const response = await send(server, importUrl('docx', 'document=faq-docx'), docx, type);
    expect(response.status).toBe(201);
    expect(response.json.entries.map((e: any) => [e.question, e.answer, e.language])).toEqual([
      ['When do you open?', 'We open at nine.\n\n| Day | Hours |\n| --- | --- |\n| Mon | closed |', 'en_US'],
      ['可以带宠物吗？', '只允许导盲犬。', 'zh_CN'],
    ]);
  });

  it('refuses bad documents with DOCUMENT_UNREADABLE and imports nothing', async () => {
    await newRobot(server, 'bad');
    await send(server, importUrl('bad', 'name=keep.md'), '## Is this kept?\n\nYes.', 'text/markdown');
    const cases: Array<[string, Buffer | string, string | undefined, RegExp]> = [
      ['name=a.md', '', 'text/markdown', /empty/],
      ['name=a.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'image/png', /Unknown document type/],
      ['name=a.pdf', '%PDF-1.4\nthis is not really a pdf', 'application/pdf', /damaged/],
      ['name=a.pdf', 'hello', 'application/pdf', /not a PDF/],
      ['name=a.pdf', pdfFile([[{ text: 'Is this secret?' }, { text: 'Yes.' }]], { encrypted: true }), 'application/pdf', /password/],
      ['name=a.docx', Buffer.from('PK\x03\x04 broken zip'), undefined, /damaged/],
      ['name=a.docx', await zipBomb(), undefined, /unpacks to/],
      ['name=a.md', '# About us\n\nWe are a museum.', 'text/markdown', /No questions found/],
      ['name=a.txt', Buffer.from([0x51, 0x3a, 0xff, 0xfe, 0x3f]), 'text/plain', /UTF-8/],
      ['name=a.md', `## Why so long?\n\n${'word '.repeat(2500)}`, 'text/markdown', /longer than 10000/],
      ['name=a.md', `## Fine?\n\nYes.\n\n## Too long?\n\n${'x'.repeat(10_001)}`, 'text/markdown', /Too long/],
    ];
    for (const [query, body, type, message] of cases) {
      const response = await send(server, importUrl('bad', query), body, type);
      expect(response.status, `${query} ${message}`).toBe(422);
      expect(response.json.error.code).toBe('DOCUMENT_UNREADABLE');
      expect(response.json.error.message).toMatch(message);
    }
    expect((await entries(server, 'bad')).map((e) => e.question)).toEqual(['Is this kept?']);

    const tooLarge = await send(server, importUrl('bad', 'name=big.txt'), Buffer.alloc(10 * 1024 * 1024 + 1, 0x61), 'text/plain');
    expect([tooLarge.status, tooLarge.json.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    for (const query of ['', 'dryRun=yes', 'name=a.md&color=red', 'name=a.md&language=fr']) {
      const response = await send(server, importUrl('bad', query), '## Q?\n\nA.', 'text/markdown');
      expect([response.status, response.json.error.code], query).toEqual([400, 'INVALID_REQUEST']);
    }
    expect((await send(server, importUrl('nobody', 'name=a.md'), '## Q?\n\nA.', 'text/markdown')).json.error.code).toBe('ROBOT_NOT_FOUND');
    const anonymous = await fetch(`${server.url}${importUrl('bad', 'name=a.md')}`, { method: 'POST', body: '## Q?\n\nA.' });
    expect(anonymous.status).toBe(401);
  });
});

describe('dhkit kb import <robot> faq.pdf', () => {
  const run = promisify(execFile);
  // Three CLI processes, each loading the server's modules: slow on a busy machine.
  it('imports a PDF straight into the store, with --dry-run first', { timeout: 90_000 }, async () => {
    await newRobot(server, 'cli-doc');
    const file = path.join(tempDir(), 'faq.pdf');
    fs.writeFileSync(file, pdfFile([[{ text: 'Where is the cafe?', size: 15 }, { text: 'On the second floor.' }]]));
    const env = { ...process.env, DHKIT_DATABASE_URL: '' };
    const dry = await run(process.execPath, [CLI, 'kb', 'import', 'cli-doc', file, '--dry-run', '--data', dataDir], { env });
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, created: 1, document: 'faq.pdf' });
    expect(await entries(server, 'cli-doc')).toEqual([]);
    const real = await run(process.execPath, [CLI, 'kb', 'import', 'cli-doc', file, '--data', dataDir], { env });
    expect(real.stderr).toContain('1 created');
    expect((await entries(server, 'cli-doc')).map((e) => e.question)).toEqual(['Where is the cafe?']);
    const broken = path.join(tempDir(), 'broken.pdf');
    fs.writeFileSync(broken, '%PDF-1.4 nothing else');
    const failed = await run(process.execPath, [CLI, 'kb', 'import', 'cli-doc', broken, '--data', dataDir], { env }).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/DOCUMENT_UNREADABLE.*damaged/);
  });
});

let cluster: PostgresCluster | undefined;
afterAll(() => cluster?.stop());
describe.skipIf(!postgresAvailable())('documents on PostgreSQL', () => {
  it('imports, re-imports without duplicates, and rolls back a bad document', { timeout: 90_000 }, async () => {
    cluster = await startPostgresCluster();
    const databaseUrl = await cluster.createDatabase();
    const pg = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, databaseUrl, logLevel: 'silent' });
    try {
      await newRobot(pg, 'pgdoc');
      expect((await send(pg, importUrl('pgdoc', 'name=faq.md'), MARKDOWN_FAQ, 'text/markdown')).json.created).toBe(5);
      const again = await send(
        pg,
        importUrl('pgdoc', 'name=faq.md'),
        MARKDOWN_FAQ.replace('Only guide dogs.', 'No dogs.'),
        'text/markdown',
      );
      expect(again.json).toMatchObject({ created: 0, updated: 1, unchanged: 4, deleted: 0 });
      const stored = await entries(pg, 'pgdoc');
      expect(stored).toHaveLength(5);
      expect(stored.find((e) => e.question === 'Can I bring my dog?')).toMatchObject({
        answer: 'No dogs.',
        source: { document: 'faq.md' },
      });
      const bad = await send(
        pg,
        importUrl('pgdoc', 'name=faq.md'),
        `## Fine?\n\nYes.\n\n## Long?\n\n${'x'.repeat(10_001)}`,
        'text/markdown',
      );
      expect(bad.json.error.code).toBe('DOCUMENT_UNREADABLE');
      expect(await entries(pg, 'pgdoc')).toHaveLength(5);
    } finally {
      await pg.close();
    }
  });
});
