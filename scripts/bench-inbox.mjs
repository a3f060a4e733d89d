// Inbox throughput: signed `Like` POSTs to the shared inbox accepted (202) per second by the built
// server (dist/apps/server/main.js, no worker in the process: the HTTP side verifies the signature
// and enqueues), next to the floor measured in the same run: SHA-256 digest + RSA-2048
// (RSASSA-PKCS1-v1_5, SHA-256) verification with a pre-parsed key, single thread, over the same
// request bodies. This process plays the remote server on loopback (actor documents with RSA-2048
// keys; the server fetches each key once), pre-signs every request before the timed windows
// (worker threads), then fires them with undici at 10 and 50 keep-alive connections. Afterwards
// the worker (dist/apps/worker/main.js) is started to drain the queue; the likes counted on the
// posts must equal the 202s (the 202s were real). A last window runs with the worker draining at
// the same time (the steady state of one machine), and a CPU profile of the server's HTTP side is
// taken in a window of its own. The same pools are also fired at a bare node:http inbox in a child
// process, without and with the floor's verification (the ceilings: what HTTP itself costs here).
// Prints one JSON object on stdout; progress on stderr. Scratch
// database and QUEUE_PREFIX (removed at the end), bounded in time, kills only what it started.
//
// Last, the end-to-end windows (scripts/bench/federation-inbox-sustained.mjs): the server restarted
// as `npm start` runs it (one process, --with-worker), Likes at fixed offered rates (default 1,500,
// 2,000, 2,500 and 3,000/s, 15 s each), the queue depth sampled: the highest offered rate sustained
// with the queue not growing, next to the door and the bare verifying server (`endToEnd` in the JSON).
//
//   node scripts/bench-inbox.mjs [--duration=10] [--no-profile] [--save-profiles=<dir>] [--worktree]
//                                [--sustained-rates=1500,2000,2500,3000] [--sustained-duration=15]
//                                [--only-sustained] [--one-process-cpu-prof=<dir>]
//
// Runs a build of HEAD made in a temp dir (scripts/bench/federation-snapshot.mjs); --worktree runs
// the working tree's dist/ instead (built if needed), as the other benchmarks do.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer as createHttpServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { summariseProfile } from './bench/cpu-profile.mjs';
import {
  SIGN_UP,
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
import {
  libraryShares,
  cpuWindow,
  federationQueue,
  federationChildEnv,
  inspectorProfiler,
  isHarnessNoise,
  latencyFigures,
  PG_STATS_DELAY_MS,
  personDocument,
  postgresTransactions,
  queueCounts,
  ratePerSecond,
  asyncRatePerSecond,
  rsaKeyPair,
  shimActed,
  spawnWorker,
  stopWorker,
  verifySignedPost,
  webCryptoPublicKey,
  workerListening,
} from './bench/federation-common.mjs';
import { signRequests } from './bench/federation-inbox-requests.mjs';
import { inboxStepCosts } from './bench/federation-inbox-steps.mjs';
import { prepareBuild } from './bench/federation-snapshot.mjs';
import { sustainedWindow } from './bench/federation-inbox-sustained.mjs';

const require = createRequire(import.meta.url);
const argument = (name, fallback) => {
  const given = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return given ? Number(given.slice(name.length + 3)) : fallback;
};

const ACTORS = 16;
const PASSWORD = 'correct horse battery staple';
const INBOX_PATH = '/inbox';
const WARMUP_REQUESTS = 400; // the first ones fetch the actors' keys
const DURATION_S = argument('duration', 10);
const PROFILE_S = 5;
const WORKER_PROFILE_S = 5;
const PROFILE = !process.argv.includes('--no-profile');
/** --save-profiles=<dir>: also write the raw .cpuprofile files there (for DevTools / speedscope). */
const SAVE_PROFILES = process.argv.find((arg) => arg.startsWith('--save-profiles='))?.slice('--save-profiles='.length);
const CONNECTION_COUNTS = [10, 50];
/** Requests signed per window: the warm-up rate × this × the duration (the window stops at the duration). */
const POOL_HEADROOM = 8;
const MIN_POOL = 10_000;
const MAX_POOL = 40_000;
const FLOOR_MS = 3_000;
/** Seconds per window against the bare inbox servers (the ceilings). */
const CEILING_S = Math.min(DURATION_S, 5);
const DRAIN_TIMEOUT_MS = 240_000;
const TARGETS = { minInboxOverFloor: 0.5 };
/** Issue 13: end to end ≥ 5× the worker's rate before batching (~300/s), the door ≥ 0.5 of the bare verifying server. */
const TODAY_WORKER_PER_SEC = 300;
const END_TO_END_TARGETS = { minSustainedPerSec: 5 * TODAY_WORKER_PER_SEC, minDoorOverBareVerify: 0.5 };
/** --sustained-rates=1500,2000,2500,3000: the offered rates of the one-process windows (empty: none). */
const SUSTAINED_RATES = (
  process.argv.find((arg) => arg.startsWith('--sustained-rates='))?.slice('--sustained-rates='.length) ??
  '1500,2000,2500,3000'
)
  .split(',')
  .filter(Boolean)
  .map(Number);
const SUSTAINED_S = argument('sustained-duration', 15);
/** --only-sustained: the end-to-end windows alone (after the warm-up), not the door's, the ceilings or the drain. */
const ONLY_SUSTAINED = process.argv.includes('--only-sustained');
/** --one-process-cpu-prof=<dir>: the one process runs with --cpu-prof, its profile written to <dir> when it stops. */
const ONE_PROCESS_CPU_PROF = process.argv
  .find((arg) => arg.startsWith('--one-process-cpu-prof='))
  ?.slice('--one-process-cpu-prof='.length);
const ONE_PROCESS_NODE_ARGS = ONE_PROCESS_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${ONE_PROCESS_CPU_PROF}`] : [];
const OVERALL_TIMEOUT_MS = 20 * 60_000;

const log = createLog('bench:inbox');
const run = createScratchRun(log);
const state = {
  build: undefined,
  worker: undefined,
  remote: undefined,
  queue: undefined,
  profilers: [],
  ceilings: [],
};

async function cleanup() {
  for (const child of state.ceilings) child.kill('SIGKILL');
  for (const profiler of state.profilers) await profiler.close().catch(() => undefined);
  if (state.worker) {
    await stopWorker(state.worker, 45_000, log).catch(() => state.worker.kill('SIGKILL'));
  }
  await state.queue?.close().catch(() => undefined);
  state.remote?.closeAllConnections();
  state.remote?.close();
  await run.cleanup();
  state.build?.remove();
}

function saveProfile(name, profile) {
  if (!SAVE_PROFILES) return;
  mkdirSync(SAVE_PROFILES, { recursive: true });
  const path = join(SAVE_PROFILES, `${name}-${run.runId}.cpuprofile`);
  writeFileSync(path, JSON.stringify(profile));
  log(`wrote ${path}`);
}

/** The remote server: actor documents at /users/r<i>; counts what it is asked. */
async function startRemoteServer(byPath) {
  const counts = { actorGets: 0, postsReceived: 0, other: 0, byPath: {} };
  const server = createHttpServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    counts.byPath[`${request.method} ${path}`] = (counts.byPath[`${request.method} ${path}`] ?? 0) + 1;
    const actor = request.method === 'GET' ? byPath.get(path) : undefined;
    if (actor) {
      counts.actorGets++;
      response.writeHead(200, { 'content-type': 'application/activity+json' });
      response.end(JSON.stringify(actor.document));
      return;
    }
    request.resume();
    if (request.method === 'POST') {
      counts.postsReceived++;
      response.writeHead(202).end();
      return;
    }
    counts.other++;
    response.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: server.address().port, counts };
}

/**
 * Fires `requests` at POST /inbox over `connections` keep-alive connections until they run out or
 * `durationMs` passed; 202 counts as accepted.
 */
async function fire(port, requests, { connections, durationMs }) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const statuses = {};
  const latencies = [];
  const samples = {};
  let errors = 0;
  let firstError;
  let next = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  let finished = started;
  const lane = async () => {
    while (next < requests.length && performance.now() < deadline) {
      const { body, headers } = requests[next++];
      const sent = performance.now();
      try {
        const response = await pool.request({ method: 'POST', path: INBOX_PATH, headers, body });
        const text = await response.body.text();
        finished = performance.now();
        latencies.push(finished - sent);
        statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
        if (response.statusCode !== 202) samples[response.statusCode] ??= text.slice(0, 200);
      } catch (error) {
        finished = performance.now();
        errors++;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, lane));
  await pool.close();
  const elapsed = (finished - started) / 1000;
  const accepted = statuses[202] ?? 0;
  const non202 = Object.fromEntries(Object.entries(statuses).filter(([status]) => status !== '202'));
  return {
    connections,
    requests: next,
    poolExhausted: next >= requests.length,
    seconds: round(elapsed, 2),
    accepted,
    acceptedPerSec: round(accepted / Math.max(elapsed, 1e-3)),
    non202ByStatus: non202,
    ...(Object.keys(samples).length ? { non202Samples: samples } : {}),
    transportErrors: errors,
    ...(firstError ? { firstTransportError: firstError } : {}),
    latency: latencyFigures(latencies),
  };
}

/** Waits until the server answers /health fast twice (the previous window's backlog is served). */
async function settle(port) {
  const until = performance.now() + 15_000;
  let fast = 0;
  while (fast < 2 && performance.now() < until) {
    const started = performance.now();
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      fast = response.status === 200 && performance.now() - started < 20 ? fast + 1 : 0;
    } catch {
      fast = 0;
    }
    await sleep(100);
  }
}

const likesIn = (client) =>
  client
    .query(
      'SELECT (SELECT count(*) FROM likes)::int AS likes, (SELECT coalesce(sum(likes_count), 0) FROM posts)::int AS counted',
    )
    .then((result) => result.rows[0]);

/**
 * Polls the queue and the likes until the likes reach `expected` and the queue is empty, or the
 * queue stays empty for 3 s with fewer likes (nothing left to process), or `timeoutMs`.
 */
async function drain(queue, expected, timeoutMs) {
  const started = performance.now();
  let firstLikeAt = null;
  let emptySince = null;
  let queueEmptyAt = null;
  let first;
  let last;
  return withClient(run.databaseUrl, async (client) => {
    for (;;) {
      const [counts, likes] = await Promise.all([queueCounts(queue), likesIn(client)]);
      const pending = counts.waiting + counts.active + counts.delayed + counts.prioritized;
      const now = performance.now();
      first ??= likes;
      if (likes.likes > first.likes && firstLikeAt === null) firstLikeAt = now;
      if (pending === 0) queueEmptyAt ??= now;
      last = { counts, likes, pending };
      if (likes.likes >= expected && pending === 0) break;
      emptySince = pending === 0 ? (emptySince ?? now) : null;
      if (emptySince !== null && now - emptySince > 3_000) break;
      if (now - started > timeoutMs) break;
      await sleep(100);
    }
    const ms = performance.now() - started;
    const added = last.likes.likes - first.likes;
    return {
      ms: Math.round(ms),
      likes: last.likes.likes,
      likesCountOnPosts: last.likes.counted,
      expected,
      complete: last.likes.likes === expected && last.likes.counted === expected,
      queueLeft: last.counts,
      likesAddedDuringDrain: added,
      firstLikeAfterMs: firstLikeAt === null ? null : Math.round(firstLikeAt - started),
      queueEmptyAfterMs: queueEmptyAt === null ? null : Math.round(queueEmptyAt - started),
      likesPerSec: added > 0 ? round((added * 1000) / ms) : 0,
    };
  });
}

/** A CPU profile of the worker from 2 s to 7 s from now (null if the worker is gone by then). */
async function profileWorkerSlice(inspectPort) {
  await sleep(2_000);
  if (!state.worker || state.worker.exitCode !== null) return null;
  const profiler = await inspectorProfiler(inspectPort);
  state.profilers.push(profiler);
  await profiler.start(500);
  await sleep(WORKER_PROFILE_S * 1000);
  const cpuProfile = await profiler.stop();
  await profiler.close();
  state.profilers = state.profilers.filter((p) => p !== profiler);
  saveProfile('inbox-worker-drain', cpuProfile);
  const summary = {
    during: `${WORKER_PROFILE_S} s of the drain after the windows, from 2 s in`,
    byLibrarySelfPctOfBusy: libraryShares(cpuProfile),
    ...summariseProfile(cpuProfile, root, 15),
  };
  delete summary.inclusiveByComponentPctOfBusy;
  return summary;
}

/** The floor: what verifying these requests costs with node:crypto alone (one thread, cached keys). */
async function measureFloor(requests, actors) {
  const keys = new Map(actors.map((actor) => [actor.keyId, actor.keys.publicKey]));
  const keyFor = (keyId) => keys.get(keyId);
  const sample = requests.slice(0, 2_000);
  const check = (i) => {
    const { body, headers } = sample[i % sample.length];
    if (!verifySignedPost({ method: 'POST', path: INBOX_PATH, headers, body }, keyFor).ok) {
      throw new Error('a pre-signed request does not verify with node:crypto');
    }
  };
  const digestAndVerify = ratePerSecond(check, { minMs: FLOOR_MS });
  // What Fedify itself calls: WebCrypto verify (libuv threadpool), with requests in flight.
  const webKeys = new Map(
    await Promise.all(actors.map(async (actor) => [actor.keyId, await webCryptoPublicKey(actor.keys.publicKeyPem)])),
  );
  const { webcrypto, createHash } = await import('node:crypto');
  const prepared = sample.map(({ headers, body }) => {
    const params = Object.fromEntries(
      [...headers.signature.matchAll(/([a-zA-Z]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    const data = Buffer.from(
      [
        `(request-target): post ${INBOX_PATH}`,
        `host: ${headers.host}`,
        `date: ${headers.date}`,
        `digest: ${headers.digest}`,
        `content-type: ${headers['content-type']}`,
      ].join('\n'),
    );
    return { key: webKeys.get(params.keyId), data, signature: Buffer.from(params.signature, 'base64'), body };
  });
  const webCrypto = await asyncRatePerSecond(
    async (i) => {
      const item = prepared[i % prepared.length];
      createHash('sha256').update(item.body).digest('base64');
      const ok = await webcrypto.subtle.verify('RSASSA-PKCS1-v1_5', item.key, item.signature, item.data);
      if (!ok) throw new Error('WebCrypto did not verify a pre-signed request');
    },
    { parallelism: 16, minMs: FLOOR_MS },
  );
  return {
    what: 'per request: parse Signature, SHA-256 of the body vs Digest, signing string, crypto.verify(sha256, RSA-2048 SPKI KeyObject parsed once)',
    singleThread: digestAndVerify,
    verificationsPerSec: digestAndVerify.perSec,
    webCryptoSubtleVerify: {
      ...webCrypto,
      note: 'what Fedify calls (crypto.subtle.verify runs on the libuv threadpool, UV_THREADPOOL_SIZE default 4); 16 in flight',
    },
  };
}

/**
 * The same windows against a bare node:http inbox in a child process (scripts/bench/bare-inbox-server.mjs):
 * `bare` only reads and answers, `verify` also does the floor's work. They show what any Node
 * server on this machine pays per signed POST beyond the verification itself.
 */
async function measureCeiling(mode, pools, actors) {
  const child = spawn(process.execPath, [join(root, 'scripts/bench/bare-inbox-server.mjs'), mode], {
    env: {
      ...process.env,
      BARE_INBOX_KEYS: JSON.stringify(Object.fromEntries(actors.map((a) => [a.keyId, a.keys.publicKeyPem]))),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  state.ceilings.push(child);
  try {
    const port = await new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`bare inbox server (${mode}) exited with ${code}`)));
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (text) => {
        const match = /listening (\d+)/.exec(text);
        if (match) resolve(Number(match[1]));
      });
    });
    const windows = {};
    for (const connections of CONNECTION_COUNTS) {
      const key = `c${connections}`;
      const cpu = cpuWindow({ bareServer: child.pid });
      const result = await fire(port, pools[key], { connections, durationMs: CEILING_S * 1000 });
      result.cpu = cpu.stop();
      if (result.accepted === 0)
        throw new Error(`bare inbox server (${mode}) accepted nothing: ${JSON.stringify(result)}`);
      windows[key] = {
        acceptedPerSec: result.acceptedPerSec,
        non202ByStatus: result.non202ByStatus,
        latency: result.latency,
        coresBusy: result.cpu.coresBusy.bareServer,
        cpuMicrosPerAccepted: round((result.cpu.coresBusy.bareServer * 1e6) / Math.max(result.acceptedPerSec, 1e-3), 1),
      };
      log(`ceiling ${mode} ${key}: ${JSON.stringify(windows[key])}`);
    }
    return windows;
  } finally {
    child.kill('SIGTERM');
    state.ceilings = state.ceilings.filter((c) => c !== child);
  }
}

/**
 * The end-to-end windows: the server restarted as `npm start` runs it (one process, --with-worker),
 * Likes at each offered rate of --sustained-rates, the queue sampled (federation-inbox-sustained.mjs).
 */
async function endToEndWindows({ build, sign, port, childEnv, problems }) {
  const sustained = [];
  if (!SUSTAINED_RATES.length) return { sustained, oneProcess: null };
  const pools = [];
  for (const rate of SUSTAINED_RATES) pools.push(await sign(Math.ceil(rate * SUSTAINED_S)));
  // npm start's command line: its environment and V8 flags (package.json).
  const start = npmStartCommand();
  const oneProcessMs = await run.startServer(
    build.script(start.script),
    start.args,
    { ...childEnv(undefined), ...start.env },
    { port, problems, nodeArgs: [...start.nodeArgs, ...ONE_PROCESS_NODE_ARGS] },
  );
  log(`one process (npm start: --with-worker) healthy after ${oneProcessMs} ms`);
  for (const [i, rate] of SUSTAINED_RATES.entries()) {
    await settle(port);
    // The backlog of the windows before (and of the warm-up) is drained before the next rate starts.
    await drain(state.queue, 0, DRAIN_TIMEOUT_MS).catch(() => undefined);
    log(
      `end to end: ${rate}/s offered for ${SUSTAINED_S} s (load ${loadavg()
        .map((n) => round(n, 2))
        .join(' ')})`,
    );
    const window = await sustainedWindow({
      port,
      path: INBOX_PATH,
      requests: pools[i],
      rate,
      durationMs: SUSTAINED_S * 1000,
      connections: 50,
      queue: state.queue,
      databaseUrl: run.databaseUrl,
      pid: run.server.pid,
    });
    window.loadAverageAfter = loadavg().map((n) => round(n, 2));
    log(`end to end at ${rate}/s: ${JSON.stringify({ ...window, queueDepthSamples: undefined })}`);
    sustained.push(window);
  }
  const oneProcess = { startMs: oneProcessMs, rssMbAfterLoad: rssMb(run.server.pid), stop: await run.stopServer() };
  return { sustained, oneProcess };
}

async function main() {
  const loadAtStart = loadavg().map((n) => round(n, 2));
  const build = (state.build = prepareBuild(log));
  const { uuidv7 } = require(join(build.dir, 'dist/libs/core/src/index.js'));

  // The remote server and its actors (their ids carry the port it listens on).
  const keyPairs = await Promise.all(Array.from({ length: ACTORS }, () => rsaKeyPair()));
  const actorsByPath = new Map();
  const remote = await startRemoteServer(actorsByPath);
  remote.origin = `http://127.0.0.1:${remote.port}`;
  remote.actors = keyPairs.map((keys, i) => {
    const id = `${remote.origin}/users/r${i}`;
    const actor = {
      id,
      keyId: `${id}#main-key`,
      keys,
      document: personDocument({
        id,
        username: `r${i}`,
        inbox: `${id}/inbox`,
        sharedInbox: `${remote.origin}/inbox`,
        publicKeyPem: keys.publicKeyPem,
      }),
    };
    actorsByPath.set(`/users/r${i}`, actor);
    return actor;
  });
  state.remote = remote.server;
  log(`remote server ${remote.origin}: ${ACTORS} actors with RSA-2048 keys`);

  await run.createDatabase();
  run.tempDir = makeTempDir('guildhall-bench-inbox-');
  const port = await freePort();
  const inspectPort = await freePort();
  const workerInspectPort = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const env = run.serverEnv(port, {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PUBLIC_ORIGIN: origin,
    FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_SIGNUP_PER_IP: '1000000',
  });
  const childEnv = (inspect) => federationChildEnv(env, PROFILE ? inspect : undefined);
  const problems = [];
  // No worker drains this server's queue while the door is measured: with the default backlog
  // limit (20,000 Likes) a fast door fills it within the first window and answers 503 from then
  // on, which would time the refusals, not the door. The one-process windows keep the default.
  const doorEnv = { ...childEnv(inspectPort), FEDERATION_INBOX_BACKLOG: '10000000' };
  const startMs = await run.startServer(build.script('dist/apps/server/main.js'), [], doorEnv, {
    port,
    problems,
  });
  const serverPid = run.server.pid;
  log(`server healthy after ${startMs} ms (no worker in it: 202 = verified and enqueued)`);
  state.queue = federationQueue(run.queuePrefix);

  // A local account and its public post, through GraphQL.
  const signUp = await graphql(port, SIGN_UP, {
    i: { username: 'liked', email: 'liked@bench.example', password: PASSWORD, displayName: 'Liked' },
  });
  const token = signUp.signUp.token;
  const created = await graphql(
    port,
    'mutation($i: CreatePostInput!){ createPost(input:$i){ id uri } }',
    { i: { content: 'A post to like, over and over.', visibility: 'PUBLIC' } },
    token,
  );
  const firstPost = created.createPost;
  log(`local post ${firstPost.uri}`);
  const postUris = [firstPost.uri];
  /** Likes are unique per (account, post): ACTORS likes per post, so more posts as more requests are signed. */
  const ensurePosts = async (requests) => {
    const needed = Math.ceil(requests / ACTORS) - postUris.length;
    if (needed <= 0) return;
    const ids = Array.from({ length: needed }, () => uuidv7());
    await withClient(run.databaseUrl, async (client) => {
      await client.query(
        `INSERT INTO posts (id, account_id, local, uri, url, title, source, content, summary, content_warning,
                            language, visibility, created_at, updated_at)
         SELECT n.id, p.account_id, p.local, replace(p.uri, p.id::text, n.id::text), replace(p.url, p.id::text, n.id::text),
                p.title, p.source, p.content, p.summary, p.content_warning, p.language, p.visibility, now(), now()
         FROM posts p, unnest($2::uuid[]) AS n(id) WHERE p.id = $1`,
        [firstPost.id, ids],
      );
      await client.query('UPDATE accounts SET posts_count = posts_count + $2 WHERE id = $1', [
        signUp.signUp.account.id,
        needed,
      ]);
    });
    for (const id of ids) postUris.push(firstPost.uri.replace(firstPost.id, id));
  };
  const context = () => ({
    remoteOrigin: remote.origin,
    actors: remote.actors.map(({ id, keyId, keys }) => ({ id, keyId, privateKeyPem: keys.privateKeyPem })),
    postUris,
    host: `127.0.0.1:${port}`,
    path: INBOX_PATH,
  });
  let signed = 0;
  let signingMs = 0;
  const sign = async (count) => {
    await ensurePosts(signed + count);
    const started = performance.now();
    const requests = await signRequests(context(), signed, count);
    signingMs += performance.now() - started;
    signed += count;
    return requests;
  };

  // Warm-up: the first requests make the server fetch the actors' keys.
  const warmupRequests = await sign(WARMUP_REQUESTS);
  const warmup = await fire(port, warmupRequests, { connections: 10, durationMs: 60_000 });
  const keyFetchesInWarmup = remote.counts.actorGets;
  log(`warm-up: ${JSON.stringify(warmup)}; actor documents fetched: ${keyFetchesInWarmup}`);
  if (warmup.accepted === 0) throw new Error(`no request accepted in the warm-up: ${JSON.stringify(warmup)}`);

  if (ONLY_SUSTAINED) {
    await run.stopServer();
    const { sustained, oneProcess } = await endToEndWindows({ build, sign, port, childEnv, problems });
    const best = sustained.filter((w) => w.sustained).reduce((max, w) => Math.max(max, w.offeredPerSec), 0);
    return {
      node: process.version,
      cpus: cpus().length,
      loadAverageAtStart: loadAtStart,
      loadAverageAtEnd: loadavg().map((n) => round(n, 2)),
      build: build.describe,
      endToEnd: { windows: sustained, sustainedPerSec: best, oneProcess },
      problems: problems.filter((line) => !isHarnessNoise(line)).slice(0, 8),
    };
  }

  // Pools for the timed windows, signed now (before any window), sized from the warm-up rate.
  const poolSize = Math.min(
    MAX_POOL,
    Math.max(MIN_POOL, Math.ceil(warmup.acceptedPerSec * POOL_HEADROOM * DURATION_S)),
  );
  const profileSize = Math.min(
    MAX_POOL,
    Math.max(MIN_POOL, Math.ceil(warmup.acceptedPerSec * POOL_HEADROOM * PROFILE_S)),
  );
  log(
    `signing ${poolSize} requests per window (${CONNECTION_COUNTS.length + 1} windows)${PROFILE ? ` and ${profileSize} for the profile` : ''}`,
  );
  const pools = {};
  for (const connections of CONNECTION_COUNTS) pools[`c${connections}`] = await sign(poolSize);
  pools.withWorker = await sign(poolSize);
  if (PROFILE) pools.profile = await sign(profileSize);
  log(`signed ${signed} requests in ${Math.round(signingMs)} ms over ${Math.min(cpus().length, 4)} threads`);

  // The floor, with the server idle; then what the steps of the server's path cost on their own.
  const floor = await measureFloor(pools.c10, remote.actors);
  log(
    `floor: ${floor.verificationsPerSec} verifications/s single thread; WebCrypto ${floor.webCryptoSubtleVerify.perSec}/s`,
  );
  const steps = await inboxStepCosts({
    requests: pools.c10.slice(0, 2_000),
    actor: remote.actors[0],
    url: `${origin}${INBOX_PATH}`,
  });
  log(`step costs (µs per call, one thread): ${JSON.stringify(steps)}`);

  const transactionsBefore = await postgresTransactions(run.databaseUrl);
  const acceptedBefore = warmup.accepted;
  const results = {};
  let accepted = warmup.accepted;
  const actorGetsBefore = remote.counts.actorGets;
  for (const connections of CONNECTION_COUNTS) {
    const key = `c${connections}`;
    await settle(port);
    log(`${key}: up to ${DURATION_S} s at ${connections} connections`);
    const cpu = cpuWindow({ server: serverPid });
    results[key] = await fire(port, pools[key], { connections, durationMs: DURATION_S * 1000 });
    results[key].cpu = cpu.stop();
    accepted += results[key].accepted;
    log(`${key}: ${JSON.stringify(results[key])}`);
  }
  const actorGetsInWindows = remote.counts.actorGets - actorGetsBefore;

  // The ceilings: the same requests against a bare node:http inbox, without and with verification.
  const ceilings = {
    bareHttp: await measureCeiling('bare', pools, remote.actors),
    bareHttpPlusVerify: await measureCeiling('verify', pools, remote.actors),
  };

  let profile = null;
  if (PROFILE) {
    await settle(port);
    const profiler = await inspectorProfiler(inspectPort);
    state.profilers.push(profiler);
    await profiler.start(500);
    log(`profile: ${PROFILE_S} s at 10 connections under the CPU profiler`);
    const profiled = await fire(port, pools.profile, { connections: 10, durationMs: PROFILE_S * 1000 });
    const cpuProfile = await profiler.stop();
    await profiler.close();
    saveProfile('inbox-server-http', cpuProfile);
    state.profilers = state.profilers.filter((p) => p !== profiler);
    accepted += profiled.accepted;
    profile = {
      seconds: PROFILE_S,
      connections: 10,
      acceptedPerSecWhileProfiling: profiled.acceptedPerSec,
      byLibrarySelfPctOfBusy: libraryShares(cpuProfile),
      ...summariseProfile(cpuProfile, root, 15),
    };
    delete profile.inclusiveByComponentPctOfBusy; // GraphQL parts, all zero here
  }
  await sleep(PG_STATS_DELAY_MS);
  const transactionsAfterWindows = await postgresTransactions(run.databaseUrl);
  const transactions = transactionsAfterWindows - transactionsBefore;
  const postgresTransactionsPerAccepted = round(transactions / Math.max(accepted - acceptedBefore, 1), 2);
  log(`PostgreSQL: ${transactions} transactions for ${accepted - acceptedBefore} accepted requests`);
  const queueAfterWindows = await queueCounts(state.queue);
  const serverRssMb = rssMb(serverPid);

  // The worker drains what was accepted: every 202 must become one like.
  log(`starting the worker to drain ${accepted} accepted activities (queue: ${JSON.stringify(queueAfterWindows)})`);
  const workerSpawned = performance.now();
  state.worker = spawnWorker(build.script('dist/apps/worker/main.js'), childEnv(workerInspectPort), problems);
  const listeningAfter = await workerListening(state.worker, state.queue, 60_000);
  if (listeningAfter === null)
    throw new Error('the worker did not start listening on the federation queue within 60 s');
  const workerStartMs = Math.round(performance.now() - workerSpawned);
  log(`worker listening on the queue ${workerStartMs} ms after it was spawned`);
  const drainCpu = cpuWindow({ server: serverPid, worker: state.worker.pid });
  // A CPU profile of the worker over a 5 s slice of the drain (2 s in), not the whole of it.
  const workerProfiling = PROFILE ? profileWorkerSlice(workerInspectPort) : Promise.resolve(null);
  const drained = await drain(state.queue, accepted, DRAIN_TIMEOUT_MS);
  drained.cpu = drainCpu.stop();
  await sleep(PG_STATS_DELAY_MS);
  const drainTransactions = (await postgresTransactions(run.databaseUrl)) - transactionsAfterWindows;
  drained.postgresTransactionsPerLike = round(drainTransactions / Math.max(drained.likesAddedDuringDrain, 1), 2);
  const workerProfile = await workerProfiling;
  log(`drain: ${JSON.stringify(drained)}`);

  // The steady state: HTTP acceptance while the worker processes at the same time.
  await settle(port);
  log(`with the worker running: up to ${DURATION_S} s at 10 connections`);
  const concurrentCpu = cpuWindow({ server: serverPid, worker: state.worker.pid });
  const concurrent = await fire(port, pools.withWorker, { connections: 10, durationMs: DURATION_S * 1000 });
  concurrent.cpu = concurrentCpu.stop();
  accepted += concurrent.accepted;
  log(`with the worker: ${JSON.stringify(concurrent)}`);
  const finalDrain = await drain(state.queue, accepted, DRAIN_TIMEOUT_MS);
  log(`final drain: ${JSON.stringify(finalDrain)}`);

  const workerRssMb = rssMb(state.worker.pid);
  const workerStop = await stopWorker(state.worker, 45_000, log);
  state.worker = undefined;
  const serverStop = await run.stopServer();

  // End to end in one process, as `npm start` runs it: Likes at fixed offered rates, queue sampled.
  const { sustained, oneProcess } = await endToEndWindows({ build, sign, port, childEnv, problems });

  const best = Math.max(...CONNECTION_COUNTS.map((c) => results[`c${c}`].acceptedPerSec));
  const ratios = Object.fromEntries(
    CONNECTION_COUNTS.map((c) => [`c${c}`, round(results[`c${c}`].acceptedPerSec / floor.verificationsPerSec, 4)]),
  );
  ratios.withWorkerC10 = round(concurrent.acceptedPerSec / floor.verificationsPerSec, 4);
  const ratio = round(best / floor.verificationsPerSec, 4);
  const appProblems = problems.filter((line) => !isHarnessNoise(line));

  return {
    node: process.version,
    cpus: cpus().length,
    loadAverageAtStart: loadAtStart,
    build: build.describe,
    setup: {
      server: 'dist/apps/server/main.js (no worker in the process), NODE_ENV=production, LOG_LEVEL=warn',
      worker: 'dist/apps/worker/main.js, started after the timed windows',
      remoteActors: ACTORS,
      localPosts: postUris.length,
      requestShape:
        'Like {id unique, actor r<n % actors>, object post <n / actors>} to POST /inbox, draft-cavage rsa-sha256 over (request-target) host date digest content-type',
      bodyBytes: Buffer.byteLength(pools.c10[0].body),
      signedRequests: signed,
      signingMs: Math.round(signingMs),
    },
    warmup: { ...warmup, actorDocumentsFetched: keyFetchesInWarmup },
    accepted: results,
    withWorkerRunning: concurrent,
    floor,
    stepCostsMicrosPerCall: steps,
    serverCpuMsPerAccepted: Object.fromEntries(
      [...CONNECTION_COUNTS.map((c) => [`c${c}`, results[`c${c}`]]), ['withWorkerC10', concurrent]].map(([key, r]) => [
        key,
        round((r.cpu.coresBusy.server * 1000) / Math.max(r.acceptedPerSec, 1e-3), 2),
      ]),
    ),
    postgresTransactionsPerAccepted,
    workerCpuMsPerLike:
      drained.likesAddedDuringDrain > 0
        ? round((drained.cpu.coresBusy.worker * drained.cpu.wallSeconds * 1000) / drained.likesAddedDuringDrain, 2)
        : null,
    postgresCpuMsPerLike:
      drained.likesAddedDuringDrain > 0
        ? round((drained.cpu.coresBusy.postgres * drained.cpu.wallSeconds * 1000) / drained.likesAddedDuringDrain, 2)
        : null,
    // The same comparison in CPU time (robust to other load on the machine): the floor's CPU per
    // verification over the server process's CPU per accepted request (all its threads).
    cpuRatio: Object.fromEntries(
      [...CONNECTION_COUNTS.map((c) => [`c${c}`, results[`c${c}`]]), ['withWorkerC10', concurrent]].map(([key, r]) => [
        key,
        round(
          floor.singleThread.cpuMicrosPerIteration /
            ((r.cpu.coresBusy.server * 1e6) / Math.max(r.acceptedPerSec, 1e-3)),
          4,
        ),
      ]),
    ),
    ceilings,
    // Against the bare node:http inbox that verifies (same requests, same machine, same run): the
    // share of what a Node server with no framework, no JSON parsing and no queue accepts here.
    ratioVsBareVerifyServer: Object.fromEntries(
      CONNECTION_COUNTS.map((c) => [
        `c${c}`,
        round(results[`c${c}`].acceptedPerSec / ceilings.bareHttpPlusVerify[`c${c}`].acceptedPerSec, 4),
      ]),
    ),
    cpuRatioVsBareVerifyServer: Object.fromEntries(
      CONNECTION_COUNTS.map((c) => [
        `c${c}`,
        round(
          ceilings.bareHttpPlusVerify[`c${c}`].cpuMicrosPerAccepted /
            ((results[`c${c}`].cpu.coresBusy.server * 1e6) / Math.max(results[`c${c}`].acceptedPerSec, 1e-3)),
          4,
        ),
      ]),
    ),
    ratio,
    ratios,
    // Issue 13's row: the end-to-end rate one process sustains (npm start), next to the door alone
    // (the HTTP-only server above) and the bare node:http server with the same verification.
    endToEnd: endToEndSummary(sustained, oneProcess, results, ceilings),
    targets: { ...TARGETS, met: ratio >= TARGETS.minInboxOverFloor },
    met: ratio >= TARGETS.minInboxOverFloor,
    actorDocumentsFetchedDuringWindows: actorGetsInWindows,
    queueAfterWindows,
    drain: { workerStartMs, afterWindows: drained, final: finalDrain },
    drained: finalDrain.complete,
    profile: { serverHttpSide: profile, workerDrain: workerProfile },
    remoteServer: { requests: remote.counts.byPath, other: remote.counts.other },
    workarounds: {
      allowPrivateAddressShim: shimActed(problems)
        ? 'ACTED: the server/worker could not start with FEDERATION_ALLOW_PRIVATE_ADDRESSES=true (Fedify refuses allowPrivateAddress with custom loader factories); scripts/bench/federation-private-address-shim.mjs dropped the flag'
        : 'not needed',
    },
    server: {
      startMs,
      rssMbAfterLoad: serverRssMb,
      shutdownMs: serverStop?.ms ?? null,
      warningsOrErrors: appProblems.length,
      firstProblems: appProblems.slice(0, 8),
    },
    worker: { rssMbAfterDrain: workerRssMb, shutdownMs: workerStop?.ms ?? null },
    notes: [
      'accepted/s = 202 responses / seconds from the first request sent to the last answer of the window.',
      'Floor = one thread doing only what a verifier must (digest + RSA verify with a cached KeyObject); the server may use the libuv threadpool for WebCrypto, so ratios above 1 are possible in principle.',
      'Everything (server, worker, PostgreSQL, Redis, this load generator) shares this machine; cpu.coresBusy shows where the cores went during each window (postgres = all backends of the local server).',
      'ceilings: the same pools fired at a bare node:http server in a child process (read the body, answer 202; `bareHttpPlusVerify` also does the floor work and answers 401 on failure). The gap between them and the floor is the cost of HTTP itself on this machine.',
      'Likes are unique per (account, post): request n likes post n / actors as actor n % actors, so every accepted request can add exactly one like; extra posts are SQL copies of the one made through GraphQL.',
    ],
  };
}

/** The issue's figures side by side: sustained end to end, the door, the bare verifying server, and the targets. */
function endToEndSummary(sustained, oneProcess, door, ceilings) {
  const best = sustained.filter((w) => w.sustained).reduce((max, w) => Math.max(max, w.offeredPerSec), 0);
  const doorOverBare = Object.fromEntries(
    CONNECTION_COUNTS.map((c) => [
      `c${c}`,
      round(door[`c${c}`].acceptedPerSec / ceilings.bareHttpPlusVerify[`c${c}`].acceptedPerSec, 4),
    ]),
  );
  const bestDoorOverBare = Math.max(...Object.values(doorOverBare));
  return {
    setup:
      'dist/apps/server/main.js --with-worker (one process, as npm start; queue on Redis), 50 connections, Likes at a fixed offered rate',
    windows: sustained,
    sustainedPerSec: best,
    doorPerSec: Object.fromEntries(CONNECTION_COUNTS.map((c) => [`c${c}`, door[`c${c}`].acceptedPerSec])),
    bareVerifyServerPerSec: Object.fromEntries(
      CONNECTION_COUNTS.map((c) => [`c${c}`, ceilings.bareHttpPlusVerify[`c${c}`].acceptedPerSec]),
    ),
    doorOverBareVerify: doorOverBare,
    sustainedOverTodayWorker: round(best / TODAY_WORKER_PER_SEC, 2),
    oneProcess,
    targets: {
      ...END_TO_END_TARGETS,
      sustainedMet: best >= END_TO_END_TARGETS.minSustainedPerSec,
      doorMet: bestDoorOverBare >= END_TO_END_TARGETS.minDoorOverBareVerify,
    },
    notes: [
      'sustained: all offered requests answered 202 (≥ 98 %), every accepted Like stored, and the backlog (Likes accepted, not yet stored) growing by under 2 % of the offered rate per second over the second half of the window',
      'sustainedPerSec: the highest offered rate sustained; processedEndToEndPerSec: likes stored / seconds from the first request until the queue was empty',
      'queueDepthSamples: [seconds, queue depth in jobs (a job may hold several Likes), likes stored, accepted so far] every 500 ms',
    ],
  };
}

await runBenchmark({ log, timeoutMs: OVERALL_TIMEOUT_MS, main, cleanup });
