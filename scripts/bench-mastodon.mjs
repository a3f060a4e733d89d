// The Mastodon client API under load, beside GraphQL and the floor, in one run on one server:
//  - GET /api/v1/timelines/home?limit=20 (a page of Mastodon Status entities) against GraphQL's
//    HOME page and the bare hand-written-SQL route of bench:timeline (scripts/bench/timeline-server.mjs),
//    at 10 connections; targets: REST >= 60% of the bare route's requests/s, REST p99 < 50 ms;
//  - streaming fan-out: STREAM_CLIENTS WebSocket clients on `/api/v1/streaming?stream=user`, each a
//    follower of one poster; the poster publishes through the REST API and the bench times until
//    every client received the `update`; target: all within 1 s. Sockets that closed before the
//    bench ended them are counted by close code (`streaming.closedBeforeEnd`; each round's `closedBefore`).
// Seeds a scratch database exactly as bench:timeline does (dropped at the end); the streaming
// clients' OAuth tokens are written into `sessions` as an app's tokens (hashed), as /oauth/token
// would. Prints one JSON object on stdout; progress on stderr.
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  SIGN_UP,
  autocannonRun,
  buildIfNeeded,
  createLog,
  createScratchRun,
  freePort,
  graphqlBody as graphql,
  makeTempDir,
  root,
  round,
  rssMb,
  runBenchmark,
  throughput,
  withClient,
} from './bench/common.mjs';
import { HOME_PAGE_SIZE } from './bench/timeline-home-sql.mjs';
import { seedTimeline } from './bench/timeline-seed.mjs';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');
const ACCOUNTS = 1_000;
const POSTS = 100_000;
const FOLLOWS_PER_ACCOUNT = 100;
const READERS = 8;
const STREAM_CLIENTS = 1_000;
const STREAM_ROUNDS = 3;
const PASSWORD = 'correct horse battery staple';
const CONNECTIONS = 10;
const WARMUP_S = 3;
const DURATION_S = 10;
const TARGETS = { minRestOverBareRatio: 0.6, maxRestP99MsAt10: 50, maxStreamFanOutMs: 1_000 };
const OVERALL_TIMEOUT_MS = 6 * 60_000;

const log = createLog('bench:mastodon');
const run = createScratchRun(log);
const { databaseUrl } = run;

const HOME_QUERY =
  `{ timeline(kind: HOME, first: ${HOME_PAGE_SIZE}) { edges { cursor node { id uri url content title ` +
  'contentWarning visibility createdAt likesCount boostsCount repliesCount viewerHasLiked viewerHasBoosted ' +
  'author { id handle displayName avatarUrl } media { id url width height altText } } } ' +
  'pageInfo { hasNextPage endCursor } } }';

/** A 200 response's body as text and its Link header (anything else throws, with the body). */
async function getText(port, path, headers = {}) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers, signal: AbortSignal.timeout(15_000) });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${body.slice(0, 500)}`);
  return { body, link: response.headers.get('link') };
}

async function getJson(port, path, headers = {}) {
  return JSON.parse((await getText(port, path, headers)).body);
}

async function load(label, port, makeRequest) {
  let bad = 0;
  let firstBad;
  const once = (duration) =>
    autocannonRun(port, {
      connections: CONNECTIONS,
      duration,
      request: {
        ...makeRequest(0),
        setupRequest: (request, context) => {
          context.n = (context.n ?? Math.floor(Math.random() * 1000)) + 1;
          return { ...request, ...makeRequest(context.n) };
        },
        onResponse: (status, body) => {
          if (status === 200 && !body.includes('"errors":[')) return;
          bad++;
          firstBad ??= `${status} ${String(body).slice(0, 300)}`;
        },
      },
    });
  log(`${label}: warm-up ${WARMUP_S} s`);
  await once(WARMUP_S);
  bad = 0;
  log(`${label}: ${DURATION_S} s at ${CONNECTIONS} connections`);
  const result = await once(DURATION_S);
  const figures = { ...throughput(result), errors: result.errors + result.timeouts + bad };
  if (firstBad) figures.firstError = firstBad;
  log(`${label}: ${JSON.stringify(figures)}`);
  return figures;
}

/**
 * Opens `tokens.length` user streams; resolves when every one is subscribed. Each socket that
 * closes before the bench ends it is recorded in `closes` (code, reason, ms since it opened).
 */
async function openStreams(port, tokens, closes) {
  const sockets = [];
  for (let start = 0; start < tokens.length; start += 100) {
    const batch = tokens.slice(start, start + 100).map(
      (token) =>
        new Promise((resolve, reject) => {
          const socket = new WebSocket(`ws://127.0.0.1:${port}/api/v1/streaming?stream=user&access_token=${token}`);
          const timer = setTimeout(() => reject(new Error('stream did not open in 20 s')), 20_000);
          socket.once('open', () => {
            clearTimeout(timer);
            const openedAt = performance.now();
            socket.once('close', (code, reason) => {
              if (socket.endedByBench) return;
              closes.push({ code, reason: String(reason), msSinceOpen: Math.round(performance.now() - openedAt) });
            });
            resolve(socket);
          });
          socket.once('error', (error) => {
            clearTimeout(timer);
            reject(error);
          });
        }),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

/** One post through the REST API; resolves with ms until every socket had its `update`. */
async function fanOut(port, sockets, posterToken, index) {
  const text = `fan-out round ${index} ${randomBytes(4).toString('hex')}`;
  const arrivals = [];
  let started = 0;
  const received = sockets.map(
    (socket) =>
      new Promise((resolve) => {
        const onMessage = (data) => {
          const message = JSON.parse(String(data));
          if (message.event !== 'update' || !String(message.payload).includes(text)) return;
          arrivals.push(performance.now() - started);
          socket.off('message', onMessage);
          resolve();
        };
        socket.on('message', onMessage);
      }),
  );
  started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/statuses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${posterToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status: text, visibility: 'public' }),
  });
  if (response.status !== 200) throw new Error(`POST /api/v1/statuses: ${response.status} ${await response.text()}`);
  const answeredMs = performance.now() - started;
  const timeout = sleep(10_000).then(() => 'timeout');
  const outcome = await Promise.race([Promise.all(received).then(() => 'all'), timeout]);
  arrivals.sort((a, b) => a - b);
  const pick = (q) => round(arrivals[Math.min(arrivals.length - 1, Math.floor(q * arrivals.length))] ?? NaN, 1);
  return {
    clients: sockets.length,
    received: arrivals.length,
    allReceived: outcome === 'all',
    postAnsweredMs: round(answeredMs, 1),
    firstMs: pick(0),
    p50Ms: pick(0.5),
    p99Ms: pick(0.99),
    lastMs: round(arrivals.at(-1) ?? NaN, 1),
  };
}

/** The sockets that closed while the bench held them open: how many, by close code, the first few. */
function summariseCloses(closes) {
  const byCode = {};
  for (const { code } of closes) byCode[code] = (byCode[code] ?? 0) + 1;
  const ms = closes.map((c) => c.msSinceOpen).sort((a, b) => a - b);
  return {
    count: closes.length,
    byCode,
    msSinceOpen: ms.length ? { min: ms[0], max: ms.at(-1) } : null,
    first: closes.slice(0, 5),
  };
}

async function main() {
  buildIfNeeded(log);
  const { uuidv7 } = require(join(root, 'dist/libs/core/src/index.js'));
  const loadBefore = loadavg().map((n) => round(n, 2));
  await run.createDatabase();
  run.tempDir = makeTempDir('guildhall-bench-mastodon-');
  const port = await freePort();
  const env = run.serverEnv(port, { NODE_ENV: 'production', HOST: '127.0.0.1', RATE_LIMIT_SIGNUP_PER_IP: '1000000' });
  const problems = [];
  const startMs = await run.startServer('scripts/bench/timeline-server.mjs', [], env, { port, problems });
  const pid = run.server.pid;

  const readers = [];
  for (let i = 0; i < READERS; i++) {
    const username = `reader_${i}`;
    const body = await graphql(port, SIGN_UP, {
      i: { username, email: `${username}@bench.example`, password: PASSWORD, displayName: `Reader ${i}` },
    });
    readers.push({ id: body.data.signUp.account.id, token: body.data.signUp.token });
  }
  const seed = await withClient(databaseUrl, async (client) => {
    const sizes = await seedTimeline(client, {
      accounts: ACCOUNTS,
      posts: POSTS,
      followsPerAccount: FOLLOWS_PER_ACCOUNT,
      readers,
      uuidv7,
    });
    await client.query('VACUUM (ANALYZE)');
    return sizes;
  });
  log(`seeded: ${JSON.stringify(seed)}`);

  // The same page through all three routes first: ids in the same order.
  for (const reader of readers) {
    const auth = { authorization: `Bearer ${reader.token}` };
    const rest = await getJson(port, `/api/v1/timelines/home?limit=${HOME_PAGE_SIZE}`, auth);
    const bare = await getJson(port, `/bench/home?viewer=${reader.id}&media=1&avatar=1`);
    const restIds = rest.map((status) => status.id);
    const bareIds = bare.data.timeline.edges.map((edge) => edge.node.id);
    if (restIds.join() !== bareIds.join()) {
      throw new Error(`REST and the bare route disagree for ${reader.id}:\n  rest ${restIds}\n  bare ${bareIds}`);
    }
  }
  log('REST home and the bare route serve the same pages');
  // The second floor returns the REST page's very bytes: body and Link header, every reader.
  for (const reader of readers) {
    const [rest, bare] = await Promise.all([
      getText(port, `/api/v1/timelines/home?limit=${HOME_PAGE_SIZE}`, { authorization: `Bearer ${reader.token}` }),
      getText(port, `/bench/mastodon-home?viewer=${reader.id}`),
    ]);
    if (rest.body !== bare.body || rest.link !== bare.link) {
      let at = 0;
      while (at < rest.body.length && rest.body[at] === bare.body[at]) at++;
      throw new Error(
        `REST home and the Mastodon-shaped bare route differ for ${reader.id} at byte ${at}:\n` +
          `  rest ${rest.body.slice(Math.max(0, at - 80), at + 80)}\n  bare ${bare.body.slice(Math.max(0, at - 80), at + 80)}\n` +
          `  links ${rest.link} | ${bare.link}`,
      );
    }
  }
  log('REST home and the Mastodon-shaped bare route serve the same bytes');

  const byReader = (make) => (n) => make(readers[n % readers.length]);
  const rest = await load(
    'rest home',
    port,
    byReader((reader) => ({
      method: 'GET',
      path: `/api/v1/timelines/home?limit=${HOME_PAGE_SIZE}`,
      headers: { authorization: `Bearer ${reader.token}` },
    })),
  );
  const bareMastodon = await load(
    'bare mastodon home',
    port,
    byReader((reader) => ({ method: 'GET', path: `/bench/mastodon-home?viewer=${reader.id}` })),
  );
  const gql = await load(
    'graphql home',
    port,
    byReader((reader) => ({
      method: 'POST',
      path: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${reader.token}` },
      body: JSON.stringify({ query: HOME_QUERY }),
    })),
  );
  const bare = await load(
    'bare home',
    port,
    byReader((reader) => ({ method: 'GET', path: `/bench/home?viewer=${reader.id}&media=1&avatar=1` })),
  );

  // Streaming: STREAM_CLIENTS seeded members (none muting or blocking it) follow reader 0 and hold app tokens.
  const poster = readers[0];
  const streamTokens = await withClient(databaseUrl, async (client) => {
    const { rows: app } = await client.query(
      `INSERT INTO oauth_applications (name, redirect_uris, scopes, client_id, client_secret_hash)
       VALUES ('bench', '{urn:ietf:wg:oauth:2.0:oob}', '{read,write}', $1, $2) RETURNING id`,
      [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')],
    );
    const { rows: users } = await client.query(
      `SELECT u.id AS user_id, u.account_id FROM users u JOIN accounts a ON a.id = u.account_id
       WHERE a.id <> $1
         -- Members who mute or block the poster (or whom it blocks) rightly get nothing: not clients.
         AND NOT EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = a.id AND m.target_id = $1)
         AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = a.id AND b.target_id = $1)
                                                  OR (b.account_id = $1 AND b.target_id = a.id))
       ORDER BY a.username LIMIT $2`,
      [poster.id, STREAM_CLIENTS],
    );
    await client.query(
      `INSERT INTO follows (id, follower_id, followee_id, state)
       SELECT gen_random_uuid(), account_id, $1, 'accepted' FROM unnest($2::uuid[]) AS account_id
       -- The seed leaves 3% of follows pending: a client's follow of the poster must be accepted.
       ON CONFLICT (follower_id, followee_id) DO UPDATE SET state = 'accepted'`,
      [poster.id, users.map((u) => u.account_id)],
    );
    const tokens = users.map(() => randomBytes(32).toString('base64url'));
    await client.query(
      `INSERT INTO sessions (user_id, application_id, access_token_hash, scopes, last_used_at)
       SELECT user_id, $1, hash, '{read,write}', now() FROM unnest($2::uuid[], $3::text[]) AS t(user_id, hash)`,
      [app[0].id, users.map((u) => u.user_id), tokens.map((t) => createHash('sha256').update(t).digest('hex'))],
    );
    return tokens;
  });
  // The seed has 1,000 accounts; a few mute or block the poster. Streams, not accounts, are what fan
  // out: the members' tokens are reused round-robin so that STREAM_CLIENTS streams are open.
  const clientTokens = Array.from({ length: STREAM_CLIENTS }, (_, i) => streamTokens[i % streamTokens.length]);
  log(`opening ${clientTokens.length} user streams for ${streamTokens.length} members`);
  const openStarted = performance.now();
  const closes = [];
  const sockets = await openStreams(port, clientTokens, closes);
  const openMs = Math.round(performance.now() - openStarted);
  await sleep(500);
  const rounds = [];
  for (let i = 0; i < STREAM_ROUNDS; i++) {
    rounds.push({ ...(await fanOut(port, sockets, poster.token, i)), closedBefore: closes.length });
    log(`fan-out round ${i}: ${JSON.stringify(rounds.at(-1))}`);
    await sleep(300);
  }
  for (const socket of sockets) {
    socket.endedByBench = true;
    socket.terminate();
  }
  const serverRssMb = rssMb(pid);
  await run.stopServer();

  const ratio = round(rest.requestsPerSec / Math.max(bare.requestsPerSec, 1), 3);
  const worstFanOut = Math.max(...rounds.map((r) => (r.allReceived ? r.lastMs : Infinity)));
  const met = {
    restOverBare: ratio >= TARGETS.minRestOverBareRatio,
    restP99At10: rest.p99Ms < TARGETS.maxRestP99MsAt10,
    streamFanOut: worstFanOut < TARGETS.maxStreamFanOutMs,
  };
  return {
    node: process.version,
    cpus: cpus().length,
    loadAverage: { before: loadBefore, after: loadavg().map((n) => round(n, 2)) },
    seed,
    connections: CONNECTIONS,
    durationSeconds: DURATION_S,
    restHome: rest,
    graphqlHome: gql,
    bareHome: bare,
    bareMastodonHome: bareMastodon,
    ratioRestOverBare: ratio,
    // The measure proposed in ADR 0068's addendum: against a floor serving the same bytes.
    ratioRestOverBareMastodon: round(rest.requestsPerSec / Math.max(bareMastodon.requestsPerSec, 1), 3),
    ratioGraphqlOverBare: round(gql.requestsPerSec / Math.max(bare.requestsPerSec, 1), 3),
    streaming: {
      clients: clientTokens.length,
      members: streamTokens.length,
      openMs,
      rounds,
      worstAllReceivedMs: worstFanOut,
      closedBeforeEnd: summariseCloses(closes),
    },
    targets: { ...TARGETS, met, allMet: Object.values(met).every(Boolean) },
    server: { startMs, rssMb: serverRssMb, warningsOrErrors: problems.length, firstProblems: problems.slice(0, 5) },
    notes: [
      'One server process (no worker), NODE_ENV=production; autocannon and the WebSocket clients run in this process on the same machine.',
      'REST and GraphQL readers carry a first-party session token (JWT); the streaming clients app tokens (opaque, scopes read write).',
      "The bare route runs the HOME rules as hand-written SQL without authentication (bench:timeline); it returns the GraphQL page's entities (bytesPerResponse).",
      "The Mastodon-shaped bare route (scripts/bench/mastodon-home-sql.mjs) returns the REST page's very bytes, body and Link header, checked for every reader before the runs; ratioRestOverBareMastodon compares with it. The target is still judged against the bare route.",
    ],
  };
}

await runBenchmark({ log, timeoutMs: OVERALL_TIMEOUT_MS, main, cleanup: run.cleanup });
