#!/usr/bin/env node
// `npm start`: builds what is missing or stale, then runs `dhkit serve` (extra arguments pass through).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Newest modification time of the source under a directory (tests are not built), 0 if it does not exist. */
function newest(dir) {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else if (!/\.test\.ts$/.test(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/** When a package was last built: its output, or tsc's build info (tsc -b leaves an output whose text is unchanged as it was). */
function builtAt(out, buildInfo) {
  const times = [out, buildInfo].filter((file) => file && existsSync(join(root, file))).map((file) => statSync(join(root, file)).mtimeMs);
  return times.length && existsSync(join(root, out)) ? Math.max(...times) : 0;
}

const outputs = [
  ['packages/protocol/src', 'packages/protocol/dist/index.js', 'packages/protocol/tsconfig.tsbuildinfo'],
  ['packages/sdk/src', 'packages/sdk/dist/dhkit.umd.js'],
  ['server/src', 'server/dist/cli.js', 'server/tsconfig.tsbuildinfo'],
];
const stale = outputs.some(([src, out, buildInfo]) => builtAt(out, buildInfo) < newest(join(root, src)));
if (stale) {
  console.log('dhkit: building…');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(process.execPath, [join(root, 'server/bin/dhkit.js'), 'serve', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

/** A process's parent and command name, by `ps` (Linux and macOS); null where that does not work. */
function processInfo(pid) {
  try {
    const [ppid, ...command] = execFileSync('ps', ['-o', 'ppid=,comm=', '-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .split(/\s+/);
    return { ppid: Number(ppid), command: command.join(' ') };
  } catch {
    return null;
  }
}

/**
 * `kill <pid of npm start>`: npm does not pass the signal on to its script, so the server would keep running and
 * listening. Watch the npm process (our parent, or the `sh -c` between us), and shut the server down gracefully
 * when it is gone.
 */
function watchNpm() {
  if (!process.env.npm_lifecycle_event) return;
  let npm = process.ppid;
  const parent = processInfo(npm);
  if (parent && /(^|\/)(sh|bash|dash|zsh)$/.test(parent.command)) npm = parent.ppid;
  if (!npm || npm <= 1) return;
  const timer = setInterval(() => {
    try {
      process.kill(npm, 0);
    } catch (error) {
      if (error.code !== 'ESRCH') return;
      clearInterval(timer);
      console.log('dhkit: npm has stopped; shutting the server down.');
      server.kill('SIGTERM');
    }
  }, 500);
  timer.unref();
}
watchNpm();
