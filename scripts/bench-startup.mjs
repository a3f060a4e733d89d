// Cold start, idle memory and shutdown of the embedded-defaults path (no DATABASE_URL, no
// REDIS_URL): what `npm start` runs (package.json's start script: `node <flags>
// dist/apps/server/main.js --with-worker`, its node flags included) with an empty DATA_DIR (initdb
// included), then again reusing it. Prints one JSON object on stdout; progress goes to stderr.
// Self-contained and bounded: it kills only the processes it started and removes its temp dir.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  SIGN_UP,
  VIEWER,
  buildIfNeeded,
  createLog,
  freePort,
  graphql,
  makeTempDir,
  mb,
  npmStartCommand,
  procKb,
  removeTempDir,
  runBenchmark,
  spawnServer,
  stopServer,
  waitHealthy,
} from './bench/common.mjs';

const COLD_START_TARGET_MS = 10_000;
const IDLE_RSS_TARGET_MB = 250;
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 45_000;
const OVERALL_TIMEOUT_MS = 6 * 60_000;
const IDLE_MS = 5_000;

const log = createLog('bench:startup');

/** Processes this script started (the server) and the temp dir it made: cleaned up on any exit path. */
const state = { children: new Set(), tempDir: undefined, postgresPids: new Set() };

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** PIDs whose command line mentions `pattern` (the postmaster is started with -D <DATA_DIR>/postgres). */
function pgrep(args) {
  try {
    return execFileSync('pgrep', args, { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number.parseInt(line, 10))
      .filter((pid) => Number.isInteger(pid) && pid !== process.pid);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** The postmaster(s) for DATA_DIR and all their descendants (backends, checkpointer, walwriter, …). */
function postgresProcesses(dataDir, serverPid) {
  const found = new Set(pgrep(['-f', dataDir]).filter((pid) => pid !== serverPid));
  const queue = [...found];
  while (queue.length > 0) {
    for (const child of pgrep(['-P', String(queue.shift())])) {
      if (!found.has(child)) {
        found.add(child);
        queue.push(child);
      }
    }
  }
  return [...found];
}

/** A field of /proc/<pid>/status or /proc/<pid>/smaps_rollup in kB (0 if the process is gone). */
const kbOf = (pid, file, field) => procKb(pid, file, field) ?? 0;

function serverEnv(dataDir, port, postgresPort) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  return {
    ...env,
    PORT: String(port),
    DATA_DIR: dataDir,
    EMBEDDED_POSTGRES_PORT: String(postgresPort),
    PUBLIC_ORIGIN: `http://localhost:${port}`,
    LOG_LEVEL: 'info',
    RATE_LIMIT_LOGIN_PER_IP: '1000000',
    RATE_LIMIT_LOGIN_FAILURES: '1000000',
    RATE_LIMIT_SIGNUP_PER_IP: '1000000',
    ...START.env,
  };
}

const START = npmStartCommand();

/** Starts the server; resolves once /health answers 200, with the time from spawn. */
async function startServer(label, env, port, problems) {
  const child = spawnServer(START.script, START.args, env, {
    problems,
    label,
    tagProblems: true,
    nodeArgs: START.nodeArgs,
  });
  state.children.add(child);
  void child.exited.then(() => state.children.delete(child));
  const ms = await waitHealthy(child, port, { timeoutMs: START_TIMEOUT_MS, pollMs: 25, errorPrefix: `${label}: ` });
  return { child, ms };
}

/** SIGTERM, then the time until the process has exited (SIGKILL after STOP_TIMEOUT_MS). */
const stop = async (child) => (await stopServer(child, STOP_TIMEOUT_MS, log)) ?? { ms: 0, code: child.exitCode };

async function cleanup() {
  for (const child of state.children) {
    log(`killing server ${child.pid}`);
    child.kill('SIGKILL');
  }
  // PostgreSQL processes this run started (through the server) that outlived it.
  const leftovers = [...state.postgresPids].filter(isAlive);
  if (state.tempDir) leftovers.push(...postgresProcesses(state.tempDir, -1).filter((pid) => !leftovers.includes(pid)));
  for (const pid of leftovers) {
    try {
      process.kill(pid, 'SIGQUIT');
    } catch {
      // already gone
    }
  }
  if (leftovers.length > 0) await sleep(1_000);
  removeTempDir(state.tempDir);
}

async function main() {
  buildIfNeeded(log);

  // PostgreSQL runs as the postgres system user when we are root: it must traverse this dir.
  state.tempDir = makeTempDir('guildhall-bench-startup-');
  const dataDir = state.tempDir;
  const port = await freePort();
  let postgresPort = await freePort();
  while (postgresPort === port) postgresPort = await freePort();
  const env = serverEnv(dataDir, port, postgresPort);
  const problems = [];
  log(`DATA_DIR=${dataDir} PORT=${port} EMBEDDED_POSTGRES_PORT=${postgresPort}`);

  // (a) First start: empty DATA_DIR, includes initdb.
  log('first start (empty DATA_DIR, runs initdb)');
  const first = await startServer('first', env, port, problems);
  log(`first start healthy after ${first.ms} ms`);
  for (const pid of postgresProcesses(dataDir, first.child.pid)) state.postgresPids.add(pid);
  const firstStop = await stop(first.child);
  log(`first stop took ${firstStop.ms} ms (exit ${firstStop.code})`);
  await sleep(500);
  const orphanedAfterFirst = postgresProcesses(dataDir, -1).length;

  // (b) Second start: reuses the initialised DATA_DIR.
  log('second start (reusing DATA_DIR)');
  const second = await startServer('second', env, port, problems);
  log(`second start healthy after ${second.ms} ms`);
  const serverPid = second.child.pid;

  // Warm-up: a signUp and a viewer query, then idle.
  const username = `bench_${Date.now().toString(36)}`;
  const { signUp } = await graphql(port, SIGN_UP, {
    i: { username, email: `${username}@example.com`, password: 'correct horse battery', displayName: 'Bench' },
  });
  const { viewer } = await graphql(port, VIEWER, {}, signUp.token);
  if (viewer?.id !== signUp.account.id) throw new Error(`viewer mismatch: ${JSON.stringify(viewer)}`);
  log(`warmed up as ${viewer.handle}; idling ${IDLE_MS} ms`);
  await sleep(IDLE_MS);

  const postgresPids = postgresProcesses(dataDir, serverPid);
  for (const pid of postgresPids) state.postgresPids.add(pid);
  const nodeRssKb = kbOf(serverPid, 'status', 'VmRSS');
  const postgresRssKb = postgresPids.reduce((sum, pid) => sum + kbOf(pid, 'status', 'VmRSS'), 0);
  const postgresPssKb = postgresPids.reduce((sum, pid) => sum + kbOf(pid, 'smaps_rollup', 'Pss'), 0);
  log(`idle RSS: node ${mb(nodeRssKb)} MB, postgres ${mb(postgresRssKb)} MB in ${postgresPids.length} processes`);

  // Shutdown: SIGTERM to exit, then nothing of PostgreSQL may remain for this DATA_DIR.
  const secondStop = await stop(second.child);
  log(`SIGTERM → exit in ${secondStop.ms} ms (exit ${secondStop.code ?? secondStop.signal})`);
  await sleep(500);
  const remaining = new Set([
    ...postgresProcesses(dataDir, -1),
    ...postgresPids.filter((pid) => isAlive(pid) && existsSync(`/proc/${pid}`)),
  ]);

  return {
    command: START.line,
    coldStartFirstMs: first.ms,
    coldStartSecondMs: second.ms,
    coldStartTargetMs: COLD_START_TARGET_MS,
    idleRssMb: mb(nodeRssKb),
    idleRssTargetMb: IDLE_RSS_TARGET_MB,
    postgresRssMb: mb(postgresRssKb),
    postgresPssMb: mb(postgresPssKb),
    postgresProcesses: postgresPids.length,
    shutdownMs: secondStop.ms,
    shutdownExitCode: secondStop.code ?? null,
    firstShutdownMs: firstStop.ms,
    orphanedPostgres: remaining.size,
    orphanedPostgresAfterFirstStop: orphanedAfterFirst,
    serverWarningsOrErrors: problems.length,
    serverProblems: problems.slice(0, 10),
    withinTargets: {
      coldStart: first.ms <= COLD_START_TARGET_MS && second.ms <= COLD_START_TARGET_MS,
      idleRss: mb(nodeRssKb) <= IDLE_RSS_TARGET_MB,
    },
    node: process.version,
  };
}

await runBenchmark({ log, timeoutMs: OVERALL_TIMEOUT_MS, main, cleanup });
