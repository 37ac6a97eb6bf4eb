// The measuring side of bench:hostile: normal visitors asking questions and probes of /healthz during one
// phase, with enough samples that a p99 is not just the slowest of a handful, and the server's CPU time.
import { askTimed, openVisitor } from './channel.mjs';
import { cpuBetween, snapshot } from './process-cpu.mjs';

/** Normal visitors asking at once (each its own session), and /healthz probe loops. */
const VISITORS = Number(process.env.BENCH_VISITORS ?? 4);
const PROBES = Number(process.env.BENCH_PROBES ?? 4);
const PROBE_GAP_MS = 20;
const QUESTION_GAP_MS = 100;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value at quantile q (nearest rank), in ms with one decimal; null without samples. */
function quantile(values, q) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return +sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))].toFixed(1);
}

/** Figures of raw samples: p50, p99 and how many there were. */
export function summarize(samples) {
  return {
    healthzP50Ms: quantile(samples.healthz, 0.5),
    healthzP95Ms: quantile(samples.healthz, 0.95),
    healthzP99Ms: quantile(samples.healthz, 0.99),
    firstAudioP50Ms: quantile(samples.firstAudio, 0.5),
    firstAudioP95Ms: quantile(samples.firstAudio, 0.95),
    firstAudioP99Ms: quantile(samples.firstAudio, 0.99),
    samples: { healthz: samples.healthz.length, questions: samples.firstAudio.length },
  };
}

async function probeLoop(serverUrl, deadline, samples, failures) {
  while (performance.now() < deadline.until) {
    const started = performance.now();
    try {
      const response = await fetch(`${serverUrl}/healthz`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (response.status === 200) samples.healthz.push(performance.now() - started);
      else failures.healthz++;
    } catch {
      failures.healthz++;
    }
    await sleep(PROBE_GAP_MS);
  }
}

async function visitorLoop(visitor, deadline, samples, failures) {
  for (let i = 0; performance.now() < deadline.until; i++) {
    try {
      samples.firstAudio.push(await askTimed(visitor, i % 2 ? '你好' : 'hello', { interrupt: true }));
    } catch {
      failures.question++;
    }
    await sleep(QUESTION_GAP_MS);
  }
}

/**
 * Measures for `ms`, or until `stop` (a promise) settles if it does first: returns the figures, the raw samples (for
 * pooling phases), the server's CPU time and its own event-loop delay.
 */
export async function measure({ serverUrl, adminKey, serverPid, robotId, ms, loopDelay, stop }) {
  const visitors = await Promise.all(Array.from({ length: VISITORS }, () => openVisitor(serverUrl, adminKey, robotId)));
  await loopDelay();
  const samples = { healthz: [], firstAudio: [] };
  const failures = { healthz: 0, question: 0 };
  const before = snapshot(serverPid);
  const startedAt = performance.now();
  const deadline = { until: startedAt + ms };
  stop?.finally(() => (deadline.until = Math.min(deadline.until, performance.now())));
  await Promise.all([
    ...Array.from({ length: PROBES }, () => probeLoop(serverUrl, deadline, samples, failures)),
    ...visitors.map((visitor) => visitorLoop(visitor, deadline, samples, failures)),
  ]);
  const cpu = cpuBetween(before, snapshot(serverPid), performance.now() - startedAt);
  const serverLoopDelay = await loopDelay();
  for (const visitor of visitors) visitor.socket.close(1000);
  return { figures: { ...summarize(samples), failures, cpu, serverLoopDelay }, samples };
}

export const measureSetup = { visitors: VISITORS, probes: PROBES, probeGapMs: PROBE_GAP_MS, questionGapMs: QUESTION_GAP_MS };
