// Auth throughput against the local PostgreSQL and Redis: signUp (one argon2 hash each), logIn
// (one argon2 verify each) and, for comparison, an authenticated `viewer` query (no hashing).
// Creates a scratch database (dropped at the end) and uses its own QUEUE_PREFIX in Redis (keys
// removed at the end). Prints one JSON object on stdout; progress goes to stderr. Bounded in time;
// kills only the server it started and removes its temp dir.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import argon2 from 'argon2';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = 'redis://127.0.0.1:6379';
// The project's setting: libs/identity/src/auth/password.service.ts (ARGON2_OPTIONS).
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const CONNECTIONS = 10;
const DURATION_S = 10;
const LOGIN_ACCOUNTS = 20;
const PASSWORD = 'correct horse battery staple';
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 45_000;
const OVERALL_TIMEOUT_MS = 5 * 60_000;

const runId = randomBytes(4).toString('hex');
const database = `guildhall_bench_${runId}`;
const queuePrefix = `bench-${runId}`;

const log = (message) => process.stderr.write(`bench:auth +${(performance.now() / 1000).toFixed(1)}s: ${message}\n`);

/** What this run created: released on every exit path. */
const state = { server: undefined, tempDir: undefined, databaseCreated: false, cleaned: false };

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

function rssMb(pid) {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

async function withAdmin(fn) {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function measureArgon2() {
  await argon2.hash('warm-up password', ARGON2_OPTIONS);
  const times = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    await argon2.hash(`bench password ${i}`, ARGON2_OPTIONS);
    times.push(performance.now() - started);
  }
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return {
    options: { type: 'argon2id', memoryCost: 19_456, timeCost: 2, parallelism: 1 },
    hashMeanMs: round(mean),
    hashMinMs: round(Math.min(...times)),
    hashMaxMs: round(Math.max(...times)),
    hashesPerSecondPerCore: round(1000 / mean),
  };
}

const round = (n, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Starts the server; resolves once /health answers 200. */
async function startServer(env, port, problems) {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'dist/apps/server/main.js'), '--with-worker'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  state.server = child;
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
        process.stderr.write(`  [server] ${line}\n`);
        // With LOG_LEVEL=warn every pino line is a warning or worse; a raw (non-JSON) stderr dump
        // counts once, by its first line.
        let level;
        try {
          level = JSON.parse(line).level;
        } catch {
          level = stream === child.stderr && /^[^\s}\]]/.test(line) ? 50 : 30;
        }
        if (typeof level === 'number' && level >= 40) problems.push(line.slice(0, 300));
      }
    });
  }

  let exited;
  void child.exited.then((result) => (exited = result));
  while (performance.now() < started + START_TIMEOUT_MS) {
    if (exited) throw new Error(`server exited before it was healthy (${JSON.stringify(exited)})`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return Math.round(performance.now() - started);
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`/health did not answer 200 within ${START_TIMEOUT_MS} ms`);
}

async function stopServer() {
  const child = state.server;
  if (!child || child.exitCode !== null || child.signalCode !== null) return null;
  const sent = performance.now();
  child.kill('SIGTERM');
  const result = await Promise.race([child.exited, sleep(STOP_TIMEOUT_MS, 'timeout', { ref: false })]);
  if (result === 'timeout') {
    log(`server ${child.pid} did not exit ${STOP_TIMEOUT_MS} ms after SIGTERM; sending SIGKILL`);
    child.kill('SIGKILL');
    await child.exited;
    return { ms: Math.round(performance.now() - sent), code: null, signal: 'SIGKILL' };
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
  if (response.status !== 200 || body.errors || !body.data) {
    throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  }
  return body.data;
}

const SIGN_UP = 'mutation($i: SignUpInput!){ signUp(input:$i){ token account { id handle } } }';
const LOG_IN = 'mutation($i: LogInInput!){ logIn(input:$i){ token } }';
const VIEWER = 'query { viewer { id handle } }';

const signUpInput = (username) => ({
  username,
  email: `${username}@bench.example`,
  password: PASSWORD,
  displayName: `Bench ${username}`,
});

/** Counts GraphQL errors (by extensions.code) in every response autocannon receives. */
function errorCounter() {
  const counter = { responses: 0, withErrors: 0, unparsable: 0, codes: {}, firstError: undefined };
  counter.onResponse = (status, body) => {
    counter.responses++;
    let parsed;
    try {
      parsed = JSON.parse(String(body));
    } catch {
      counter.unparsable++;
      return;
    }
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      counter.withErrors++;
      for (const error of parsed.errors) {
        const code = error?.extensions?.code ?? 'NO_CODE';
        counter.codes[code] = (counter.codes[code] ?? 0) + 1;
      }
      counter.firstError ??= `${status} ${JSON.stringify(parsed.errors[0]).slice(0, 300)}`;
    }
  };
  return counter;
}

async function load(label, port, request, pid) {
  const counter = errorCounter();
  log(`${label}: ${CONNECTIONS} connections, ${DURATION_S} s`);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: DURATION_S,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/graphql',
        headers: { 'content-type': 'application/json', ...request.headers },
        // autocannon replaces its defaults with any key given, even undefined: pass only what is set.
        ...(request.setupRequest ? { setupRequest: request.setupRequest } : {}),
        ...(request.body ? { body: request.body } : {}),
        onResponse: counter.onResponse,
      },
    ],
  });
  const figures = {
    requestsPerSecMean: round(result.requests.average),
    latencyP50Ms: round(result.latency.p50),
    latencyP99Ms: round(result.latency.p99),
    latencyMeanMs: round(result.latency.average),
    requestsTotal: result.requests.total,
    non2xx: result.non2xx,
    graphqlErrors: counter.withErrors,
    graphqlErrorCodes: counter.codes,
    unparsableBodies: counter.unparsable,
    connectionErrors: result.errors,
    timeouts: result.timeouts,
    serverRssMbAfter: rssMb(pid),
  };
  if (counter.firstError) figures.firstGraphqlError = counter.firstError;
  log(`${label}: ${JSON.stringify(figures)}`);
  return figures;
}

async function cleanup() {
  if (state.cleaned) return;
  state.cleaned = true;
  try {
    await stopServer();
  } catch (error) {
    log(`stopping the server: ${String(error)}`);
    state.server?.kill('SIGKILL');
  }
  if (state.databaseCreated) {
    try {
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
      log(`dropped database ${database}`);
    } catch (error) {
      log(`could not drop database ${database}: ${String(error)}`);
    }
  }
  try {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
    log(`removed ${deleted} Redis keys under ${queuePrefix}:`);
  } catch (error) {
    log(`could not clean Redis keys under ${queuePrefix}: ${String(error)}`);
  }
  if (state.tempDir && existsSync(state.tempDir)) rmSync(state.tempDir, { recursive: true, force: true });
}

async function main() {
  log('building if needed');
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs'), '--if-needed'], {
    cwd: root,
    stdio: ['ignore', 2, 2],
  });

  log('measuring argon2 (20 sequential hashes, server not running)');
  const argon = await measureArgon2();
  log(`argon2: ${JSON.stringify(argon)}`);

  await withAdmin((client) => client.query(`CREATE DATABASE ${database}`));
  state.databaseCreated = true;
  state.tempDir = mkdtempSync(join(tmpdir(), 'guildhall-bench-auth-'));
  chmodSync(state.tempDir, 0o755);
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    PUBLIC_ORIGIN: `http://localhost:${port}`,
    DATA_DIR: state.tempDir, // generated secrets only: the database is external
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: 'warn',
    // The config accepts at most 1,000,000; all load comes from 127.0.0.1.
    RATE_LIMIT_LOGIN_PER_IP: '1000000',
    RATE_LIMIT_LOGIN_FAILURES: '1000000',
    RATE_LIMIT_SIGNUP_PER_IP: '1000000',
  };
  const problems = [];
  log(`database ${database}, QUEUE_PREFIX=${queuePrefix}, PORT=${port}`);
  const startMs = await startServer(env, port, problems);
  const pid = state.server.pid;
  log(`server healthy after ${startMs} ms`);
  const rssAtStart = rssMb(pid);

  // Warm-up (JIT, pools) and the accounts logIn cycles through.
  const accounts = [];
  for (let i = 0; i < LOGIN_ACCOUNTS; i++) {
    const username = `l${runId}_${i}`;
    const { signUp } = await graphql(port, SIGN_UP, { i: signUpInput(username) });
    accounts.push({ username, token: signUp.token, id: signUp.account.id });
  }
  log(`created ${accounts.length} accounts for logIn`);

  // (a) signUp: every request a new username and email.
  let signUps = 0;
  const signUp = await load(
    'signUp',
    port,
    {
      setupRequest: (request) => {
        const username = `s${runId}_${++signUps}`;
        return { ...request, body: JSON.stringify({ query: SIGN_UP, variables: { i: signUpInput(username) } }) };
      },
    },
    pid,
  );
  const sampleUser = `c${runId}_signup`;
  const sample = await graphql(port, SIGN_UP, { i: signUpInput(sampleUser) });
  const signUpSample = sample.signUp.account.handle.startsWith(sampleUser) && sample.signUp.token.length > 20;

  // (b) logIn: cycles through the pre-created accounts.
  let logIns = 0;
  const logIn = await load(
    'logIn',
    port,
    {
      setupRequest: (request) => {
        const account = accounts[logIns++ % accounts.length];
        const variables = { i: { usernameOrEmail: account.username, password: PASSWORD } };
        return { ...request, body: JSON.stringify({ query: LOG_IN, variables }) };
      },
    },
    pid,
  );
  const logInSamples = await Promise.all(
    accounts.slice(0, 3).map((a) => graphql(port, LOG_IN, { i: { usernameOrEmail: a.username, password: PASSWORD } })),
  );
  const logInSample = logInSamples.every((data) => typeof data.logIn.token === 'string');

  // (c) viewer with a bearer token: the cost of a request without hashing.
  const viewer = await load(
    'viewer',
    port,
    { headers: { authorization: `Bearer ${accounts[0].token}` }, body: JSON.stringify({ query: VIEWER }) },
    pid,
  );
  const viewerData = await graphql(port, VIEWER, {}, accounts[0].token);
  const viewerSample = viewerData.viewer?.id === accounts[0].id;

  // Memory once the load is over: whether it settles or keeps what the runs took.
  await sleep(5_000);
  const rssAfterIdle = rssMb(pid);

  const stop = await stopServer();
  log(`server stopped in ${stop?.ms} ms (exit ${stop?.code ?? stop?.signal})`);

  return {
    cpus: cpus().length,
    argon2: argon,
    connections: CONNECTIONS,
    durationSeconds: DURATION_S,
    signUp,
    logIn,
    viewer,
    sampleChecks: { signUp: signUpSample, logIn: logInSample, viewer: viewerSample },
    server: {
      startMs,
      rssMbAtStart: rssAtStart,
      rssMbIdle5sAfterLoad: rssAfterIdle,
      shutdownMs: stop?.ms ?? null,
      shutdownExitCode: stop?.code ?? null,
      warningsOrErrors: problems.length,
      firstProblems: problems.slice(0, 5),
    },
    node: process.version,
  };
}

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
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(watchdog);
  log('done');
}
