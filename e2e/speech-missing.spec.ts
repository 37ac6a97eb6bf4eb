// A server whose speech engine is missing (espeak-ng not installed, or DHKIT_ESPEAK_PATH wrong): the visitor's
// page is told once per session (error SPEECH_SYNTHESIS_FAILED) and the built-in UI shows a lasting status line;
// the answers still arrive as text. Never a silent avatar with no word.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server/dist/index.js';
import { ADMIN_KEY, createRecorded, events, expect, startSite, test, waitForEvent } from './fixtures.js';

test('without a speech engine, the page gets SPEECH_SYNTHESIS_FAILED once and a visible status', async ({ page }) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-e2e-nospeech-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    adminKey: ADMIN_KEY,
    demo: true,
    logLevel: 'silent',
    espeakPath: '/nonexistent/espeak-ng',
  });
  const site = await startSite(server.url);
  try {
    const minted = await fetch(`${server.url}/v1/robots/demo/once-codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const { onceCode } = await minted.json();
    await page.goto(`${site.url}/blank`);
    await page.waitForFunction(() => typeof (window as any).DHKit?.create === 'function');
    await createRecorded(page, server.url, onceCode);
    for (const text of ['hello', 'What can you do?']) {
      const { chatId } = await page.evaluate((text) => (window as any).dh.sendTextQuestion({ text }), text);
      // The answer still comes, as text.
      await page.waitForFunction(
        (chatId) =>
          (window as any).__events.some((e: any) => e.name === 'semanticRecognized' && e.payload.chatId === chatId && e.payload.isLast),
        chatId,
        { timeout: 15_000 },
      );
    }
    await waitForEvent(page, 'error');
    const failures = (await events(page)).filter((e) => e.name === 'error' && e.payload.code === 'SPEECH_SYNTHESIS_FAILED');
    expect(failures).toHaveLength(1);
    // In the session's language (the demo robot starts in Chinese).
    await expect(page.locator('#dh digital-human [part~="status"] [part="info"]')).toHaveText(
      /^(The voice is unavailable right now\.|语音暂不可用。)$/,
    );
  } finally {
    await page.close();
    await site.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
