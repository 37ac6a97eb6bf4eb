/** The Chromium processes a test started (descendants of this process), read from /proc. */
import fs from 'node:fs';

export interface ProcessInfo {
  pid: number;
  uid: number;
  cmdline: string[];
  /** The user namespace (`user:[4026531837]`): a sandboxed renderer has its own. */
  userNamespace: string;
}

function read(pid: number): ProcessInfo | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { pid, uid, cmdline, userNamespace: fs.readlinkSync(`/proc/${pid}/ns/user`) };
  } catch {
    return null; // gone, or not ours to read
  }
}

function parentOf(pid: number): number {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
  } catch {
    return 0;
  }
}

/** Every process below `root`, however deep (Chromium's zygotes fork the renderers). */
export function descendantsOf(root: number): ProcessInfo[] {
  const pids = fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
  const children = new Map<number, number[]>();
  for (const pid of pids) {
    const parent = parentOf(pid);
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const found: ProcessInfo[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length) {
    const pid = queue.shift()!;
    const info = read(pid);
    if (info) found.push(info);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}
