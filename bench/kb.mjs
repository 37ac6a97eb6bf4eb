#!/usr/bin/env node
// `npm run bench:kb`: knowledge-base retrieval, dhkit side by side with MiniSearch, FlexSearch and Orama on
// the same sets in one run (all given dhkit's tokens, see kb/peers.mjs). Prints JSON:
// - per set: each system's top-1/top-3, false-decline where it declines 90% of out-of-domain questions,
//   p50/p99 ms, index ms, heap; plus dhkit's real decisions (answered right/wrong, suggested, OOD answered).
//   en-stackfaq+sim is the English set with its `sim` paraphrases as similar questions (datasets.mjs).
//   The shared sets are split into TUNE (what dhkit's parameters were chosen on) and TEST halves by entry;
//   figures are given for TEST and ALL. The held-out sets were never tuned on.
// - scale: a 5,000-entry (and 2,000-entry) synthetic Chinese knowledge base, and crafted 500-character
//   questions of frequent characters; wall time per question, and the CPU time the process spent on it (on a
//   shared, overloaded machine the wall-time tail is the scheduler, not the search).
// Run with `node --expose-gc` (the npm script does) for meaningful heap figures.
import { cpus, loadavg } from 'node:os';
import { KnowledgeIndex, tokenize } from '../server/dist/adapters/brain/knowledge-brain.js';
import { demoParaphraseSet, half, heldOutSets, sharedSets } from './kb/datasets.mjs';
import { decisions, measure } from './kb/measure.mjs';
import { flexSearch, miniSearch, orama } from './kb/peers.mjs';
import { scaleFigures } from './kb/scale.mjs';

/** dhkit's tokens without their weights, and without function words (which weigh 0.3 in dhkit). */
const terms = (text) => [...tokenize(text)].filter(([, weight]) => weight >= 0.5).map(([token]) => token);

const dhkitEntries = (kb) => kb.map((entry) => ({ ...entry, similarQuestions: entry.similarQuestions ?? [] }));
const dhkit = {
  name: 'dhkit',
  index(kb) {
    const index = new KnowledgeIndex(dhkitEntries(kb));
    const position = new Map(kb.map((entry, i) => [entry.id, i]));
    return (question, limit) =>
      index.lookup(question, { limit }).matches.map((match) => ({ entryIndex: position.get(match.entry.id), score: match.confidence }));
  },
};
const systems = [dhkit, miniSearch(terms), flexSearch(terms), await orama(terms)];

async function compare(set, queries) {
  const figures = {};
  for (const system of systems) figures[system.name] = await measure(system, set, queries);
  const peers = systems.slice(1).map((s) => figures[s.name].top1);
  figures.dhkitTop1OverBestPeer = +(figures.dhkit.top1 - Math.max(...peers)).toFixed(3);
  figures.dhkitDecisions = decisions(new KnowledgeIndex(dhkitEntries(set.kb)), set, queries);
  return figures;
}

// Timings depend on what else runs: the load average goes with them.
const machine = { cpus: cpus().length, loadAverageAtStart: loadavg().map((x) => +x.toFixed(1)), node: process.version };
const report = { machine, sets: {}, notes: [] };
const { sets, skipped } = sharedSets();
report.notes.push(...skipped);
for (const set of sets) {
  const test = set.queries.filter((q) => half(q) === 'test');
  report.sets[set.name] = {
    entries: set.kb.length,
    queries: { test: test.length, all: set.queries.length },
    ood: set.ood.length,
    test: await compare(set, test),
    all: await compare(set, set.queries),
  };
}
for (const set of [await demoParaphraseSet(), ...heldOutSets()]) {
  report.sets[set.name] = {
    entries: set.kb.length,
    queries: set.queries.length,
    ood: set.ood.length,
    all: await compare(set, set.queries),
  };
}
const createIndex = (kb) => new KnowledgeIndex(dhkitEntries(kb));
report.scale = [scaleFigures(createIndex, 2000), scaleFigures(createIndex, 5000)];
machine.loadAverageAtEnd = loadavg().map((x) => +x.toFixed(1));
console.log(JSON.stringify(report, null, 2));
