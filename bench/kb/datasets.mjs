// The question sets bench:kb runs: the shared real-world sets (read from ../shared/datasets/kb-real/ when
// present, never copied into the repository), the repository's own paraphrase set (the demo knowledge
// base) and the held-out bank/museum sets in bench/kb-data/. A set: { name, kb: [{id, question,
// similarQuestions?, answer, language}], queries: [{q, id}], ood: [{q}] }.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { DEMO_KNOWLEDGE } from '../../server/dist/robots/demo-knowledge.js';

const here = dirname(fileURLToPath(import.meta.url));
const SHARED_DIR = join(here, '../../../shared/datasets/kb-real');
const SHARED_SETS = ['zh-afqmc.json', 'en-stackfaq.json'];
const HELD_OUT_SETS = ['heldout-bank.json', 'heldout-museum.json'];

/** FNV-1a, so the split is the same on every machine and run. */
function hash(text) {
  let h = 0x811c9dc5;
  for (const char of text) h = Math.imul(h ^ char.codePointAt(0), 0x01000193) >>> 0;
  return h;
}

/**
 * Each entry's paraphrases all go to one half (by the hash of the entry's id), so nothing learnt from an
 * entry's TUNE questions leaks into its TEST ones. Parameters were chosen on TUNE only.
 */
export function half(query) {
  return hash(query.id) % 2 === 0 ? 'tune' : 'test';
}

export function sharedSets() {
  const sets = [];
  const skipped = [];
  for (const file of SHARED_SETS) {
    const path = join(SHARED_DIR, file);
    if (!existsSync(path)) skipped.push(`${file}: not found at ../shared/datasets/kb-real/ (skipped)`);
    else sets.push(JSON.parse(readFileSync(path, 'utf8')));
  }
  const stackFaq = sets.find((set) => set.name === 'en-stackfaq');
  if (stackFaq) sets.push(withSimilarQuestions(stackFaq));
  return { sets, skipped };
}

/**
 * A knowledge base with similar questions, as operators write them: each entry of the set gets its
 * paraphrases flagged `sim` (StackFAQ: the first two per thread) as similar questions, and only the others
 * are asked. The shared sets' entries have one question each, so this is the set where an entry's several
 * known questions (ranked by the best one, or all together) are measured.
 */
function withSimilarQuestions(set) {
  const similar = new Map();
  for (const query of set.queries) if (query.sim) similar.set(query.id, [...(similar.get(query.id) ?? []), query.q]);
  return {
    ...set,
    name: `${set.name}+sim`,
    kb: set.kb.map((entry) => ({ ...entry, similarQuestions: similar.get(entry.id) ?? [] })),
    queries: set.queries.filter((query) => !query.sim),
  };
}

export function heldOutSets() {
  return HELD_OUT_SETS.map((file) => JSON.parse(readFileSync(join(here, '../kb-data', file), 'utf8')));
}

/** The unit tests' paraphrase fixture (TypeScript without imports, so it is transpiled in place). */
async function paraphraseFixture() {
  const source = readFileSync(join(here, '../../server/test/fixtures/paraphrases.ts'), 'utf8');
  const { code } = transformSync(source, { loader: 'ts', format: 'esm' });
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

/** The demo knowledge base asked in the paraphrase set's wording (what the unit tests check too). */
export async function demoParaphraseSet() {
  const { OUT_OF_DOMAIN, PARAPHRASES } = await paraphraseFixture();
  return {
    name: 'demo-paraphrases',
    kb: DEMO_KNOWLEDGE.map((entry) => ({ ...entry, id: entry.question })),
    queries: PARAPHRASES.map(([q, id]) => ({ q, id })),
    ood: OUT_OF_DOMAIN.map((q) => ({ q })),
  };
}
