import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ADMIN_KEY, tempDir } from './helpers.js';
import { Visitor } from './visitor.js';

/**
 * An operator follows one visitor through the logs: every line logged while a session runs carries either the
 * request id (an HTTP request's lines) or the session id (the channel's and the turns' lines), at the most
 * verbose level, through the paths a visitor can take: questions, a bad frame, an interruption, a kick.
 */
describe('log lines of a session', () => {
  const lines: Array<Record<string, unknown>> = [];
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    app = await createApp({
      dataDir: tempDir(),
      adminKey: ADMIN_KEY,
      logLevel: 'trace',
      logStream: { write: (line) => lines.push(JSON.parse(line)) },
      demo: true,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('carry a request id or the session id, from admission to the kick', async () => {
    const from = lines.length;
    const visitor = await Visitor.admit(url, 'demo');
    await visitor.ask('你好');
    visitor.send('{ not json');
    visitor.send({ type: 'question', chatId: 'c-long', text: 'What can you do? Tell me everything about it.' });
    visitor.send({ type: 'interrupt' });
    await visitor.ask('hello');
    const kick = await fetch(`${url}/v1/sessions/${visitor.info.sessionId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(kick.status).toBeLessThan(300);
    await visitor.closed;
    await new Promise((resolve) => setTimeout(resolve, 200));

    const during = lines.slice(from);
    const sessionLines = during.filter((line) => line.sessionId === visitor.info.sessionId);
    // Not vacuous: the session's own lines are there, and so are requests' lines.
    expect(sessionLines.length).toBeGreaterThan(0);
    expect(during.some((line) => line.reqId)).toBe(true);
    const unnamed = during.filter((line) => !line.reqId && !line.sessionId);
    expect(unnamed.map((line) => line.msg)).toEqual([]);
  });
});
