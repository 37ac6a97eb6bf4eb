import type { Browser } from '@playwright/test';
import { launchChromium } from '../scripts/chromium.mjs';
import { expect, test } from './fixtures.js';
import { CHECKER_CHROMIUM_ARGS, checkPayloads } from './xss-checker.mjs';
import { CORPUS_PATH, KNOWN_BAD, loadCorpus, samplePayloads, seedOf } from './xss-corpus.mjs';
import { startXssRig } from './xss-rig.mjs';

/**
 * The peer XSS corpora against the real SDK with its built-in UI, answers served by a real server as a
 * robot's knowledge-base answers, on a customer page with a strict CSP and on one with none. A sample per
 * run: every payload that once broke the renderer plus a draw seeded by today's date (UTC), so that the
 * whole corpus is covered over the days while any run can be repeated with its seed (XSS_SEED=…; the seed
 * is printed). `npm run bench:xss` runs the whole corpus.
 */
const corpus = loadCorpus();
const SEED_TEXT = process.env.XSS_SEED ?? new Date().toISOString().slice(0, 10);
const SAMPLE_SIZE = Number(process.env.XSS_SAMPLE ?? 150);

test.describe('peer XSS corpora', () => {
  test.skip(!corpus, `the peer corpora are not at ${CORPUS_PATH}; skipped`);
  test.describe.configure({ timeout: 15 * 60_000 });

  const sample = corpus
    ? samplePayloads(corpus, SAMPLE_SIZE, seedOf(SEED_TEXT)).map((p: Record<string, unknown>, index: number) => ({ ...p, index }))
    : [];
  let rig: Awaited<ReturnType<typeof startXssRig>>;
  let browser: Browser;

  test.beforeAll(async () => {
    console.log(`xss-corpus: ${sample.length} payloads, seed ${SEED_TEXT}`);
    rig = await startXssRig(sample);
    browser = await launchChromium(CHECKER_CHROMIUM_ARGS);
  });
  test.afterAll(async () => {
    await browser?.close();
    await rig?.close();
  });

  for (const mode of ['strict', 'open'] as const) {
    test(`nothing runs, loads, navigates, reports or breaks on the ${mode === 'strict' ? 'strict-CSP' : 'no-CSP'} page`, async () => {
      expect(sample.length).toBe(Math.min(SAMPLE_SIZE, corpus!.length));
      expect(KNOWN_BAD.every((id) => sample.some((p: { id: unknown }) => p.id === id))).toBe(true);
      const result = await checkPayloads(browser, rig, mode, sample);
      const flagged = result.flagged.map((entry) => `${entry.id}: ${JSON.stringify(entry.kinds)}`);
      expect(flagged, `seed ${SEED_TEXT}`).toEqual([]);
      const none = { executed: 0, foreignLoads: 0, navigations: 0, cspViolations: 0, rendererErrors: 0, unanswered: 0, brokenPages: 0 };
      expect(result).toMatchObject(none);
    });
  }
});
