// Memory under a long mixed load (issue 13): the built server with its worker, as `npm start`
// runs it (package.json's start line, node flags included), on a scratch database seeded like
// bench:timeline (ACCOUNTS accounts, --posts posts, ~100 follows each), then for --minutes
// (default 10) HOME reads (GraphQL and Mastodon REST, autocannon), writes (createPost, likePost)
// and federation (signed Likes and Creates of replies from a fake peer on loopback) at once.
// RSS is read from /proc/<pid>/status every 10 s; the heap (process.memoryUsage(), V8's spaces)
// comes from scripts/bench/memory-sampler.mjs, preloaded into the child with --import. Reports
// the idle RSS (after the seed, before the load), the peak under load, the RSS after the load and
// 30 s idle, and the least-squares slope of RSS over the second half of the load, against the
// issue's targets. With --snapshots, heap snapshots (node --heapsnapshot-signal=SIGUSR2) are
// taken after the idle reading and after the post-load reading, written to
// bench-results/soak-<run>/, and summarised (scripts/bench/heap-snapshot-summary.mjs): what grew,
// by constructor. Writing a snapshot leaves the process ~400 MB larger, so the RSS figures of such
// a run are not comparable: measure RSS without --snapshots (docs/adr/0054). Prints one JSON object on
// stdout; progress on stderr. Scratch database and QUEUE_PREFIX removed at the end.
//
//   npm run bench:soak -- [--minutes=10] [--posts=100000] [--snapshots] [--node-args="--flag …"]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  SIGN_UP,
  buildIfNeeded,
  createLog,
  createScratchRun,
  freePort,
  graphql,
  makeTempDir,
  npmStartCommand,
  root,
  round,
  rssMb,
  runBenchmark,
  withClient,
} from './bench/common.mjs';
import { federationChildEnv, isHarnessNoise, shimActed } from './bench/federation-common.mjs';
import { createPost, federationLoad, readLoad, slope, startPeer, writeLoad } from './bench/soak-load.mjs';
import { seedTimeline } from './bench/timeline-seed.mjs';

const require = createRequire(import.meta.url);
const option = (name, fallback) => {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return given ? Number(given.slice(name.length + 3)) : fallback;
};
const MINUTES = option('minutes', 10);
const POSTS = option('posts', 100_000);
/** Heap snapshots leave the process ~400 MB larger (the writer's native memory): opt-in, for the constructor diff. */
const SNAPSHOTS = process.argv.includes('--snapshots');
/** --node-args="--flag --other": more node/V8 flags for the server, after npm start's (to try GC settings). */
const EXTRA_NODE_ARGS = (process.argv.find((arg) => arg.startsWith('--node-args='))?.slice('--node-args='.length) ?? '')
  .split(/\s+/)
  .filter(Boolean);
const ACCOUNTS = 1_000;
const FOLLOWS_PER_ACCOUNT = 100;
const MEMBERS = 24;
const PEER_ACTORS = 8;
const READ_CONNECTIONS = 4; // each, GraphQL and REST
const WRITE_CONCURRENCY = 2;
const FEDERATION_CONCURRENCY = 2;
const SAMPLE_MS = 10_000;
const IDLE_BEFORE_S = 20;
const IDLE_AFTER_S = 30;
const PASSWORD = 'correct horse battery staple';
const TARGETS = { maxPeakRssMb: 400, maxIdleRssMb: 250, maxSlopeMbPerMin: 1 };
const OVERALL_TIMEOUT_MS = (MINUTES + 15) * 60_000;

const log = createLog('bench:soak');
const run = createScratchRun(log);
const state = { peer: undefined };
const START = npmStartCommand();
const SAMPLER = fileURLToPath(new URL('./bench/memory-sampler.mjs', import.meta.url));

async function cleanup() {
  state.peer?.close();
  await run.cleanup();
}

/** The last line the child's memory sampler wrote, or null. */
function lastHeapSample(file) {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    return JSON.parse(lines[lines.length - 1]);
  } catch {
    return null;
  }
}

/** One reading: RSS from /proc now, and the sampler's latest heap figures. */
function reading(pid, memoryLog, startedAt) {
  const heap = lastHeapSample(memoryLog);
  return {
    s: Math.round((performance.now() - startedAt) / 1000),
    rssMb: rssMb(pid),
    heapUsedMb: heap?.heapUsed ?? null,
    heapTotalMb: heap?.heapTotal ?? null,
    externalMb: heap?.external ?? null,
    arrayBuffersMb: heap?.arrayBuffers ?? null,
    newSpaceMb: heap?.spaces?.new?.size ?? null,
    oldSpaceMb: heap ? round(heap.spaces.old.size, 1) : null,
  };
}

/**
 * SIGUSR2 to the child (node --heapsnapshot-signal) and waits until a new .heapsnapshot in `dir`
 * stops growing and the server answers /health again (the snapshot is written on its main thread).
 */
async function heapSnapshot(child, port, dir, label) {
  const before = new Set(readdirSync(dir));
  const started = performance.now();
  child.kill('SIGUSR2');
  let file;
  let lastSize = -1;
  while (performance.now() - started < 180_000) {
    await sleep(1_000);
    file ??= readdirSync(dir).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (!file) continue;
    const size = statSync(join(dir, file)).size;
    if (size === lastSize && size > 0) {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (response.status === 200) break;
    }
    lastSize = size;
  }
  if (!file) throw new Error(`no heap snapshot (${label}) within 180 s`);
  const path = join(dir, file);
  log(`heap snapshot ${label}: ${relative(root, path)} (${round(statSync(path).size / 1048576)} MB file)`);
  return path;
}

/** Summaries in a child node with room for a large snapshot (this process stays small). */
function compareSnapshots(before, after) {
  const script = fileURLToPath(new URL('./bench/heap-snapshot-summary.mjs', import.meta.url));
  const output = execFileSync(process.execPath, ['--max-old-space-size=6144', script, before, after], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(output);
}

async function main() {
  const loadAtStart = loadavg().map((n) => round(n, 2));
  buildIfNeeded(log);
  const { uuidv7 } = require(join(root, 'dist/libs/core/src/index.js'));
  state.peer = await startPeer(PEER_ACTORS);
  log(`peer ${state.peer.origin}: ${PEER_ACTORS} actors with RSA-2048 keys`);

  await run.createDatabase();
  run.tempDir = makeTempDir('guildhall-bench-soak-');
  const resultsDir = join(root, 'bench-results', `soak-${run.runId}`);
  mkdirSync(resultsDir, { recursive: true });
  const memoryLog = join(resultsDir, 'memory.jsonl');
  const port = await freePort();
  const env = federationChildEnv(
    run.serverEnv(port, {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PUBLIC_ORIGIN: `http://127.0.0.1:${port}`,
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
      RATE_LIMIT_SIGNUP_PER_IP: '1000000',
      BENCH_MEMORY_LOG: memoryLog,
      BENCH_MEMORY_SAMPLE_MS: String(SAMPLE_MS / 2),
      ...START.env,
    }),
  );
  const nodeArgs = [
    ...START.nodeArgs,
    ...EXTRA_NODE_ARGS,
    `--import=${SAMPLER}`,
    ...(SNAPSHOTS ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${resultsDir}`] : []),
  ];
  const problems = [];
  const startMs = await run.startServer(START.script, START.args, env, { port, problems, nodeArgs });
  const pid = run.server.pid;
  log(`server (${START.line}) healthy after ${startMs} ms; pid ${pid}`);

  const members = [];
  for (let i = 0; i < MEMBERS; i++) {
    const username = `soak_${i}`;
    const { signUp } = await graphql(port, SIGN_UP, {
      i: { username, email: `${username}@bench.example`, password: PASSWORD, displayName: `Soak ${i}` },
    });
    members.push({ id: signUp.account.id, token: signUp.token });
  }
  const seedStarted = performance.now();
  const seed = await withClient(run.databaseUrl, async (client) => {
    const sizes = await seedTimeline(client, {
      accounts: ACCOUNTS,
      posts: POSTS,
      followsPerAccount: FOLLOWS_PER_ACCOUNT,
      readers: members,
      uuidv7,
    });
    await client.query('VACUUM (ANALYZE)');
    return sizes;
  });
  seed.ms = Math.round(performance.now() - seedStarted);
  log(`seeded in ${seed.ms} ms: ${JSON.stringify(seed)}`);
  // Local posts the likes and the peer's replies point at; the write load adds to them.
  const posts = [];
  for (const member of members) posts.push(await createPost(port, member, 'A post to start the soak with.'));

  await sleep(IDLE_BEFORE_S * 1000);
  const startedAt = performance.now();
  const idle = reading(pid, memoryLog, startedAt);
  log(`idle: ${JSON.stringify(idle)}`);
  const snapshots = {};
  if (SNAPSHOTS) snapshots.before = await heapSnapshot(run.server, port, resultsDir, 'before the load');

  log(`load: ${MINUTES} min of reads, writes and federation`);
  const loadStarted = performance.now();
  const deadline = loadStarted + MINUTES * 60_000;
  const samples = [];
  const sampler = setInterval(() => {
    const sample = reading(pid, memoryLog, loadStarted);
    samples.push(sample);
    log(`sample: ${JSON.stringify(sample)}`);
  }, SAMPLE_MS);
  const [reads, writes, federation] = await Promise.all([
    readLoad({ port, members, connections: READ_CONNECTIONS, seconds: MINUTES * 60 }),
    writeLoad({ port, members, posts, concurrency: WRITE_CONCURRENCY, deadline }),
    federationLoad({
      port,
      peer: state.peer,
      postUris: () => posts.map((post) => post.uri),
      concurrency: FEDERATION_CONCURRENCY,
      deadline,
    }),
  ]);
  clearInterval(sampler);
  log(`load done: ${JSON.stringify({ reads, writes, federation })}`);

  await sleep(IDLE_AFTER_S * 1000);
  const afterIdle = reading(pid, memoryLog, loadStarted);
  log(`after the load and ${IDLE_AFTER_S} s idle: ${JSON.stringify(afterIdle)}`);
  if (SNAPSHOTS) snapshots.after = await heapSnapshot(run.server, port, resultsDir, 'after the load');
  const serverStop = await run.stopServer();

  const loadMinutes = (performance.now() - loadStarted) / 60_000;
  const secondHalf = samples.filter((sample) => sample.s >= (MINUTES * 60) / 2 && sample.rssMb !== null);
  const peak = Math.max(...samples.map((sample) => sample.rssMb ?? 0));
  const rssSlope = slope(secondHalf.map((sample) => [sample.s / 60, sample.rssMb]));
  const heapSlope = slope(
    secondHalf.filter((sample) => sample.heapUsedMb !== null).map((sample) => [sample.s / 60, sample.heapUsedMb]),
  );
  const meets = {
    peakRss: peak < TARGETS.maxPeakRssMb,
    idleRssBeforeLoad: idle.rssMb < TARGETS.maxIdleRssMb,
    idleRssAfterLoad: afterIdle.rssMb < TARGETS.maxIdleRssMb,
    slope: rssSlope !== null && rssSlope < TARGETS.maxSlopeMbPerMin,
  };
  let heap = null;
  if (SNAPSHOTS) {
    log('summarising the heap snapshots');
    heap = { files: Object.fromEntries(Object.entries(snapshots).map(([k, v]) => [k, relative(root, v)])) };
    heap.comparison = compareSnapshots(snapshots.before, snapshots.after);
  }
  const appProblems = problems.filter((line) => !isHarnessNoise(line));
  return {
    node: process.version,
    cpus: cpus().length,
    loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((n) => round(n, 2)) },
    setup: {
      command: [
        ...Object.entries(START.env).map(([name, value]) => `${name}=${value}`),
        'node',
        ...nodeArgs,
        START.script,
        ...START.args,
      ].join(' '),
      minutes: MINUTES,
      loadMinutes: round(loadMinutes, 2),
      seed,
      members: MEMBERS,
      load: {
        reads: `${READ_CONNECTIONS} autocannon connections each: GraphQL timeline(kind: HOME) and GET /api/v1/timelines/home`,
        writes: `${WRITE_CONCURRENCY} lanes alternating createPost and likePost`,
        federation: `${FEDERATION_CONCURRENCY} lanes of signed POST /inbox from ${PEER_ACTORS} peer actors, alternating Like and Create (a reply to a local post)`,
      },
      heapSnapshots: SNAPSHOTS,
    },
    rssMb: {
      idleBeforeLoad: idle.rssMb,
      peakUnderLoad: peak,
      afterLoadAndIdle: afterIdle.rssMb,
      slopeSecondHalfMbPerMin: rssSlope,
    },
    heapUsedSlopeSecondHalfMbPerMin: heapSlope,
    targets: TARGETS,
    meets: { ...meets, all: Object.values(meets).every(Boolean) },
    readings: { idle, afterIdle },
    samples,
    throughput: { reads, writes, federation, peer: state.peer.counts },
    heap,
    memoryLog: relative(root, memoryLog),
    workarounds: { allowPrivateAddressShim: shimActed(problems) ? 'ACTED' : 'not needed' },
    server: {
      startMs,
      shutdownMs: serverStop?.ms ?? null,
      warningsOrErrors: appProblems.length,
      firstProblems: appProblems.slice(0, 8),
    },
    notes: [
      'RSS from /proc/<pid>/status (VmRSS) of the server process (server and worker in one process, as npm start runs it).',
      'Heap figures come from memory-sampler.mjs in the child (every 5 s); each reading takes its latest line.',
      'With --snapshots, the snapshot before the load is taken after the idle reading; writing it leaves the process ~400 MB larger, so peak and after-load RSS of such a run include that.',
      'Everything (server, PostgreSQL, Redis, this load generator) shares this machine with other work: see loadAverage.',
    ],
  };
}

await runBenchmark({ log, timeoutMs: OVERALL_TIMEOUT_MS, main, cleanup });
