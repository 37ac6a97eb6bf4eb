// The page's main thread while voice listens, from a Chromium trace (devtools.timeline): every task the renderer's
// main thread ran, and which of them ran the voice chunk's code (a function call whose script is /sdk/voice*).
// `browser.startTracing(page, …)` before, `mainThreadReport(await browser.stopTracing(), audioSeconds)` after.

/** The categories the report needs: top-level tasks (RunTask) and the script each function call ran. */
export const TRACE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline'];

const round = (value) => +value.toFixed(2);

/**
 * Over `audioSeconds` of listening: the voice chunk's tasks (wall and thread time per second of audio, the longest,
 * how many over 16 ms) and the main thread's tasks over 50 ms whatever ran them.
 */
export function mainThreadReport(traceBuffer, audioSeconds) {
  const events = JSON.parse(traceBuffer.toString('utf8')).traceEvents ?? [];
  const mainThreads = new Set(
    events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  const onMain = (e) => mainThreads.has(`${e.pid}:${e.tid}`) && e.ph === 'X' && typeof e.dur === 'number';
  const tasks = events.filter((e) => onMain(e) && e.name === 'RunTask').sort((a, b) => a.ts - b.ts);
  const voiceCalls = events.filter((e) => onMain(e) && e.name === 'FunctionCall' && /\/sdk\/voice/.test(e.args?.data?.url ?? ''));
  // Each voice function call, charged with the whole task it ran in (message decoding and microtasks included).
  const voiceTasks = new Set();
  for (const call of voiceCalls) voiceTasks.add(enclosing(tasks, call) ?? call);
  // Wall time (`dur`) is what the page feels; on a shared, busy machine it includes the time the thread waited for
  // a core. Thread time (`tdur`) is what the tasks themselves cost.
  const voiceMs = [...voiceTasks].map((t) => t.dur / 1000);
  const voiceCpuMs = [...voiceTasks].map((t) => (t.tdur ?? t.dur) / 1000);
  const allMs = tasks.map((t) => t.dur / 1000);
  const sum = (values) => values.reduce((total, ms) => total + ms, 0);
  return {
    audioSeconds,
    voiceMsPerAudioSecond: round(sum(voiceMs) / audioSeconds),
    voiceShareOfMainThreadPercent: round(sum(voiceMs) / (audioSeconds * 10)),
    voiceThreadTimeMsPerAudioSecond: round(sum(voiceCpuMs) / audioSeconds),
    voiceThreadTimeSharePercent: round(sum(voiceCpuMs) / (audioSeconds * 10)),
    voiceTasks: voiceMs.length,
    longestVoiceTaskMs: round(Math.max(0, ...voiceMs)),
    longestVoiceTaskThreadTimeMs: round(Math.max(0, ...voiceCpuMs)),
    voiceTasksOver16Ms: voiceMs.filter((ms) => ms > 16).length,
    voiceTasksOver16MsThreadTime: voiceCpuMs.filter((ms) => ms > 16).length,
    mainThreadTasks: tasks.length,
    longTasksOver50MsAnyCause: allMs.filter((ms) => ms > 50).length,
    longestMainThreadTaskMs: round(Math.max(0, ...allMs)),
  };
}

/** The task (sorted by start) that contains `event`, by binary search on the start time. */
function enclosing(tasks, event) {
  let low = 0;
  let high = tasks.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (tasks[middle].ts <= event.ts) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  const task = tasks[found];
  return task && task.ts + task.dur >= event.ts + event.dur ? task : undefined;
}
