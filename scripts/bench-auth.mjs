// Auth throughput against the local PostgreSQL and Redis: signUp (one argon2 hash each), logIn
// (one argon2 verify each) and, for comparison, an authenticated `viewer` query (no hashing).
// Creates a scratch database (dropped at the end) and uses its own QUEUE_PREFIX in Redis (keys
// removed at the end). Prints one JSON object on stdout; progress goes to stderr. Bounded in time;
// kills only the server it started and removes its temp dir.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import argon2 from 'argon2';
import {
  SIGN_UP,
  VIEWER,
  autocannonRun,
  buildIfNeeded,
  createLog,
  createScratchRun,
  freePort,
  graphql,
  makeTempDir,
  round,
  rssMb,
  runBenchmark,
  throughput,
} from './bench/common.mjs';

// The project's setting: libs/identity/src/auth/password.service.ts (ARGON2_OPTIONS).
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const CONNECTIONS = 10;
const DURATION_S = 10;
const LOGIN_ACCOUNTS = 20;
const PASSWORD = 'correct horse battery staple';
const OVERALL_TIMEOUT_MS = 5 * 60_000;

const log = createLog('bench:auth');
/** What this run created (scratch database, Redis keys, server, temp dir): released on every exit path. */
const run = createScratchRun(log);
const { runId } = run;

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

const LOG_IN = 'mutation($i: LogInInput!){ logIn(input:$i){ token } }';

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
  const result = await autocannonRun(port, {
    connections: CONNECTIONS,
    duration: DURATION_S,
    request: {
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', ...request.headers },
      // autocannon replaces its defaults with any key given, even undefined: pass only what is set.
      ...(request.setupRequest ? { setupRequest: request.setupRequest } : {}),
      ...(request.body ? { body: request.body } : {}),
      onResponse: counter.onResponse,
    },
  });
  const figures = throughput(result);
  const summary = {
    requestsPerSecMean: figures.requestsPerSec,
    latencyP50Ms: figures.p50Ms,
    latencyP99Ms: figures.p99Ms,
    latencyMeanMs: figures.meanMs,
    requestsTotal: figures.requestsTotal,
    non2xx: figures.non2xx,
    graphqlErrors: counter.withErrors,
    graphqlErrorCodes: counter.codes,
    unparsableBodies: counter.unparsable,
    connectionErrors: result.errors,
    timeouts: result.timeouts,
    serverRssMbAfter: rssMb(pid),
  };
  if (counter.firstError) summary.firstGraphqlError = counter.firstError;
  log(`${label}: ${JSON.stringify(summary)}`);
  return summary;
}

async function main() {
  buildIfNeeded(log);

  log('measuring argon2 (20 sequential hashes, server not running)');
  const argon = await measureArgon2();
  log(`argon2: ${JSON.stringify(argon)}`);

  await run.createDatabase();
  run.tempDir = makeTempDir('guildhall-bench-auth-');
  const port = await freePort();
  // The config accepts at most 1,000,000; all load comes from 127.0.0.1.
  const env = run.serverEnv(port, {
    RATE_LIMIT_LOGIN_PER_IP: '1000000',
    RATE_LIMIT_LOGIN_FAILURES: '1000000',
    RATE_LIMIT_SIGNUP_PER_IP: '1000000',
  });
  const problems = [];
  const startMs = await run.startServer('dist/apps/server/main.js', ['--with-worker'], env, { port, problems });
  const pid = run.server.pid;
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

  const stop = await run.stopServer();
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

await runBenchmark({ log, timeoutMs: OVERALL_TIMEOUT_MS, main, cleanup: run.cleanup });
