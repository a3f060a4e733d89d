// Preloaded (node --import) into the server `npm run bench:soak` starts: every
// BENCH_MEMORY_SAMPLE_MS (default 10 s) it appends one JSON line to BENCH_MEMORY_LOG with
// process.memoryUsage() and V8's heap spaces, in MB. Bench-only: the app itself has no memory
// endpoint or log (an env-gated route would be production code). The timer is unref'd, so it
// never keeps the process alive; a write that fails (the file is gone) stops the sampling.
import { appendFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.BENCH_MEMORY_LOG;
const everyMs = Number(process.env.BENCH_MEMORY_SAMPLE_MS ?? 10_000);
const mb = (bytes) => Math.round((bytes / 1048576) * 10) / 10;

function sample() {
  const usage = process.memoryUsage();
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((space) => [
      space.space_name.replace(/_space$/, ''),
      { size: mb(space.space_size), used: mb(space.space_used_size) },
    ]),
  );
  return {
    at: Date.now(),
    rss: mb(usage.rss),
    heapTotal: mb(usage.heapTotal),
    heapUsed: mb(usage.heapUsed),
    external: mb(usage.external),
    arrayBuffers: mb(usage.arrayBuffers),
    spaces,
  };
}

if (file) {
  const timer = setInterval(() => {
    try {
      appendFileSync(file, `${JSON.stringify(sample())}\n`);
    } catch {
      clearInterval(timer);
    }
  }, everyMs);
  timer.unref();
}
