// CPU time of processes, for figures that mean something on a shared machine: wall-clock rates move with other
// people's load, the CPU a process spends per operation much less. Linux /proc only (null elsewhere).
import fs from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux build we run on (getconf CLK_TCK)

/** User + system CPU microseconds a process has used so far, or null when it is gone or there is no /proc. */
function processCpuMicros(pid) {
  let stat;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * Starts counting the CPU of `pids` (an array, or an async function giving the array, asked again at the stop:
 * a process that starts in between counts from its own start). Resolves with `stop()`, which answers the
 * microseconds used in between, summed. A process gone before the stop is left out (its last use is unknown).
 */
export async function cpuMeter(pids) {
  const listPids = typeof pids === 'function' ? pids : async () => pids;
  const read = async () => new Map((await listPids()).map((pid) => [pid, processCpuMicros(pid)]).filter(([, us]) => us !== null));
  const started = await read();
  return {
    async stop() {
      let total = 0;
      for (const [pid, us] of await read()) total += us - (started.get(pid) ?? 0);
      return total;
    },
  };
}
