/**
 * Robot changes under live sessions, over real HTTP and WebSockets (SQLite): PATCH validates and lowering
 * concurrency ends nobody; DELETE ends the robot's live sessions (KICKED) and removes it.
 */
import { describe, expect, it } from 'vitest';
import { admit, api, Client, createRobot, useLifecycleServer } from './lifecycle-harness.js';

useLifecycleServer();

describe('robots admin', () => {
  it('PATCH changes fields with validation; lowering concurrency keeps live sessions', async () => {
    await createRobot({ id: 'patch', name: 'Patch', concurrency: 2, languages: ['zh_CN', 'en_US'] });
    const a = await Client.connect((await admit('patch')).json);
    await Client.connect((await admit('patch')).json);
    const lowered = await api('PATCH', '/v1/robots/patch', { concurrency: 1, name: 'Patched' });
    expect(lowered.status).toBe(200);
    expect(lowered.json).toMatchObject({ id: 'patch', name: 'Patched', concurrency: 1 });
    expect((await api('GET', '/v1/robots/patch')).json.concurrency).toBe(1);
    expect((await api('GET', '/v1/robots/patch/sessions')).json.sessions).toHaveLength(2);
    a.send({ type: 'ping', t: 1 });
    expect(await a.until((m) => m.type === 'pong')).toBeTruthy();
    expect((await admit('patch')).json.error.code).toBe('CONCURRENCY_LIMIT');
    const languages = await api('PATCH', '/v1/robots/patch', { languages: ['en_US'] });
    expect(languages.json).toMatchObject({ languages: ['en_US'], defaultLanguage: 'en_US', voices: { en_US: 'en-us' } });
    for (const [body, status] of [
      [{}, 400],
      [{ id: 'other' }, 400],
      [{ concurrency: 1025 }, 400],
      [{ concurrency: -1 }, 400],
      [{ languages: ['en_US'], defaultLanguage: 'zh_CN' }, 400],
      [{ allowedOrigins: ['not a url'] }, 400],
      [{ colour: 'red' }, 400],
    ] as const) {
      const refused = await api('PATCH', '/v1/robots/patch', body);
      expect(refused.status, JSON.stringify(body)).toBe(status);
      expect(refused.json.error.code).toBe('INVALID_REQUEST');
    }
    expect((await api('PATCH', '/v1/robots/missing', { name: 'x' })).json.error.code).toBe('ROBOT_NOT_FOUND');
  });

  it("DELETE ends the robot's live sessions (KICKED) and removes it", async () => {
    await createRobot({ id: 'doomed', name: 'Doomed', concurrency: 2 });
    const client = await Client.connect((await admit('doomed')).json);
    expect((await api('DELETE', '/v1/robots/doomed')).status).toBe(204);
    expect(await client.until((m) => m.type === 'sessionEnd')).toEqual({ type: 'sessionEnd', reason: 'KICKED' });
    expect((await api('GET', '/v1/robots/doomed')).json.error.code).toBe('ROBOT_NOT_FOUND');
    expect((await api('DELETE', '/v1/robots/doomed')).json.error.code).toBe('ROBOT_NOT_FOUND');
    expect((await api('GET', '/v1/robots/doomed/sessions')).json.error.code).toBe('ROBOT_NOT_FOUND');
  });
});
