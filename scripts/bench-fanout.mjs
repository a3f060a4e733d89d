// Fan-out throughput: one public post delivered to 1,000 followers on 100 hosts, then to 10,000
// followers on 1,000 hosts, by the built server and worker (dist/apps/server/main.js +
// dist/apps/worker/main.js, separate processes as in Docker). The "hosts" are loopback receivers
// in this process (one node:http server per host, each on its own port) that answer 202 to
// POST /inbox, count what they get and check every signature with node:crypto against the
// author's published key. Followers are seeded by SQL (remote accounts with inbox and shared
// inbox URLs, accepted follows) after the server migrated the scratch database; the post is made
// through GraphQL and timed from the mutation's start until every host has received its Create.
// Shared inboxes dedupe: each host must get exactly one Create (deliveriesPerHost min = max = 1).
// Next to it, in the same run: the RSA-2048 signing floor (node:crypto, one thread; and WebCrypto,
// which Fedify signs with, with calls in flight), and `ratio = deliveries/s ÷ signing floor`. A
// CPU profile of the worker is taken during a repeat of the large fan-out. Prints one JSON object
// on stdout; progress on stderr. Scratch database and QUEUE_PREFIX (removed at the end), bounded in
// time, kills only what it started.
//
//   node scripts/bench-fanout.mjs [--no-profile] [--no-warmup] [--save-profiles=<dir>] [--small-only] [--worktree]
//                                 [--ref=<commit>]
//
// Runs a build of HEAD (or --ref) made in a temp dir (scripts/bench/federation-snapshot.mjs);
// --worktree runs the working tree's dist/ instead (built if needed), as the other benchmarks do.
import { createPrivateKey, createPublicKey, sign, webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { summariseProfile } from './bench/cpu-profile.mjs';
import {
  SIGN_UP,
  createLog,
  createScratchRun,
  freePort,
  graphql,
  makeTempDir,
  root,
  round,
  rssMb,
  runBenchmark,
  withClient,
} from './bench/common.mjs';
import {
  ACTIVITY_JSON,
  POST_SIGNED_HEADERS,
  asyncRatePerSecond,
  libraryShares,
  cpuWindow,
  digestOf,
  federationChildEnv,
  federationQueue,
  inspectorProfiler,
  isHarnessNoise,
  latencyFigures,
  PG_STATS_DELAY_MS,
  personDocument,
  postgresTransactions,
  queueCounts,
  queueTimeline,
  ratePerSecond,
  rsaKeyPair,
  shimActed,
  signingString,
  spawnWorker,
  stopWorker,
  verifySignedPost,
  webCryptoPrivateKey,
  workerListening,
} from './bench/federation-common.mjs';
import { prepareBuild } from './bench/federation-snapshot.mjs';

const require = createRequire(import.meta.url);
const SCENARIOS = process.argv.includes('--small-only')
  ? [{ name: 'f1k_h100', followers: 1_000, hosts: 100 }]
  : [
      { name: 'f1k_h100', followers: 1_000, hosts: 100 },
      { name: 'f10k_h1k', followers: 10_000, hosts: 1_000 },
    ];
const PROFILE = !process.argv.includes('--no-profile');
/**
 * One small fan-out (40 followers on 4 hosts) before the measured ones, so that they measure a
 * running server and worker rather than the first post after boot (JIT, first queries, first
 * jobs); its figures are reported apart. --no-warmup measures the cold path.
 */
const WARMUP = process.argv.includes('--no-warmup') ? null : { name: 'warmup', followers: 40, hosts: 4 };
/** --ref=<commit>: build and run that commit instead of HEAD (this script stays the working tree's), for A/B runs. */
const REF = process.argv.find((arg) => arg.startsWith('--ref='))?.slice('--ref='.length);
const SAVE_PROFILES = process.argv.find((arg) => arg.startsWith('--save-profiles='))?.slice('--save-profiles='.length);
const PASSWORD = 'correct horse battery staple';
const FLOOR_MS = 3_000;
const ADJACENT_FLOOR_MS = 1_000;
const WEBCRYPTO_PARALLELISM = [1, 32];
/** No delivery at all this long after the mutation: the fan-out is not happening. */
const FIRST_DELIVERY_TIMEOUT_MS = 60_000;
/** Nothing enqueued on either queue this long after the mutation: nothing is going to happen. */
const IDLE_GIVE_UP_MS = 15_000;
/** Every host served within this long, else the scenario stops with what arrived. */
const ALL_DELIVERED_TIMEOUT_MS = 240_000;
/** After the last host got its Create: how long duplicates may still arrive (queues idle first). */
const DUPLICATE_GRACE_MS = 2_000;
const TARGETS = {
  minFanoutOverSigningFloor: 0.7,
  /** Issue 13: every host of the 1,000-follower/100-host fan-out served this soon after the mutation returned. */
  smallFanoutLastDeliveryAfterMutationMs: 500,
};
const SMALL_SCENARIO = 'f1k_h100';
const OVERALL_TIMEOUT_MS = 25 * 60_000;
const OUTBOUND_QUEUE = 'federation-outbound';
const DELIVERY_QUEUE = 'federation-delivery';

const log = createLog('bench:fanout');
const run = createScratchRun(log);
const state = { build: undefined, worker: undefined, queues: [], receivers: [], profilers: [] };

async function cleanup() {
  for (const profiler of state.profilers) await profiler.close().catch(() => undefined);
  if (state.worker) await stopWorker(state.worker, 45_000, log).catch(() => state.worker.kill('SIGKILL'));
  for (const queue of state.queues) await queue.close().catch(() => undefined);
  await closeReceivers(state.receivers);
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

// ---------------------------------------------------------------------------------------------
// Receivers: one node:http server per host.

/**
 * What every receiver reports into: per post id, per host, the Creates received; signature checks;
 * everything else (other activity types, GETs).
 */
function createLedger() {
  return {
    /** postId → { perHost: Int32Array(hosts), first: ms, last: ms, served: count of hosts with ≥ 1 } */
    posts: new Map(),
    signatures: { checked: 0, ok: 0, failed: 0, reasons: {}, signedHeaders: {} },
    otherPosts: {},
    gets: {},
    keyFor: () => undefined,
    expect(postId, hosts) {
      this.posts.set(postId, {
        perHost: new Int32Array(hosts),
        first: null,
        last: null,
        served: 0,
        lastFirstDelivery: null,
      });
    },
  };
}

async function startReceivers(count, ledger) {
  const receivers = await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const receiver = { index, port: 0, server: undefined, origin: '' };
      receiver.server = createHttpServer((request, response) => handle(receiver, ledger, request, response));
      receiver.server.keepAliveTimeout = 5_000;
      await new Promise((resolve, reject) => {
        receiver.server.once('error', reject);
        receiver.server.listen(0, '127.0.0.1', resolve);
      });
      receiver.port = receiver.server.address().port;
      receiver.origin = `http://127.0.0.1:${receiver.port}`;
      return receiver;
    }),
  );
  return receivers;
}

function handle(receiver, ledger, request, response) {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const at = performance.now();
    const url = new URL(request.url, 'http://x');
    if (request.method === 'GET') {
      const key = `GET ${url.pathname.replace(/\d+/g, 'N')}`;
      ledger.gets[key] = (ledger.gets[key] ?? 0) + 1;
      const match = /^\/users\/([a-z0-9_]+)$/.exec(url.pathname);
      if (match) {
        const id = `${receiver.origin}/users/${match[1]}`;
        response.writeHead(200, { 'content-type': ACTIVITY_JSON });
        response.end(
          JSON.stringify(
            personDocument({ id, username: match[1], inbox: `${id}/inbox`, sharedInbox: `${receiver.origin}/inbox` }),
          ),
        );
        return;
      }
      response.writeHead(404).end();
      return;
    }
    if (request.method !== 'POST') {
      response.writeHead(405).end();
      return;
    }
    response.writeHead(202).end();
    const body = Buffer.concat(chunks);
    const check = verifySignedPost(
      { method: 'POST', path: url.pathname + url.search, headers: request.headers, body },
      ledger.keyFor,
    );
    const signatures = ledger.signatures;
    signatures.checked++;
    if (check.ok) {
      signatures.ok++;
      const names = check.signed.join(' ');
      signatures.signedHeaders[names] = (signatures.signedHeaders[names] ?? 0) + 1;
    } else {
      signatures.failed++;
      const reason = request.headers['signature-input'] ? 'RFC 9421 (not checked here)' : check.reason;
      signatures.reasons[reason] = (signatures.reasons[reason] ?? 0) + 1;
    }
    let activity;
    try {
      activity = JSON.parse(body.toString('utf8'));
    } catch {
      ledger.otherPosts['(not JSON)'] = (ledger.otherPosts['(not JSON)'] ?? 0) + 1;
      return;
    }
    const objectId = typeof activity.object === 'string' ? activity.object : activity.object?.id;
    const postId = typeof objectId === 'string' ? /\/posts\/([0-9a-f-]{36})/.exec(objectId)?.[1] : undefined;
    const entry = postId ? ledger.posts.get(postId) : undefined;
    if (activity.type !== 'Create' || !entry) {
      const key = `${activity.type} to ${url.pathname}${entry ? '' : ' (not the measured post)'}`;
      ledger.otherPosts[key] = (ledger.otherPosts[key] ?? 0) + 1;
      return;
    }
    const host = receiver.index;
    entry.perHost[host]++;
    entry.paths ??= {};
    entry.paths[url.pathname] = (entry.paths[url.pathname] ?? 0) + 1;
    entry.first ??= at;
    entry.last = at;
    if (entry.perHost[host] === 1) {
      entry.served++;
      entry.lastFirstDelivery = at;
      (entry.firstDeliveries ??= []).push(at);
    }
  });
}

async function closeReceivers(receivers) {
  await Promise.all(
    receivers.splice(0).map(
      (receiver) =>
        new Promise((resolve) => {
          receiver.server.closeAllConnections?.();
          receiver.server.close(() => resolve());
        }),
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Floors.

/** Signing strings as Fedify builds them for a delivery (POST /inbox to 127.0.0.1:<port>). */
function typicalSigningStrings(count) {
  return Array.from({ length: count }, (_, i) => {
    const body = JSON.stringify({ '@context': 'https://www.w3.org/ns/activitystreams', id: `x/${i}`, type: 'Create' });
    const headers = {
      host: `127.0.0.1:${40_000 + (i % 1000)}`,
      date: new Date().toUTCString(),
      digest: digestOf(body),
      'content-type': ACTIVITY_JSON,
    };
    return Buffer.from(signingString(POST_SIGNED_HEADERS, { method: 'POST', path: '/inbox', headers }));
  });
}

/** Set by measureSigningFloor: the node:crypto single-thread rate over ADJACENT_FLOOR_MS. */
let adjacentFloor;

async function measureSigningFloor() {
  const { privateKeyPem } = await rsaKeyPair();
  const key = createPrivateKey(privateKeyPem);
  const strings = typicalSigningStrings(1_000);
  const signOnce = (i) => sign('sha256', strings[i % strings.length], key);
  const nodeCrypto = ratePerSecond(signOnce, { minMs: FLOOR_MS, minIterations: 100 });
  const cryptoKey = await webCryptoPrivateKey(privateKeyPem);
  const webCrypto = {};
  for (const parallelism of WEBCRYPTO_PARALLELISM) {
    webCrypto[`inFlight${parallelism}`] = await asyncRatePerSecond(
      (i) => webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', cryptoKey, strings[i % strings.length]),
      { parallelism, minMs: FLOOR_MS },
    );
  }
  // The same single-thread rate over a shorter window, just before and after each fan-out: the
  // machine is shared, and its other load moves the floor as much as it moves the fan-out.
  adjacentFloor = () => ratePerSecond(signOnce, { minMs: ADJACENT_FLOOR_MS, minIterations: 50 }).perSec;
  return {
    what: 'RSA-2048 RSASSA-PKCS1-v1_5 SHA-256 signatures of draft-cavage signing strings ((request-target) host date digest content-type)',
    nodeCryptoSingleThread: nodeCrypto,
    signaturesPerSec: nodeCrypto.perSec,
    webCryptoSubtleSign: {
      ...webCrypto,
      uvThreadpoolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
      note: 'what Fedify signs with: crypto.subtle.sign runs on the libuv threadpool, so calls in flight can use every core',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Seeding.

async function seedFollowers(client, { author, receivers, followers, prefix, uuidv7 }) {
  const accounts = [];
  const follows = [];
  const now = Date.now();
  for (let i = 0; i < followers; i++) {
    const receiver = receivers[i % receivers.length];
    const username = `${prefix}${i}`;
    const uri = `${receiver.origin}/users/${username}`;
    const id = uuidv7(now - followers + i);
    accounts.push([
      id,
      username,
      `127.0.0.1:${receiver.port}`,
      `Follower ${i}`,
      uri,
      uri,
      `${uri}/inbox`,
      `${receiver.origin}/inbox`,
      `${uri}/followers`,
      'Person',
    ]);
    follows.push([uuidv7(now - followers + i), id, author.id, `${receiver.origin}/follows/${username}`]);
  }
  const insert = async (sql, types, rows) => {
    for (let start = 0; start < rows.length; start += 5_000) {
      const chunk = rows.slice(start, start + 5_000);
      await client.query(
        sql,
        types.map((_, column) => chunk.map((row) => row[column])),
      );
    }
  };
  await insert(
    `INSERT INTO accounts (id, username, domain, display_name, uri, url, inbox_url, shared_inbox_url, followers_url,
                           actor_type, last_fetched_at, following_count)
     SELECT *, now(), 1 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                                    $8::text[], $9::text[], $10::text[])`,
    Array(10).fill(0),
    accounts,
  );
  await insert(
    `INSERT INTO follows (id, follower_id, followee_id, state, uri)
     SELECT n.id, n.follower, n.followee, 'accepted', n.uri
     FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[]) AS n(id, follower, followee, uri)`,
    Array(4).fill(0),
    follows,
  );
  await client.query('UPDATE accounts SET followers_count = $2 WHERE id = $1', [author.id, followers]);
  await client.query('ANALYZE accounts; ANALYZE follows');
}

// ---------------------------------------------------------------------------------------------
// One fan-out.

const totalJobs = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
const pendingOf = (counts) => counts.waiting + counts.active + counts.delayed + counts.prioritized;

async function queuesIdle(queues) {
  const all = await Promise.all(queues.map((queue) => queueCounts(queue)));
  return all.every((counts) => pendingOf(counts) === 0);
}

async function fanOut({ port, author, ledger, hosts, queues, pids, label }) {
  const cpu = cpuWindow(pids);
  const before = await Promise.all(queues.map((queue) => queueCounts(queue)));
  const startedWall = Date.now();
  const started = performance.now();
  const created = await graphql(
    port,
    'mutation($i: CreatePostInput!){ createPost(input:$i){ id uri } }',
    { i: { content: `Fan-out ${label}: hello, followers.`, visibility: 'PUBLIC' } },
    author.token,
  );
  const mutationMs = performance.now() - started;
  const postId = created.createPost.id;
  ledger.expect(postId, hosts);
  const entry = ledger.posts.get(postId);
  log(`${label}: post ${postId} created in ${round(mutationMs)} ms; waiting for ${hosts} hosts`);
  let error;
  let enqueuedAnything = false;
  let lastLog = performance.now();
  for (;;) {
    await sleep(20);
    const now = performance.now();
    if (entry.served >= hosts) break;
    if (entry.served === 0 && now - started > IDLE_GIVE_UP_MS && !enqueuedAnything) {
      const counts = await Promise.all(queues.map((queue) => queueCounts(queue)));
      enqueuedAnything = counts.some((c, i) => totalJobs(c) !== totalJobs(before[i]));
      if (!enqueuedAnything) {
        error = `nothing was enqueued on ${queues.map((q) => q.name).join(' or ')} within ${IDLE_GIVE_UP_MS / 1000} s of the mutation (no outbound bridge in this build?)`;
        break;
      }
    }
    if (entry.served === 0 && now - started > FIRST_DELIVERY_TIMEOUT_MS) {
      error = `no Create reached any host within ${FIRST_DELIVERY_TIMEOUT_MS / 1000} s of the mutation`;
      break;
    }
    if (now - started > ALL_DELIVERED_TIMEOUT_MS) {
      error = `only ${entry.served} of ${hosts} hosts served within ${ALL_DELIVERED_TIMEOUT_MS / 1000} s`;
      break;
    }
    if (now - lastLog > 5_000) {
      lastLog = now;
      const counts = await Promise.all(queues.map((queue) => queueCounts(queue)));
      log(
        `${label}: ${entry.served}/${hosts} hosts after ${round((now - started) / 1000)} s; queues ${JSON.stringify(counts)}`,
      );
    }
  }
  const allServedAt = entry.served >= hosts ? entry.lastFirstDelivery : null;
  const cpuFigures = cpu.stop();
  // Late duplicates: wait for the queues to go idle, then a little more.
  const graceUntil = performance.now() + 30_000;
  while (performance.now() < graceUntil && !(await queuesIdle(queues))) await sleep(100);
  await sleep(DUPLICATE_GRACE_MS);
  const after = await Promise.all(queues.map((queue) => queueCounts(queue)));
  const perHost = Array.from(entry.perHost);
  const total = perHost.reduce((a, b) => a + b, 0);
  const seconds = allServedAt === null ? null : (allServedAt - started) / 1000;
  const firstDeliveries = (entry.firstDeliveries ?? []).map((at) => at - started);
  const stages = await stageTimeline(queues, startedWall, { mutationMs, entry, started });
  return {
    hosts,
    postId,
    mutationMs: round(mutationMs, 1),
    firstDeliveryAfterMs: entry.first === null ? null : Math.round(entry.first - started),
    allHostsServedAfterMs: seconds === null ? null : Math.round(seconds * 1000),
    // The small fan-out's target counts from the mutation's answer: what a member waits for after posting.
    lastDeliveryAfterMutationReturnedMs: seconds === null ? null : Math.round(seconds * 1000 - mutationMs),
    deliveriesPerSec: seconds === null ? null : round(hosts / seconds, 1),
    deliveriesPerSecAfterFirst:
      seconds === null || hosts < 2 ? null : round((hosts - 1) / ((allServedAt - entry.first) / 1000), 1),
    deliveryTimeline: latencyFigures(firstDeliveries),
    stagesMs: stages,
    hostsServed: entry.served,
    deliveriesPerHost: { min: Math.min(...perHost), max: Math.max(...perHost), total },
    exactlyOnePerHost: perHost.every((n) => n === 1),
    inboxPaths: entry.paths ?? {},
    queuesBefore: Object.fromEntries(before.map((counts, i) => [queues[i].name, counts])),
    queuesAfter: Object.fromEntries(after.map((counts, i) => [queues[i].name, counts])),
    cpu: cpuFigures,
    ...(error ? { error } : {}),
  };
}

/**
 * Where the time to the first delivery goes, in ms from the mutation's start: the mutation, the
 * outbound job (added by the bridge, picked up, done: activity built, recipients read, delivery
 * jobs enqueued), the first delivery job picked up, the first Create received. From BullMQ's
 * events streams (Redis-server clock) and this process's clock: the same machine, ~1 ms apart.
 */
async function stageTimeline(queues, startedWall, { mutationMs, entry, started }) {
  const byName = Object.fromEntries(queues.map((queue) => [queue.name, queue]));
  const [outbound, delivery] = await Promise.all(
    [OUTBOUND_QUEUE, DELIVERY_QUEUE].map((name) => (byName[name] ? queueTimeline(byName[name], startedWall) : null)),
  );
  return {
    mutationDone: round(mutationMs, 1),
    outboundJobAdded: outbound?.firstAdded ?? null,
    outboundJobActive: outbound?.firstActive ?? null,
    outboundJobDone: outbound?.firstCompleted ?? null,
    firstDeliveryJobAdded: delivery?.firstAdded ?? null,
    firstDeliveryJobActive: delivery?.firstActive ?? null,
    firstCreateReceived: entry.first === null ? null : Math.round(entry.first - started),
    lastCreateReceived: entry.last === null ? null : Math.round(entry.last - started),
    lastDeliveryJobDone: delivery?.lastCompleted ?? null,
    deliveryJobs: delivery?.jobs ?? null,
  };
}

/** CPU per delivery (worker, server, PostgreSQL, Redis) and the floor's CPU per signature over the worker's. */
function addCpuPerDelivery(result, floor) {
  if (!result.hostsServed) return;
  const { wallSeconds, coresBusy } = result.cpu;
  const perDelivery = (cores) => round((cores * wallSeconds * 1000) / result.hostsServed, 3);
  result.cpuMsPerDelivery = {
    worker: perDelivery(coresBusy.worker),
    server: perDelivery(coresBusy.server),
    postgres: perDelivery(coresBusy.postgres),
    redis: perDelivery(coresBusy.redis),
    receivers: perDelivery(coresBusy.benchProcess),
  };
  result.cpuRatio = round(
    floor.nodeCryptoSingleThread.cpuMicrosPerIteration / (result.cpuMsPerDelivery.worker * 1000),
    4,
  );
  // The ratio this machine's cores allow at these CPU costs: every delivery also costs the receivers
  // (this process: accept, parse, verify) and the server and Redis their share, all on the same cores.
  // PostgreSQL is left out: its figure counts every database's backends, other runs' included.
  const { worker, server, redis, receivers } = result.cpuMsPerDelivery;
  const perDeliveryMs = worker + server + redis + receivers;
  result.cpuCeilingRatio = round(
    (cpus().length * floor.nodeCryptoSingleThread.cpuMicrosPerIteration) / (perDeliveryMs * 1000),
    4,
  );
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const loadAtStart = loadavg().map((n) => round(n, 2));
  const build = (state.build = prepareBuild(log, REF ? { ref: REF } : {}));
  const { uuidv7 } = require(join(build.dir, 'dist/libs/core/src/index.js'));

  await run.createDatabase();
  run.tempDir = makeTempDir('guildhall-bench-fanout-');
  const port = await freePort();
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
  const problems = [];
  const startMs = await run.startServer(build.script('dist/apps/server/main.js'), [], federationChildEnv(env), {
    port,
    problems,
  });
  const serverPid = run.server.pid;
  log(`server healthy after ${startMs} ms`);
  const federation = federationQueue(run.queuePrefix);
  const outbound = federationQueue(run.queuePrefix, OUTBOUND_QUEUE);
  const delivery = federationQueue(run.queuePrefix, DELIVERY_QUEUE);
  state.queues.push(federation, outbound, delivery);
  const workerSpawned = performance.now();
  state.worker = spawnWorker(
    build.script('dist/apps/worker/main.js'),
    federationChildEnv(env, PROFILE ? workerInspectPort : undefined),
    problems,
  );
  if ((await workerListening(state.worker, federation, 60_000)) === null) {
    throw new Error('the worker did not start listening on the federation queue within 60 s');
  }
  const workerStartMs = Math.round(performance.now() - workerSpawned);
  const workerPid = state.worker.pid;
  log(`worker listening after ${workerStartMs} ms`);

  const ledger = createLedger();
  const publicKeys = new Map();
  ledger.keyFor = (keyId) => publicKeys.get(keyId);
  const signUp = async (username) => {
    const body = await graphql(port, SIGN_UP, {
      i: { username, email: `${username}@bench.example`, password: PASSWORD, displayName: username },
    });
    const account = { id: body.signUp.account.id, username, token: body.signUp.token };
    // The author's published key, as a receiver would fetch it.
    const response = await fetch(`${origin}/users/${username}`, { headers: { accept: ACTIVITY_JSON } });
    const actor = await response.json();
    for (const key of [actor.publicKey].flat().filter(Boolean))
      publicKeys.set(key.id, createPublicKey(key.publicKeyPem));
    return account;
  };

  const floor = await measureSigningFloor();
  log(
    `signing floor: ${floor.signaturesPerSec}/s node:crypto, one thread; WebCrypto ${Object.entries(
      floor.webCryptoSubtleSign,
    )
      .filter(([k]) => k.startsWith('inFlight'))
      .map(([k, v]) => `${k} ${v.perSec}/s`)
      .join(', ')}`,
  );

  let warmup = null;
  if (WARMUP) {
    const author = await signUp(`author_${WARMUP.name}`);
    const receivers = await startReceivers(WARMUP.hosts, ledger);
    state.receivers.push(...receivers);
    await withClient(run.databaseUrl, (client) =>
      seedFollowers(client, { author, receivers, followers: WARMUP.followers, prefix: 'warmupf', uuidv7 }),
    );
    const result = await fanOut({
      port,
      author,
      ledger,
      hosts: WARMUP.hosts,
      queues: [federation, outbound, delivery],
      pids: { server: serverPid, worker: workerPid },
      label: WARMUP.name,
    });
    warmup = {
      followers: WARMUP.followers,
      hosts: WARMUP.hosts,
      mutationMs: result.mutationMs,
      firstDeliveryAfterMs: result.firstDeliveryAfterMs,
      allHostsServedAfterMs: result.allHostsServedAfterMs,
      stagesMs: result.stagesMs,
      exactlyOnePerHost: result.exactlyOnePerHost,
      ...(result.error ? { error: result.error } : {}),
    };
    log(`warm-up: ${JSON.stringify(warmup)}`);
    await closeReceivers(state.receivers);
  }

  const results = {};
  let lastScenario;
  for (const scenario of SCENARIOS) {
    const author = await signUp(`author_${scenario.name}`);
    const receivers = await startReceivers(scenario.hosts, ledger);
    state.receivers.push(...receivers);
    const seedStarted = performance.now();
    await withClient(run.databaseUrl, (client) =>
      seedFollowers(client, {
        author,
        receivers,
        followers: scenario.followers,
        prefix: `${scenario.name.replace(/[^a-z0-9]/g, '')}f`,
        uuidv7,
      }),
    );
    const seedMs = Math.round(performance.now() - seedStarted);
    log(`${scenario.name}: ${scenario.followers} followers on ${scenario.hosts} hosts seeded in ${seedMs} ms`);
    await sleep(PG_STATS_DELAY_MS); // every backend's counters published (see below)
    const transactionsBefore = await postgresTransactions(run.databaseUrl);
    const floorBefore = adjacentFloor();
    const result = await fanOut({
      port,
      author,
      ledger,
      hosts: scenario.hosts,
      queues: [federation, outbound, delivery],
      pids: { server: serverPid, worker: workerPid },
      label: scenario.name,
    });
    const floorAfter = adjacentFloor();
    result.followers = scenario.followers;
    result.seedMs = seedMs;
    const floorAround = round((floorBefore + floorAfter) / 2);
    result.signingFloorAround = { beforePerSec: floorBefore, afterPerSec: floorAfter, meanPerSec: floorAround };
    result.ratioVsFloorAround =
      result.deliveriesPerSec === null ? null : round(result.deliveriesPerSec / floorAround, 4);
    await sleep(PG_STATS_DELAY_MS);
    result.postgresTransactions = (await postgresTransactions(run.databaseUrl)) - transactionsBefore;
    result.postgresTransactionsPerDelivery = round(result.postgresTransactions / Math.max(result.hostsServed, 1), 2);
    result.ratio = result.deliveriesPerSec === null ? null : round(result.deliveriesPerSec / floor.signaturesPerSec, 4);
    addCpuPerDelivery(result, floor);
    results[scenario.name] = result;
    log(`${scenario.name}: ${JSON.stringify(result)}`);
    lastScenario = { scenario, author, receivers };
    if (scenario !== SCENARIOS.at(-1)) await closeReceivers(state.receivers);
  }

  // The largest fan-out again, under the CPU profiler (worker).
  let profile = null;
  if (PROFILE && lastScenario && results[lastScenario.scenario.name].hostsServed > 0) {
    const profiler = await inspectorProfiler(workerInspectPort);
    state.profilers.push(profiler);
    await profiler.start(500);
    const profiled = await fanOut({
      port,
      author: lastScenario.author,
      ledger,
      hosts: lastScenario.scenario.hosts,
      queues: [federation, outbound, delivery],
      pids: { server: serverPid, worker: workerPid },
      label: `${lastScenario.scenario.name} (worker profiled)`,
    });
    const cpuProfile = await profiler.stop();
    await profiler.close();
    state.profilers = state.profilers.filter((p) => p !== profiler);
    saveProfile('fanout-worker', cpuProfile);
    addCpuPerDelivery(profiled, floor);
    profile = {
      process: 'worker',
      during: `a second post to the ${lastScenario.scenario.followers} followers on ${lastScenario.scenario.hosts} hosts`,
      deliveriesPerSecWhileProfiling: profiled.deliveriesPerSec,
      cpuMsPerDeliveryWhileProfiling: profiled.cpuMsPerDelivery,
      exactlyOnePerHost: profiled.exactlyOnePerHost,
      byLibrarySelfPctOfBusy: libraryShares(cpuProfile),
      ...summariseProfile(cpuProfile, root, 15),
    };
    delete profile.inclusiveByComponentPctOfBusy;
  }
  await closeReceivers(state.receivers);

  const serverRssMb = rssMb(serverPid);
  const workerRssMb = rssMb(workerPid);
  const workerStop = await stopWorker(state.worker, 45_000, log);
  state.worker = undefined;
  const serverStop = await run.stopServer();
  const appProblems = problems.filter((line) => !isHarnessNoise(line));

  const measured = Object.values(results);
  const ratios = Object.fromEntries(measured.map((result) => [`f${result.followers}_h${result.hosts}`, result.ratio]));
  const ratiosVsFloorAround = Object.fromEntries(
    measured.map((result) => [`f${result.followers}_h${result.hosts}`, result.ratioVsFloorAround]),
  );
  const worst = measured.every((result) => result.ratio !== null) ? Math.min(...measured.map((r) => r.ratio)) : null;
  const dedupeOk = measured.every((result) => result.exactlyOnePerHost);
  const smallLast = results[SMALL_SCENARIO]?.lastDeliveryAfterMutationReturnedMs ?? null;
  const smallMet = smallLast !== null && smallLast < TARGETS.smallFanoutLastDeliveryAfterMutationMs && dedupeOk;
  return {
    node: process.version,
    cpus: cpus().length,
    loadAverageAtStart: loadAtStart,
    build: build.describe,
    setup: {
      server: 'dist/apps/server/main.js, NODE_ENV=production, LOG_LEVEL=warn',
      worker: 'dist/apps/worker/main.js (separate process, FEDERATION_CONCURRENCY default)',
      workerStartMs,
      warmup: WARMUP
        ? `one post to ${WARMUP.followers} followers on ${WARMUP.hosts} other hosts before the measured fan-outs (figures in warmup; --no-warmup to measure the first post after boot)`
        : 'none (--no-warmup): the first measured post is the first after boot',
      receivers:
        'one node:http server per host in this process; 202 to every POST; every signature checked with node:crypto',
    },
    signingFloor: floor,
    warmup,
    fanout: results,
    ratios,
    ratio: worst,
    ratiosVsFloorAround,
    targets: {
      ...TARGETS,
      met: worst !== null && worst >= TARGETS.minFanoutOverSigningFloor && dedupeOk,
      smallFanoutLastDeliveryMeasuredMs: smallLast,
      smallFanoutMet: smallMet,
    },
    met: worst !== null && worst >= TARGETS.minFanoutOverSigningFloor && dedupeOk,
    sharedInboxDedupe: dedupeOk,
    signatures: ledger.signatures,
    otherRequestsReceived: { posts: ledger.otherPosts, gets: ledger.gets },
    profile,
    workarounds: {
      allowPrivateAddressShim: shimActed(problems)
        ? 'ACTED: the server/worker could not start with FEDERATION_ALLOW_PRIVATE_ADDRESSES=true (Fedify refuses allowPrivateAddress with custom loader factories); scripts/bench/federation-private-address-shim.mjs dropped the flag'
        : 'not needed',
    },
    server: {
      startMs,
      rssMbAfter: serverRssMb,
      shutdownMs: serverStop?.ms ?? null,
      warningsOrErrors: appProblems.length,
      firstProblems: appProblems.slice(0, 8),
    },
    worker: { rssMbAfter: workerRssMb, shutdownMs: workerStop?.ms ?? null },
    notes: [
      'deliveriesPerSec = hosts / seconds from the start of the createPost mutation until the last host received its first Create; deliveriesPerSecAfterFirst excludes the time before the first delivery.',
      'ratio = deliveriesPerSec / the single-thread node:crypto RSA-2048 signing rate measured in the same run (signingFloor, before the fan-outs); the worker signs on the libuv threadpool (node:crypto sign with a callback), several threads at once, so ratios above 1 are possible in principle. cpuRatio is the per-core figure: CPU µs of one floor signature / worker CPU µs (all threads) per delivery.',
      'ratioVsFloorAround = deliveriesPerSec / the same single-thread rate measured for 1 s just before and just after that fan-out (signingFloorAround): less sensitive to other load on a shared machine; `ratio` and `met` stay against signingFloor.',
      'Everything (server, worker, PostgreSQL, Redis, the receivers) shares this machine; cpu.coresBusy shows where the cores went during each fan-out.',
      'lastDeliveryAfterMutationReturnedMs = allHostsServedAfterMs - mutationMs: the small fan-out target (targets.smallFanoutMet) counts from the mutation returning.',
      'cpuCeilingRatio = cores × the floor signature CPU ÷ the CPU per delivery of worker + server + Redis + receivers: the ratio these CPU costs allow if every core worked for this fan-out and nothing else (PostgreSQL left out: the figure counts every database on the machine).',
    ],
  };
}

await runBenchmark({ log, timeoutMs: OVERALL_TIMEOUT_MS, main, cleanup });
