#!/usr/bin/env node
// `npm run bench:xss`: the whole peer XSS corpus (../shared/datasets/xss-peer/corpus.json next to the
// repository, optional) against the real SDK with its built-in UI, on a strict-CSP page and on a page without
// CSP (the checker of e2e/xss-corpus.spec.ts, which runs a sample per CI run). Prints one JSON object: counts
// per mode (executed, foreign loads, navigations, CSP violations, renderer errors, unanswered, broken pages),
// the flagged payloads and the time taken. Exit 1 when anything was flagged. Knobs: XSS_LIMIT=N (first N
// payloads), XSS_MODES=strict,open, XSS_PER_PAGE=100.
import { launchChromium } from '../scripts/chromium.mjs';
import { CHECKER_CHROMIUM_ARGS, checkPayloads, FAILURE_KINDS } from '../e2e/xss-checker.mjs';
import { CORPUS_PATH, loadCorpus } from '../e2e/xss-corpus.mjs';
import { startXssRig } from '../e2e/xss-rig.mjs';

const corpus = loadCorpus();
if (!corpus) {
  console.log(JSON.stringify({ bench: 'xss', skipped: `the peer corpora are not at ${CORPUS_PATH}` }));
  process.exit(0);
}
const limit = Number(process.env.XSS_LIMIT ?? corpus.length);
const modes = (process.env.XSS_MODES ?? 'strict,open').split(',');
const perPage = Number(process.env.XSS_PER_PAGE ?? 100);
const payloads = corpus.slice(0, limit).map((payload, index) => ({ ...payload, index }));

const started = performance.now();
const rig = await startXssRig(payloads);
const browser = await launchChromium(CHECKER_CHROMIUM_ARGS);
const results = {};
try {
  for (const mode of modes) {
    const modeStarted = performance.now();
    const { flagged, controls, ...counts } = await checkPayloads(browser, rig, mode, payloads, { perPage });
    results[mode] = { ...counts, seconds: +((performance.now() - modeStarted) / 1000).toFixed(1), controls, flagged };
  }
} finally {
  await browser.close();
  await rig.close();
}
const failures = Object.values(results).reduce((sum, r) => sum + FAILURE_KINDS.reduce((n, kind) => n + r[kind], 0) + r.brokenPages, 0);
const seconds = +((performance.now() - started) / 1000).toFixed(1);
console.log(JSON.stringify({ bench: 'xss', payloads: payloads.length, seconds, failures, ...results }, null, 2));
process.exit(failures ? 1 : 0);
