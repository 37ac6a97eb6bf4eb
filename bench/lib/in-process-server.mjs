// The server inside the benchmark's own process, for the benchmarks that drive it from Chromium. A benchmark's stdout
// is its JSON alone (`npm run bench > figures.json`), so the server's start-up lines (the demo notice, the speech
// engine, the admin key notice), written for a person at a terminal, go to stderr, and so does its log.
import { startServer } from '../../server/dist/index.js';

/** startServer(options), with the start-up lines and the server's log on stderr instead of stdout. */
export async function startBenchServer(options) {
  // startServer prints its start-up lines with console.log and has no option for where they go; only these lines are
  // written while it starts (the benchmark itself waits for it), so console.log is pointed at stderr for that time.
  const log = console.log;
  console.log = (...args) => console.error(...args);
  try {
    return await startServer({ logStream: process.stderr, ...options });
  } finally {
    console.log = log;
  }
}
