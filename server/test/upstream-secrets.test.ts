// Secrets stay with their hosts: upstream redirects are followed only within one origin, URLs with
// credentials are refused, and a masked secret sent back is kept only for the URL it was entered for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiBrain } from '../src/adapters/brain/openai-brain.js';
import { buildRobot } from '../src/robots/robot.js';
import { startServer, type RunningServer } from '../src/index.js';
import { LocalServer, openAiStream } from './brain-servers.js';
import { ADMIN, ADMIN_KEY, tempDir } from './helpers.js';

let upstream: LocalServer;
let elsewhere: LocalServer;
let server: RunningServer;
beforeAll(async () => {
  upstream = await LocalServer.start();
  elsewhere = await LocalServer.start();
  server = await startServer({ port: 0, host: '127.0.0.1', dataDir: tempDir(), adminKey: ADMIN_KEY, demo: false, logLevel: 'silent' });
});
afterAll(async () => {
  await server.close();
  await upstream.close();
  await elsewhere.close();
});

const robot = buildRobot({ id: 'r', name: 'R', languages: ['en_US'] });

async function answerOf(brain: OpenAiBrain): Promise<string> {
  let text = '';
  for await (const chunk of brain.answer('q', { language: 'en_US', robot, signal: new AbortController().signal })) text += chunk.text;
  return text;
}

describe('upstream redirects', () => {
  it('are not followed to another origin: the API key never reaches it', async () => {
    upstream.handler = (_req, res) => res.writeHead(307, { location: `${elsewhere.url}/v1/chat/completions` }).end();
    elsewhere.handler = openAiStream(['stolen']);
    const brain = new OpenAiBrain({
      type: 'openai',
      baseUrl: `${upstream.url}/v1`,
      model: 'm',
      apiKey: 'sk-secret-key-1234567890',
      timeoutMs: 2000,
    });
    await expect(answerOf(brain)).rejects.toMatchObject({ code: 'BRAIN_UNAVAILABLE' });
    expect(elsewhere.requests.length).toBe(0);
  });

  it('are followed within the same origin', async () => {
    upstream.handler = (req, res) => {
      if (req.url.startsWith('/old')) return void res.writeHead(308, { location: '/v1/chat/completions' }).end();
      return openAiStream(['Moved ', 'here.'])(req, res);
    };
    const brain = new OpenAiBrain({
      type: 'openai',
      baseUrl: `${upstream.url}/old`,
      model: 'm',
      apiKey: 'sk-secret-key-1234567890',
      timeoutMs: 2000,
    });
    expect(await answerOf(brain)).toBe('Moved here.');
  });
});

async function admin(method: string, url: string, body?: unknown) {
  const response = await fetch(server.url + url, {
    method,
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as any };
}

describe('secrets in robot settings', () => {
  it('refuses URLs with user:pass@', async () => {
    for (const baseUrl of ['https://user:pass@llm.example/v1', 'https://user@llm.example', 'http://a:b@127.0.0.1:9/x']) {
      const created = await admin('POST', '/v1/robots', { name: 'x', brain: { type: 'openai', baseUrl, model: 'm' } });
      expect(created.status).toBe(400);
      expect(created.json.error.code).toBe('INVALID_REQUEST');
    }
    // An @ later in the URL (a path or query) is not userinfo.
    expect(
      (await admin('POST', '/v1/robots', { name: 'x', brain: { type: 'openai', baseUrl: 'https://llm.example/v1?owner=a@b', model: 'm' } }))
        .status,
    ).toBe(201);
  });

  it('keeps a masked secret only when its URL is unchanged', async () => {
    const brain = { type: 'openai', baseUrl: 'https://llm.example/v1', model: 'm', apiKey: 'sk-real-secret-0123456789' };
    expect((await admin('POST', '/v1/robots', { id: 'keys', name: 'Keys', brain })).status).toBe(201);
    const masked = (await admin('GET', '/v1/robots/keys')).json.brain.apiKey as string;
    expect(masked).not.toContain('real-secret');
    const same = await admin('PATCH', '/v1/robots/keys', { brain: { ...brain, apiKey: masked, model: 'm2' } });
    expect(same.status).toBe(200);
    const moved = await admin('PATCH', '/v1/robots/keys', { brain: { ...brain, apiKey: masked, baseUrl: 'https://attacker.example/v1' } });
    expect(moved.status).toBe(400);
    expect(moved.json.error.code).toBe('INVALID_REQUEST');
    expect(moved.json.error.message).toMatch(/enter the secret again/);
    // Re-entered, the new URL is accepted.
    const reentered = await admin('PATCH', '/v1/robots/keys', {
      brain: { ...brain, apiKey: 'sk-new-secret-0123456789', baseUrl: 'https://llm2.example/v1' },
    });
    expect(reentered.status).toBe(200);
  });
});
