/** The analytics of visitors' questions over real HTTP and a real channel: recorded as asked, aggregated on request. */
import { describe, expect, it } from 'vitest';
import { call, Client, expectInvalid, newRobot, postJson, useKnowledgeServer } from './knowledge-harness.js';

useKnowledgeServer();

describe('analytics', () => {
  it('records questions asked over the channel and aggregates them', async () => {
    await newRobot('stats');
    await postJson('/v1/robots/stats/knowledge', {
      entries: [
        { question: 'opening hours', similarQuestions: ['when do you open'], answer: 'We open at nine.' },
        { question: '展厅在哪里', answer: '在三号馆。' },
      ],
    });
    const client = await Client.open('stats');
    const asked = ['Opening hours?', 'opening   HOURS', '展厅在哪里？', 'what is the capital of Peru', 'What is the capital of Peru?'];
    for (const [i, text] of asked.entries()) {
      client.send({ type: 'question', chatId: `analytics-${i}`, text });
      await client.answer(`analytics-${i}`);
    }
    client.close();

    const deadline = Date.now() + 5000;
    let analytics: any;
    do {
      analytics = (await call('GET', '/v1/robots/stats/analytics')).json();
    } while (
      analytics.totals.questions < asked.length &&
      Date.now() < deadline &&
      (await new Promise((r) => setTimeout(r, 50))) === undefined
    );
    expect(analytics.robotId).toBe('stats');
    expect(analytics.totals).toMatchObject({ questions: 5, answered: 3, unanswered: 2, answerRate: 0.6 });
    expect(analytics.totals.latencyMs.p50).toBeGreaterThan(0);
    expect(analytics.totals.latencyMs.p95).toBeGreaterThanOrEqual(analytics.totals.latencyMs.p50);
    // Most asked first; between equals, the most recently asked.
    expect(analytics.topQuestions).toEqual([
      { question: expect.stringMatching(/capital of Peru/), count: 2, answered: 0 },
      { question: expect.stringMatching(/^opening/i), count: 2, answered: 2 },
      { question: '展厅在哪里？', count: 1, answered: 1 },
    ]);
    expect(analytics.unanswered).toEqual([
      { question: expect.stringMatching(/capital of Peru/), count: 2, lastAskedAt: expect.any(String) },
    ]);
    expect(Date.parse(analytics.unanswered[0].lastAskedAt)).toBeGreaterThan(Date.now() - 60_000);

    expect((await call('GET', '/v1/robots/stats/analytics?limit=1')).json().topQuestions).toHaveLength(1);
    const past = (await call('GET', '/v1/robots/stats/analytics?from=2020-01-01&to=2020-02-01T00:00:00Z')).json();
    expect(past.totals.questions).toBe(0);
    expect(past.from).toBe('2020-01-01T00:00:00.000Z');
    expect((await call('GET', `/v1/robots/stats/analytics?from=${Date.now() - 3600_000}`)).json().totals.questions).toBe(5);
  });

  it.each([
    '?limit=0',
    '?limit=101',
    '?limit=-1',
    '?limit=ten',
    '?from=yesterday',
    '?from=2025-13-45',
    '?from=2025-01-02&to=2025-01-01',
    '?color=red',
  ])('refuses %s', async (query) => {
    expectInvalid(await call('GET', `/v1/robots/stats/analytics${query}`));
  });
});
