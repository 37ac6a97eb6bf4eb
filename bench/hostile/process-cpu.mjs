// CPU time of the server under test, from /proc (Linux): what the server itself spent in a phase, apart from
// the machine's other load, which on a shared machine moves the wall-clock figures more than any attack does.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on every Linux the bench runs on

/** {pid, ppid, ownMs, reapedChildrenMs} of one process, or null once it is gone. */
function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = (i) => Number(fields[i - 3]);
    return { pid, ppid: ticks(4), ownMs: (ticks(14) + ticks(15)) * TICK_MS, reapedChildrenMs: (ticks(16) + ticks(17)) * TICK_MS };
  } catch {
    return null;
  }
}

/**
 * The server process's own CPU ms, and that of it and all its descendants (espeak-ng helpers and their
 * children), counting exited children through their parent's reaped-children time.
 */
function cpuSnapshot(rootPid) {
  const all = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const entry = stat(Number(name));
    if (entry) all.push(entry);
  }
  const children = new Map();
  for (const entry of all) children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), entry]);
  const root = all.find((entry) => entry.pid === rootPid);
  if (!root) return null;
  let treeMs = 0;
  const stack = [root];
  while (stack.length > 0) {
    const entry = stack.pop();
    treeMs += entry.ownMs + entry.reapedChildrenMs;
    stack.push(...(children.get(entry.pid) ?? []));
  }
  return { serverMs: root.ownMs, treeMs };
}

/** Busy and total jiffies of the whole machine (/proc/stat), for its load during a phase. */
function machineSnapshot() {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const values = cpu.split(/\s+/).slice(1).map(Number);
  const idle = values[3] + (values[4] ?? 0);
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/** CPU of the server (and its process tree) and the machine's busy share between two snapshots. */
export function cpuBetween(before, after, wallMs) {
  if (!before.server || !after.server) return null;
  const perSecond = (ms) => +((ms * 1000) / wallMs).toFixed(1);
  const machineTotal = after.machine.total - before.machine.total;
  return {
    serverMs: after.server.serverMs - before.server.serverMs,
    serverMsPerSecond: perSecond(after.server.serverMs - before.server.serverMs),
    serverTreeMs: after.server.treeMs - before.server.treeMs,
    serverTreeMsPerSecond: perSecond(after.server.treeMs - before.server.treeMs),
    machineBusyPercent: machineTotal > 0 ? +((100 * (after.machine.busy - before.machine.busy)) / machineTotal).toFixed(1) : null,
  };
}

export function snapshot(rootPid) {
  return { server: cpuSnapshot(rootPid), machine: machineSnapshot() };
}
