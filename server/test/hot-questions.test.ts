/** A robot's hot questions over real HTTP: PUT/GET on their route, PATCH on the robot, and new sessions get them. */
import { describe, expect, it } from 'vitest';
import { Client, call, expectInvalid, newRobot, useKnowledgeServer } from './knowledge-harness.js';

useKnowledgeServer();

describe('hot questions', () => {
  it('are the robot field: PUT/GET here, PATCH on the robot, and new sessions get them', async () => {
    await newRobot('hot', { languages: ['en_US'] });
    expect((await call('GET', '/v1/robots/hot/hot-questions')).json()).toEqual({ hotQuestions: [] });
    const put = await call('PUT', '/v1/robots/hot/hot-questions', {
      body: JSON.stringify({
        hotQuestions: [
          { language: 'en_US', text: ' What can you do? ' },
          { language: 'en_US', text: 'Where?' },
        ],
      }),
    });
    expect(put.status).toBe(200);
    expect(put.json()).toEqual({
      hotQuestions: [
        { language: 'en_US', text: 'What can you do?' },
        { language: 'en_US', text: 'Where?' },
      ],
    });
    expect((await call('GET', '/v1/robots/hot')).json().hotQuestions).toHaveLength(2);
    const client = await Client.open('hot');
    expect(client.info.robot.hotQuestions).toEqual(put.json().hotQuestions);
    client.close();

    await call('PATCH', '/v1/robots/hot', { body: JSON.stringify({ hotQuestions: [{ language: 'en_US', text: 'Only one' }] }) });
    expect((await call('GET', '/v1/robots/hot/hot-questions')).json().hotQuestions).toEqual([{ language: 'en_US', text: 'Only one' }]);

    const many = Array.from({ length: 21 }, (_, i) => ({ language: 'en_US', text: `q${i}` }));
    expectInvalid(await call('PUT', '/v1/robots/hot/hot-questions', { body: JSON.stringify({ hotQuestions: many }) }), /at most 20/);
    expectInvalid(await call('PATCH', '/v1/robots/hot', { body: JSON.stringify({ hotQuestions: many }) }), /at most 20/);
    expectInvalid(
      await call('PUT', '/v1/robots/hot/hot-questions', { body: JSON.stringify({ hotQuestions: [{ language: 'zh_CN', text: '你好' }] }) }),
      /languages/,
    );
    expectInvalid(
      await call('PUT', '/v1/robots/hot/hot-questions', {
        body: JSON.stringify({
          hotQuestions: [
            { language: 'en_US', text: 'a' },
            { language: 'en_US', text: 'a ' },
          ],
        }),
      }),
      /twice/,
    );
    expectInvalid(
      await call('PUT', '/v1/robots/hot/hot-questions', { body: JSON.stringify({ hotQuestions: [{ language: 'en_US', text: '  ' }] }) }),
    );
    expectInvalid(await call('PUT', '/v1/robots/hot/hot-questions', { body: JSON.stringify({ hot: [] }) }));
    expect((await call('PUT', '/v1/robots/nobody/hot-questions', { body: '{"hotQuestions":[]}' })).json().error.code).toBe(
      'ROBOT_NOT_FOUND',
    );
    expect((await call('GET', '/v1/robots/hot/hot-questions')).json().hotQuestions).toEqual([{ language: 'en_US', text: 'Only one' }]);
  });
});
