// Figures for one search system on one question set: top-1/top-3, false-decline where the system declines
// 90% of the out-of-domain questions (on its own top score: threshold-free, so every library can be
// compared), per-question time, index time and heap.
import { percentile } from '../lib/stats.mjs';

const round = (value, digits = 3) => +value.toFixed(digits);

function heapMb() {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/**
 * system.index(entries) → search(question, limit) → [{entryIndex, score}] (may be async).
 * `queries` are the in-domain questions to score; `ood` the ones to decline.
 */
export async function measure(system, set, queries) {
  const heapBefore = heapMb();
  const indexStart = performance.now();
  const search = await system.index(set.kb);
  const indexMs = performance.now() - indexStart;
  const heap = heapMb() - heapBefore;
  const idOf = (hit) => (hit ? set.kb[hit.entryIndex].id : undefined);
  const times = [];
  const timed = async (question) => {
    const start = performance.now();
    const hits = await search(question, 3);
    times.push(performance.now() - start);
    return hits;
  };
  let top1 = 0;
  let top3 = 0;
  const inScores = [];
  for (const query of queries) {
    const hits = await timed(query.q);
    if (idOf(hits[0]) === query.id) top1++;
    if (hits.slice(0, 3).some((hit) => idOf(hit) === query.id)) top3++;
    inScores.push(hits[0]?.score ?? 0);
  }
  const oodScores = [];
  for (const { q } of set.ood) oodScores.push((await timed(q))[0]?.score ?? 0);
  // The lowest score threshold that declines (score ≤ threshold) at least 90% of the OOD questions.
  // A library that gives no score (FlexSearch) cannot be thresholded: null.
  const threshold = percentile(oodScores, 90);
  const falseDecline =
    system.scored === false ? null : inScores.filter((score) => score <= threshold).length / Math.max(1, inScores.length);
  return {
    top1: round(top1 / queries.length),
    top3: round(top3 / queries.length),
    falseDeclineAt90: falseDecline === null ? null : round(falseDecline),
    p50Ms: round(percentile(times, 50), 4),
    p99Ms: round(percentile(times, 99), 4),
    indexMs: round(indexMs, 1),
    heapMb: round(heap, 1),
  };
}

/** dhkit's own decision, as the brain takes it: answered right / answered wrong / suggested / declined. */
export function decisions(index, set, queries) {
  let right = 0;
  let wrong = 0;
  let suggested = 0;
  for (const query of queries) {
    const { decision } = index.lookup(query.q);
    if (decision.kind === 'answer') {
      if (decision.match.entry.id === query.id) right++;
      else wrong++;
    } else if (decision.kind === 'suggest') {
      suggested++;
    }
  }
  const oodAnswered = set.ood.filter(({ q }) => index.lookup(q).decision.kind === 'answer').length;
  const n = Math.max(1, queries.length);
  return {
    answeredRight: round(right / n),
    answeredWrong: round(wrong / n),
    suggested: round(suggested / n),
    oodAnswered: round(oodAnswered / Math.max(1, set.ood.length)),
  };
}
