#!/usr/bin/env node
// `npm run bench:hostile`: one visitor attacks the server (floods, a slow reader, a pathological LLM answer,
// a 1,000-entry lexicon, long questions on a 2,000-entry knowledge base, forged X-Forwarded-For, admin key
// guesses) while normal visitors keep asking and /healthz is probed. Prints JSON: /healthz p99 and the normal
// visitors' question → first audio p99 during each attack, with sample counts and the server's CPU time, next to
// the same figures with no attack (phases before and after the attacks, pooled) in this one run, and what the
// protections did. Acceptance (docs/security.md): every attack within 2× of the no-attack figures.
// The server and each attacker run in their own processes; everything stays on loopback.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { askTimed, loadProtocol, openVisitor } from './hostile/channel.mjs';
import { measure, measureSetup, summarize } from './hostile/measure.mjs';

const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 10_000);
// A client that never reads is ended once the server's queue has held more than its mark (1 MiB) for 20 s; its paced
// audio (about 44 KB/s) first fills the kernel's socket buffers (about 4.5 MiB on Linux loopback): some two minutes
// and a half in all. Its phase lasts until the server ends it, at most this long.
const SLOW_READER_MS = Number(process.env.BENCH_SLOW_READER_MS ?? 300_000);
const ADMIN_KEY = 'bench-hostile-admin-key-0123456789-0123456789';
const METRICS_TOKEN = 'bench-hostile-metrics-token';
const ATTACKS = [
  'questionFlood',
  'pacedQuestions',
  'slowReader',
  'pathologicalAnswer',
  'lexicon',
  'longQuestions',
  'forgedForwardedFor',
  'adminGuesses',
];
const only = process.env.BENCH_ATTACKS?.split(',');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// BENCH_NICE=-10: the bench, its server (and the server's espeak-ng) and the attackers run at that OS priority, so
// on a shared machine the other load does not decide the figures; the attack's work still competes with the
// normal visitors' at the same priority, as on a machine of its own. Needs the right to raise priority (root).
if (process.env.BENCH_NICE) setPriority(Number(process.env.BENCH_NICE));

/** An LLM that streams 4,000 unclosed `[` in 4-character chunks (OpenAI's SSE format), in its own process. */
const llm = spawn(process.execPath, ['bench/hostile/bracket-llm.mjs'], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const llmPort = await new Promise((resolve) => llm.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim()))));

const dataDir = mkdtempSync(join(tmpdir(), 'dhkit-bench-hostile-'));
// BENCH_SERVER_NODE_ARGS: extra node flags for the server process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
const serverNodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
const server = spawn(
  process.execPath,
  [...serverNodeArgs, 'server/bin/dhkit.js', 'serve', '--port', '0', '--host', '127.0.0.1', '--data', dataDir],
  {
    env: {
      ...process.env,
      DHKIT_ADMIN_KEY: ADMIN_KEY,
      DHKIT_METRICS_TOKEN: METRICS_TOKEN,
      DHKIT_DEMO: '1',
      DHKIT_TRUST_PROXY: '1',
      DHKIT_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const serverUrl = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (chunk) => {
    out += chunk;
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match) resolve(match[1]);
  });
  server.once('exit', (code) => reject(new Error(`server exited (${code})`)));
});

async function admin(method, path, body) {
  const response = await fetch(serverUrl + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function setUp() {
  const faq = [
    { question: 'hello', answer: 'Hello! I am the demo avatar.', language: 'en_US' },
    { question: '你好', answer: '你好，我是演示数字人。', language: 'zh_CN' },
  ];
  // The normal visitor's robot may ask as often as the measurement needs.
  await admin('POST', '/v1/robots', {
    id: 'calm',
    name: 'Calm',
    concurrency: 10,
    rateLimits: { questions: { burst: 1000, perMinute: 6000 } },
  });
  await admin('POST', '/v1/robots/calm/knowledge', { entries: faq });
  await admin('POST', '/v1/robots', {
    id: 'brackets',
    name: 'Brackets',
    concurrency: 10,
    languages: ['en_US'],
    brain: { type: 'openai', baseUrl: `http://127.0.0.1:${llmPort}/v1`, model: 'm' },
  });
  const lexicon = Array.from({ length: 998 }, (_, i) => ({ word: `term${i}x`, say: `term ${i}` }));
  lexicon.push({ word: 'SKU', say: 'S K U' }, { word: '行长', say: '航长' });
  await admin('POST', '/v1/robots', { id: 'lexicon', name: 'Lexicon', concurrency: 10, lexicon });
  await admin('POST', '/v1/robots', { id: 'bigkb', name: 'Big KB', concurrency: 10 });
  const common = '的是在了和有我你他这个们中来上大为';
  for (let batch = 0; batch < 4; batch++) {
    const entries = Array.from({ length: 500 }, (_, i) => {
      const n = batch * 500 + i;
      const words = Array.from({ length: 12 }, (_, k) => common[(n * 7 + k * 3) % common.length]).join('');
      return { question: `${words}问题${n}`, answer: `这是第${n}条答案。`, language: 'zh_CN' };
    });
    await admin('POST', '/v1/robots/bigkb/knowledge', { entries });
  }
  // What a robot builds once, on its first turn, is built here, not in its attack's phase: the 2,000-entry knowledge
  // index (about 0.45 s of CPU, its last ~0.1 s in one piece) and the compiled lexicon. An attack phase then shows
  // what the attacker's requests cost, not what any first visitor of that robot would have set off.
  for (const robotId of ['bigkb', 'lexicon']) {
    const visitor = await openVisitor(serverUrl, ADMIN_KEY, robotId);
    await askTimed(visitor, '你好');
    visitor.socket.close(1000);
  }
}

/**
 * The server's own event-loop delay since the last call (prom-client resets its histogram on each scrape): what
 * the attacker's work on the server's event loop costs every visitor, apart from the machine's other load.
 */
async function serverLoopDelay() {
  const response = await fetch(`${serverUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await response.text();
  const seconds = (name) => Number(new RegExp(`^dhkit_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1]);
  return { p99Ms: +(seconds('p99') * 1000).toFixed(1), maxMs: +(seconds('max') * 1000).toFixed(1) };
}

const phase = (ms, stop) =>
  measure({ serverUrl, adminKey: ADMIN_KEY, serverPid: server.pid, robotId: 'calm', ms, loopDelay: serverLoopDelay, stop });

function runAttacker(attack, durationMs) {
  const child = spawn(
    process.execPath,
    ['bench/hostile/attacker.mjs', JSON.stringify({ attack, serverUrl, adminKey: ADMIN_KEY, durationMs })],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  return new Promise((resolve) =>
    child.once('exit', () => resolve(out.trim() ? JSON.parse(out.trim().split('\n').at(-1)) : { error: 'no result' })),
  );
}

const ratio = (value, base) => (value === null || !base ? null : +(value / base).toFixed(2));
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);

/** One attack while the normal visitors ask. */
async function attackPhase(attack) {
  const loadBefore = loadAverage()[0];
  // The slow reader's phase ends with it (when the server has ended its session); the others run the whole phase.
  const slow = attack === 'slowReader';
  const attacker = runAttacker(attack, slow ? SLOW_READER_MS : PHASE_MS);
  const [{ figures }, protections] = await Promise.all([phase(slow ? SLOW_READER_MS : PHASE_MS, slow ? attacker : undefined), attacker]);
  return { ...figures, loadAverage: [loadBefore, loadAverage()[0]], protections };
}

/** An attack's figures next to the no-attack ones: ratios of the p99s, of CPU per second, and the verdict. */
function compared(figures, noAttack) {
  const healthzRatio = ratio(figures.healthzP99Ms, noAttack.healthzP99Ms);
  const firstAudioRatio = ratio(figures.firstAudioP99Ms, noAttack.firstAudioP99Ms);
  return {
    ...figures,
    healthzRatio,
    firstAudioRatio,
    serverCpuRatio: ratio(figures.cpu?.serverMsPerSecond ?? null, noAttack.cpu?.serverMsPerSecond),
    withinTwoX: healthzRatio !== null && firstAudioRatio !== null && healthzRatio <= 2 && firstAudioRatio <= 2,
  };
}

try {
  await loadProtocol();
  await setUp();
  await phase(1500); // warm-up: espeak voices, JIT
  // No-attack phases before and after the attacks: the machine's other load drifts during a run, so each
  // attack is set against the pooled samples of both.
  const before = await phase(PHASE_MS);
  const measured = {};
  for (const attack of ATTACKS.filter((name) => !only || only.includes(name))) {
    measured[attack] = await attackPhase(attack);
    await sleep(1000);
  }
  const after = await phase(PHASE_MS);
  const noAttack = {
    ...summarize({
      healthz: [...before.samples.healthz, ...after.samples.healthz],
      firstAudio: [...before.samples.firstAudio, ...after.samples.firstAudio],
    }),
    cpu: { serverMsPerSecond: +((before.figures.cpu.serverMsPerSecond + after.figures.cpu.serverMsPerSecond) / 2).toFixed(1) },
  };
  const attacks = Object.fromEntries(Object.entries(measured).map(([name, figures]) => [name, compared(figures, noAttack)]));
  const report = {
    phaseMs: PHASE_MS,
    setup: { ...measureSetup, nice: Number(process.env.BENCH_NICE ?? 0) },
    noAttack,
    noAttackBefore: before.figures,
    noAttackAfter: after.figures,
    attacks,
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  server.kill('SIGTERM');
  llm.kill();
  await sleep(500);
  rmSync(dataDir, { recursive: true, force: true });
}
