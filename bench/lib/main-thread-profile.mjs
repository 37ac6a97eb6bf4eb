// Main-thread time by kind (script, style, layout, paint, image decoding, …) between two user-timing marks of a
// Chromium trace: each trace event's self time (its duration less its children's), summed per event name, on the
// thread that made the marks. Thread time (CPU time the main thread really ran) is given beside wall time: on a
// loaded machine wall time mostly measures waiting for a core, thread time what the work itself costs.

/** Trace categories that hold the main thread's work and the page's user-timing marks. */
export const MAIN_THREAD_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'v8.execute'];

const ms = (us) => Math.round(us / 100) / 10;

/**
 * `trace`: the JSON of a Chromium trace (Playwright's `browser.stopTracing()`); `from`/`to`: user-timing mark names.
 * Returns {windowMs, busyMs, busyThreadMs, threadMsByKind (self thread time, largest first, ≥ 1 ms)}, or null when
 * a mark is missing. Events that cross the window's edges count whole (the first and last task are small).
 */
export function mainThreadProfile(trace, from, to) {
  const events = (JSON.parse(trace).traceEvents ?? []).filter((e) => e.ph);
  const mark = (name) => events.find((e) => e.name === name && String(e.cat).includes('blink.user_timing'));
  const start = mark(from);
  const end = mark(to);
  if (!start || !end) return null;
  const onThread = events
    .filter((e) => e.ph === 'X' && e.pid === start.pid && e.tid === start.tid && e.ts + (e.dur ?? 0) > start.ts && e.ts < end.ts)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const selfUs = new Map();
  const stack = [];
  let busyUs = 0;
  let busyThreadUs = 0;
  for (const event of onThread) {
    while (stack.length && stack[stack.length - 1].ts + (stack[stack.length - 1].dur ?? 0) <= event.ts) stack.pop();
    const parent = stack[stack.length - 1];
    const threadUs = event.tdur ?? event.dur ?? 0;
    if (parent) selfUs.set(parent.name, (selfUs.get(parent.name) ?? 0) - threadUs);
    else {
      busyUs += event.dur ?? 0;
      busyThreadUs += threadUs;
    }
    selfUs.set(event.name, (selfUs.get(event.name) ?? 0) + threadUs);
    stack.push(event);
  }
  const threadMsByKind = Object.fromEntries(
    [...selfUs]
      .map(([name, us]) => [name, ms(us)])
      .filter(([, value]) => value >= 1)
      .sort((a, b) => b[1] - a[1]),
  );
  return { windowMs: ms(end.ts - start.ts), busyMs: ms(busyUs), busyThreadMs: ms(busyThreadUs), threadMsByKind };
}
