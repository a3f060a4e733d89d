// What the benchmark scripts (scripts/bench-*.mjs) share: logging to stderr, building, free
// ports, spawning the server and waiting for /health, stopping it, reading a process's memory,
// GraphQL requests, autocannon runs, a scratch database and Redis prefix with their cleanup, and
// the run loop (watchdog, signals, one JSON object on stdout).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';

/** The repository root. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
/** The local PostgreSQL's maintenance database, for CREATE / DROP DATABASE. */
export const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
/** The local Redis. */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** GraphQL documents the benchmarks send. */
export const SIGN_UP = 'mutation($i: SignUpInput!){ signUp(input:$i){ token account { id handle } } }';
export const VIEWER = 'query { viewer { id handle } }';

/** A progress logger to stderr: `<name> +<seconds>s: <message>`. */
export const createLog = (name) => (message) =>
  process.stderr.write(`${name} +${(performance.now() / 1000).toFixed(1)}s: ${message}\n`);

/** Rounds to `digits` decimals. */
export const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** kB to MB, one decimal. */
export const mb = (kb) => Math.round((kb / 1024) * 10) / 10;

/** Runs scripts/build.mjs --if-needed, its output on stderr. */
export function buildIfNeeded(log) {
  log('building if needed');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-needed'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });
}

/** A TCP port nobody listens on at 127.0.0.1 right now. */
export function freePort() {
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

/** A field of /proc/<pid>/<file> (status, smaps_rollup, …) in kB; null if the process is gone. */
export function procKb(pid, file, field) {
  try {
    const match = readFileSync(`/proc/${pid}/${file}`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used, in ms; 0 if it is gone. */
export function cpuMs(pid) {
  try {
    return statCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0;
  }
}

/** /proc/<pid>/stat's fields 14 and 15 (utime, stime) in clock ticks, counted after the ")" of the name, in ms. */
function statCpuMs(stat) {
  const fields = stat.split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU time every PostgreSQL process on this machine has used, in ms: backends, WAL writer,
 * checkpointer and autovacuum alike, for figures where those count too (a write's cost is not
 * only its backend's, which is all cpuMeter counts). On a shared machine it counts other work's
 * statements as well.
 */
export function postgresCpuMs() {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.includes('(postgres)')) total += statCpuMs(stat);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return total;
}

/**
 * A meter of the CPU time the server process and the PostgreSQL backends connected to `database`
 * use (both on this machine): `start()` then `stop(requests)` gives ms per request of each. On a
 * machine shared with other work, CPU per request moves much less than requests/s does.
 */
export function cpuMeter(serverPid, databaseUrl, database) {
  let started;
  const backends = () =>
    withClient(databaseUrl, async (client) =>
      (
        await client.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
          database,
        ])
      ).rows.map((row) => row.pid),
    );
  return {
    async start() {
      started = { server: cpuMs(serverPid), backends: new Map((await backends()).map((pid) => [pid, cpuMs(pid)])) };
    },
    /**
     * Backends that connected during the run count from zero; one that left during the run (the
     * pool closes idle connections) is not counted, so PostgreSQL's figure is a floor.
     */
    async stop(requests) {
      const server = cpuMs(serverPid) - started.server;
      let postgres = 0;
      for (const pid of await backends()) postgres += cpuMs(pid) - (started.backends.get(pid) ?? 0);
      const per = (ms) => Math.round((100 * ms) / Math.max(requests, 1)) / 100;
      return { serverCpuMsPerRequest: per(server), postgresCpuMsPerRequest: per(postgres) };
    },
  };
}

/** A process's resident set (VmRSS) in MB; null if the process is gone. */
export function rssMb(pid) {
  const kb = procKb(pid, 'status', 'VmRSS');
  return kb === null ? null : mb(kb);
}

/**
 * `npm start`'s command line from package.json (`[NAME=value …] node <flags> <script> <args>`):
 * the environment it sets (docs/adr/0054), node's flags (docs/adr/0015), the script and its
 * arguments, so a benchmark runs what `npm start` runs.
 */
export function npmStartCommand() {
  const line = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start.trim();
  const tokens = line.split(/\s+/);
  const env = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(tokens[0] ?? '')) {
    const [name, ...value] = tokens.shift().split('=');
    env[name] = value.join('=');
  }
  const [node, ...rest] = tokens;
  const scriptAt = rest.findIndex((token) => !token.startsWith('-'));
  if (node !== 'node' || scriptAt < 0) throw new Error(`unexpected start script: ${line}`);
  return { line, env, nodeArgs: rest.slice(0, scriptAt), script: rest[scriptAt], args: rest.slice(scriptAt + 1) };
}

/** Runs `fn(client)` with a connected pg client, closed afterwards. */
export async function withClient(connectionString, fn) {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A temp dir (prefix under the OS temp dir) that PostgreSQL, running as its own user, can traverse. */
export function makeTempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Removes a temp dir made by makeTempDir, if any. */
export function removeTempDir(dir) {
  if (dir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Spawns `node <script> ...args` from the repository root. Its output is echoed to stderr as
 * `  [label] <line>`; lines at warn level or worse go to `problems` (prefixed `[label] ` when
 * `tagProblems`). `nodeArgs` go to node before the script (V8 flags). The child gets `startedAt`,
 * `exited` (a promise of { code, signal }) and, once it has exited, `exitTime`.
 */
export function spawnServer(script, args, env, { problems, label = 'server', tagProblems = false, nodeArgs = [] }) {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, join(root, script), ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.startedAt = startedAt;
  child.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      child.exitTime = performance.now();
      resolve({ code, signal });
    });
  });
  for (const stream of [child.stdout, child.stderr]) {
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
        if (typeof level === 'number' && level >= 40) {
          problems.push(`${tagProblems ? `[${label}] ` : ''}${line.slice(0, 300)}`);
        }
      }
    });
  }
  return child;
}

/**
 * Polls http://127.0.0.1:<port>/health every `pollMs` until it answers 200; resolves with the ms
 * since the child was spawned. Throws if the child exits first or after `timeoutMs`.
 */
export async function waitHealthy(child, port, { timeoutMs, pollMs = 50, errorPrefix = '' }) {
  let exited;
  void child.exited.then((result) => (exited = result));
  while (performance.now() < child.startedAt + timeoutMs) {
    if (exited) throw new Error(`${errorPrefix}server exited before it was healthy (${JSON.stringify(exited)})`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return Math.round(performance.now() - child.startedAt);
    } catch {
      // not listening yet
    }
    await sleep(pollMs);
  }
  throw new Error(`${errorPrefix}/health did not answer 200 within ${timeoutMs} ms`);
}

/**
 * SIGTERM to a child from spawnServer, then { ms, code, signal } once it has exited (SIGKILL after
 * `timeoutMs`, then `timedOut: true`). Null when there is no child or it has exited already.
 */
export async function stopServer(child, timeoutMs, log) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return null;
  const sent = performance.now();
  child.kill('SIGTERM');
  const result = await Promise.race([child.exited, sleep(timeoutMs, 'timeout', { ref: false })]);
  if (result === 'timeout') {
    log(`server ${child.pid} did not exit ${timeoutMs} ms after SIGTERM; sending SIGKILL`);
    child.kill('SIGKILL');
    await child.exited;
    return { ms: Math.round(performance.now() - sent), code: null, signal: 'SIGKILL', timedOut: true };
  }
  return { ms: Math.round(child.exitTime - sent), code: result.code, signal: result.signal ?? undefined };
}

/** POST /graphql; resolves with the whole response body, throws unless 200 with data and no errors. */
export async function graphqlBody(port, query, variables, token) {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = await response.json();
  if (response.status !== 200 || body.errors || !body.data) {
    throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  }
  return body;
}

/** POST /graphql; resolves with the response's `data` (see graphqlBody). */
export const graphql = async (port, query, variables, token) => (await graphqlBody(port, query, variables, token)).data;

/** One autocannon run of `request` against 127.0.0.1:<port> (10 s request timeout). */
export function autocannonRun(port, { connections, duration, request, overallRate }) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    duration,
    timeout: 10,
    requests: [request],
    // An offered rate (requests/s over all connections) instead of as fast as the connections go.
    ...(overallRate ? { overallRate } : {}),
  });
}

/** The throughput and latency figures of an autocannon result, rounded. */
export const throughput = (result) => ({
  requestsPerSec: round(result.requests.average),
  p50Ms: round(result.latency.p50),
  p99Ms: round(result.latency.p99),
  meanMs: round(result.latency.average),
  requestsTotal: result.requests.total,
  non2xx: result.non2xx,
  // Response size (headers and body) per request: what the server wrote and the client read.
  bytesPerResponse: result.requests.total > 0 ? Math.round(result.throughput.total / result.requests.total) : null,
});

/** Deletes the Redis keys under `<prefix>:` on the local Redis; logs the count or the failure. */
export async function deleteRedisKeys(prefix, log) {
  try {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
    log(`removed ${deleted} Redis keys under ${prefix}:`);
  } catch (error) {
    log(`could not clean Redis keys under ${prefix}: ${String(error)}`);
  }
}

/**
 * A run against the local PostgreSQL and Redis: a scratch database name and QUEUE_PREFIX of its
 * own, a temp dir (`tempDir`, set by the script) for DATA_DIR, and the server it starts.
 * `cleanup()` (once) stops the server, drops the database if `createDatabase()` made it, removes
 * the Redis keys and the temp dir.
 */
export function createScratchRun(log, { stopTimeoutMs = 45_000 } = {}) {
  const runId = randomBytes(4).toString('hex');
  const database = `guildhall_bench_${runId}`;
  const run = {
    runId,
    database,
    databaseUrl: `postgres://postgres@127.0.0.1:5432/${database}`,
    queuePrefix: `bench-${runId}`,
    server: undefined,
    tempDir: undefined,
    databaseCreated: false,
    cleaned: false,
    async createDatabase() {
      await withClient(ADMIN_URL, (client) => client.query(`CREATE DATABASE ${database}`));
      run.databaseCreated = true;
    },
    /** The server's environment: this run's database, Redis prefix and DATA_DIR, LOG_LEVEL=warn, then `extra`. */
    serverEnv: (port, extra) => ({
      ...process.env,
      PORT: String(port),
      PUBLIC_ORIGIN: `http://localhost:${port}`,
      DATA_DIR: run.tempDir, // generated secrets only: the database is external
      DATABASE_URL: run.databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX: run.queuePrefix,
      LOG_LEVEL: 'warn',
      ...extra,
    }),
    /** Spawns `script` as this run's server (see spawnServer, `nodeArgs` included); resolves with the ms until /health answered 200. */
    async startServer(script, args, env, { port, problems, startTimeoutMs = 90_000, nodeArgs = [] }) {
      log(`database ${database}, QUEUE_PREFIX=${run.queuePrefix}, PORT=${port}`);
      run.server = spawnServer(script, args, env, { problems, nodeArgs });
      return waitHealthy(run.server, port, { timeoutMs: startTimeoutMs });
    },
    stopServer: () => stopServer(run.server, stopTimeoutMs, log),
    async cleanup() {
      if (run.cleaned) return;
      run.cleaned = true;
      try {
        await run.stopServer();
      } catch (error) {
        log(`stopping the server: ${String(error)}`);
        run.server?.kill('SIGKILL');
      }
      if (run.databaseCreated && process.env.BENCH_KEEP_DATABASE === '1') {
        log(`kept database ${database} (BENCH_KEEP_DATABASE=1): drop it when done`);
      } else if (run.databaseCreated) {
        try {
          await withClient(ADMIN_URL, (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
          log(`dropped database ${database}`);
        } catch (error) {
          log(`could not drop database ${database}: ${String(error)}`);
        }
      }
      await deleteRedisKeys(run.queuePrefix, log);
      removeTempDir(run.tempDir);
    },
  };
  return run;
}

/**
 * Runs `main()` and prints its result as JSON on stdout; `cleanup()` runs on every exit path: after
 * main, on SIGINT/SIGTERM (exit 130) and when the watchdog fires after `timeoutMs` (exit 1).
 */
export async function runBenchmark({ log, timeoutMs, main, cleanup }) {
  const watchdog = setTimeout(() => {
    log(`gave up after ${timeoutMs} ms`);
    void cleanup().finally(() => process.exit(1));
  }, timeoutMs);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: cleaning up`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    const result = await main();
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  } finally {
    await cleanup();
    clearTimeout(watchdog);
    log('done');
  }
}
