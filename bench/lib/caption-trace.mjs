// BENCH_TRACE=file for bench:livekit: what happened in the visitor's page around each caption, written as JSON to
// `file` (one entry per toned session) so that a late caption can be told apart: a report that came late, a clock
// that read wrong, a timer that fired late (the page's main thread busy: long tasks), or the onset measured late.

/**
 * Runs in the visitor's page before its scripts (page.addInitScript): records, once `__trace.on` is set, every
 * reading of the voice receiver's synchronization sources, every speech report decoded, every short timer (when it
 * was set, for how long, when it fired) and the page's long tasks. Page times are `performance.now()`.
 */
export function installCaptionTrace() {
  const trace = { on: false, reads: [], reports: [], timers: [], longTasks: [] };
  window.__trace = trace;
  const sources = RTCRtpReceiver.prototype.getSynchronizationSources;
  RTCRtpReceiver.prototype.getSynchronizationSources = function () {
    const asked = performance.now();
    const result = sources.call(this);
    if (trace.on && this.track?.kind === 'audio') {
      const t = performance.now();
      for (const s of result) trace.reads.push({ asked, t, rtp: s.rtpTimestamp, at: s.timestamp - performance.timeOrigin });
    }
    return result;
  };
  const decode = TextDecoder.prototype.decode;
  TextDecoder.prototype.decode = function (...args) {
    const text = decode.apply(this, args);
    if (trace.on && text.includes('"speechStart"')) {
      try {
        const event = JSON.parse(text);
        trace.reports.push({ t: performance.now(), clauseId: event.clauseId, rtp: event.rtpTimestamp, inMs: event.inMs });
      } catch {}
    }
    return text;
  };
  const setTimer = window.setTimeout;
  window.setTimeout = function (callback, delay, ...rest) {
    if (!trace.on || typeof callback !== 'function' || !(Number(delay) <= 400)) return setTimer.call(this, callback, delay, ...rest);
    const timer = { set: performance.now(), delay: Number(delay) || 0, fired: null };
    trace.timers.push(timer);
    return setTimer.call(
      this,
      function (...args) {
        timer.fired = performance.now();
        return callback.apply(this, args);
      },
      delay,
      ...rest,
    );
  };
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (trace.on) trace.longTasks.push({ start: entry.startTime, ms: entry.duration });
    }).observe({ type: 'longtask' });
  } catch {}
}

/**
 * Per clause of one session: the report's arrival, the receiver's last reading before the caption, the timer that
 * showed it (set, due, fired), the long tasks that overlapped its wait, and the onset against what the readings say.
 */
export function clauseTraces(trace, captions, onsets) {
  const clauses = [];
  trace.reports.forEach((report, i) => {
    const caption = captions[i];
    const onset = onsets[i];
    if (!caption) return;
    // The timer whose callback showed the caption: the last one fired at or just before the caption's mutation.
    const timer = trace.timers.filter((t) => t.fired !== null && t.fired <= caption.t + 1).at(-1);
    const reads = trace.reads.filter((r) => r.t >= report.t && r.t <= caption.t + 1);
    const last = reads.at(-1);
    // When the readings say the report's first sample is played out (the receiver's own mapping, no correction).
    const mapped = (r) => r.at + (((report.rtp - r.rtp) | 0) * 1000) / 48_000;
    const latestMapping = reads.length ? Math.max(...reads.slice(-4).map(mapped)) : null;
    clauses.push({
      clauseId: report.clauseId,
      reportLeadMs: onset ? Math.round(onset.t - report.t) : null,
      captionMinusOnsetMs: onset ? Math.round(caption.t - onset.t) : null,
      onsetMinusReadingMs: onset && latestMapping !== null ? Math.round(onset.t - latestMapping) : null,
      onsetMessageLagMs: onset ? Math.round(onset.receivedAt - onset.t) : null,
      reads: reads.length,
      lastReadAgeMs: last ? Math.round(last.t - last.at) : null,
      lastReadBeforeCaptionMs: last ? Math.round(caption.t - last.t) : null,
      timer: timer && { delay: Math.round(timer.delay), lateMs: Math.round(timer.fired - timer.set - timer.delay) },
      longTasksDuringWait: trace.longTasks
        .filter((task) => task.start + task.ms >= report.t && task.start <= caption.t)
        .map((task) => Math.round(task.ms)),
    });
  });
  return clauses;
}

/**
 * Over all traced sessions: how long the page waited for each reading of the receiver, how late its short timers
 * fired, and its long tasks (ms; `summary` as the bench prints figures).
 */
export function traceSummary(traces, summary) {
  const raw = traces.map((session) => session.raw);
  const readsMs = raw.flatMap((trace) => trace.reads.map((read) => read.t - read.asked));
  return {
    receiverReadMs: { ...summary(readsMs.map((ms) => Math.round(ms * 10) / 10)), over50: readsMs.filter((ms) => ms > 50).length },
    timerLateMs: summary(raw.flatMap((trace) => trace.timers.filter((t) => t.fired !== null).map((t) => t.fired - t.set - t.delay))),
    longTasksMs: {
      ...summary(raw.flatMap((trace) => trace.longTasks.map((task) => task.ms))),
      perSession: raw.map((t) => t.longTasks.length),
    },
  };
}
