// Cold start, idle memory and shutdown of the embedded-defaults path (no DATABASE_URL, no
// REDIS_URL): `node dist/apps/server/main.js --with-worker` with an empty DATA_DIR (initdb
// included), then again reusing it. Prints one JSON object on stdout; progress goes to stderr.
// Self-contained and bounded: it kills only the processes it started and removes its temp dir.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const COLD_START_TARGET_MS = 10_000;
const IDLE_RSS_TARGET_MB = 250;
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 45_000;
const OVERALL_TIMEOUT_MS = 6 * 60_000;
const IDLE_MS = 5_000;

const log = (message) => process.stderr.write(`bench:startup +${(performance.now() / 1000).toFixed(1)}s: ${message}\n`);

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

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
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
function procKb(pid, file, field) {
  try {
    const match = readFileSync(`/proc/${pid}/${file}`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

const mb = (kb) => Math.round((kb / 1024) * 10) / 10;

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
  };
}

/** Starts the server; resolves once /health answers 200, with the time from spawn. */
async function startServer(label, env, port, problems) {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'dist/apps/server/main.js'), '--with-worker'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  state.children.add(child);
  child.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      child.exitTime = performance.now();
      state.children.delete(child);
      resolve({ code, signal });
    });
  });
  const scan = (stream) => {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop();
      for (const line of lines) {
        if (line.trim() === '') continue;
        process.stderr.write(`  [${label}] ${line}\n`);
        // pino lines are JSON (level ≥ 40 is warn or worse); anything else on stderr is a raw
        // dump (console.error, an uncaught error): count its first line, not its continuation.
        let level;
        try {
          level = JSON.parse(line).level;
        } catch {
          level = stream === child.stderr && /^[^\s}\]]/.test(line) ? 50 : 30;
        }
        if (typeof level === 'number' && level >= 40) problems.push(`[${label}] ${line.slice(0, 300)}`);
      }
    });
  };
  scan(child.stdout);
  scan(child.stderr);

  let exited;
  void child.exited.then((result) => (exited = result));
  const deadline = started + START_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (exited) throw new Error(`${label}: server exited before it was healthy (${JSON.stringify(exited)})`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return { child, ms: Math.round(performance.now() - started) };
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  throw new Error(`${label}: /health did not answer 200 within ${START_TIMEOUT_MS} ms`);
}

/** SIGTERM, then the time until the process has exited (SIGKILL after STOP_TIMEOUT_MS). */
async function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return { ms: 0, code: child.exitCode };
  const sent = performance.now();
  child.kill('SIGTERM');
  const timer = sleep(STOP_TIMEOUT_MS, 'timeout', { ref: false });
  const result = await Promise.race([child.exited, timer]);
  if (result === 'timeout') {
    log(`server ${child.pid} did not exit ${STOP_TIMEOUT_MS} ms after SIGTERM; sending SIGKILL`);
    child.kill('SIGKILL');
    await child.exited;
    return { ms: Math.round(performance.now() - sent), code: null, signal: 'SIGKILL', timedOut: true };
  }
  return { ms: Math.round(child.exitTime - sent), code: result.code, signal: result.signal ?? undefined };
}

async function graphql(port, query, variables, token) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = await response.json();
  if (response.status !== 200 || body.errors) {
    throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  }
  return body.data;
}

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
  if (state.tempDir && existsSync(state.tempDir)) rmSync(state.tempDir, { recursive: true, force: true });
}

async function main() {
  log('building if needed');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-needed'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });

  state.tempDir = mkdtempSync(join(tmpdir(), 'guildhall-bench-startup-'));
  // PostgreSQL runs as the postgres system user when we are root: it must traverse this dir.
  chmodSync(state.tempDir, 0o755);
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
  const firstStop = await stopServer(first.child);
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
  const { signUp } = await graphql(
    port,
    'mutation($i: SignUpInput!){ signUp(input:$i){ token account { id handle } } }',
    { i: { username, email: `${username}@example.com`, password: 'correct horse battery', displayName: 'Bench' } },
  );
  const { viewer } = await graphql(port, 'query { viewer { id handle } }', {}, signUp.token);
  if (viewer?.id !== signUp.account.id) throw new Error(`viewer mismatch: ${JSON.stringify(viewer)}`);
  log(`warmed up as ${viewer.handle}; idling ${IDLE_MS} ms`);
  await sleep(IDLE_MS);

  const postgresPids = postgresProcesses(dataDir, serverPid);
  for (const pid of postgresPids) state.postgresPids.add(pid);
  const nodeRssKb = procKb(serverPid, 'status', 'VmRSS');
  const postgresRssKb = postgresPids.reduce((sum, pid) => sum + procKb(pid, 'status', 'VmRSS'), 0);
  const postgresPssKb = postgresPids.reduce((sum, pid) => sum + procKb(pid, 'smaps_rollup', 'Pss'), 0);
  log(`idle RSS: node ${mb(nodeRssKb)} MB, postgres ${mb(postgresRssKb)} MB in ${postgresPids.length} processes`);

  // Shutdown: SIGTERM to exit, then nothing of PostgreSQL may remain for this DATA_DIR.
  const stop = await stopServer(second.child);
  log(`SIGTERM → exit in ${stop.ms} ms (exit ${stop.code ?? stop.signal})`);
  await sleep(500);
  const remaining = new Set([
    ...postgresProcesses(dataDir, -1),
    ...postgresPids.filter((pid) => isAlive(pid) && existsSync(`/proc/${pid}`)),
  ]);

  return {
    coldStartFirstMs: first.ms,
    coldStartSecondMs: second.ms,
    coldStartTargetMs: COLD_START_TARGET_MS,
    idleRssMb: mb(nodeRssKb),
    idleRssTargetMb: IDLE_RSS_TARGET_MB,
    postgresRssMb: mb(postgresRssKb),
    postgresPssMb: mb(postgresPssKb),
    postgresProcesses: postgresPids.length,
    shutdownMs: stop.ms,
    shutdownExitCode: stop.code ?? null,
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

let finished = false;
const watchdog = setTimeout(() => {
  log(`gave up after ${OVERALL_TIMEOUT_MS} ms`);
  void cleanup().finally(() => process.exit(1));
}, OVERALL_TIMEOUT_MS);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

try {
  const result = await main();
  finished = true;
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(watchdog);
  log('done');
  if (!finished) process.exitCode = 1;
}
