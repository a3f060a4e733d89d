// HOME timeline throughput: the GraphQL `timeline(kind: HOME, first: 20)` query (posts with
// authors, counts and media) and the Mastodon API's `GET /api/v1/timelines/home` against the same page served by hand-written SQL through a bare
// Fastify route on the same server and pool (scripts/bench/timeline-server.mjs): the floor this
// stack can reach. Seeds a scratch database (dropped at the end) with ACCOUNTS accounts, POSTS
// posts and ~FOLLOWS_PER_ACCOUNT follows each, checks both routes return the same page, then runs
// autocannon at 10 and 50 connections on each, and profiles one GraphQL request (its SQL
// statements, EXPLAIN ANALYZE, a short CPU profile). Prints one JSON object on stdout; progress
// goes to stderr. Uses its own QUEUE_PREFIX in Redis (keys removed at the end). Bounded in time;
// kills only the server it started and removes its temp dir.
//
// `--scale N` (issue 13): N times the data — N×1,000 accounts, N×100,000 posts, readers following
// N×100 accounts each and the last reader 5× that (10: 10,000 accounts, 1M posts, readers
// following 1,000 and one 5,000) — seeded in SQL (scripts/bench/timeline-seed-sql.mjs). The same
// measurements; the EXPLAIN (ANALYZE, BUFFERS) text of the home statements for the first and the
// last reader goes to bench-results/timeline-x<N>-*.txt.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { summariseProfile } from './bench/cpu-profile.mjs';
import {
  SIGN_UP,
  autocannonRun,
  buildIfNeeded,
  cpuMeter,
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
import { HOME_PAGE_SIZE, HOME_SQL, REPOSITORY_HOME_SQL } from './bench/timeline-home-sql.mjs';
import { seedTimeline } from './bench/timeline-seed.mjs';
import { seedTimelineSql } from './bench/timeline-seed-sql.mjs';

const require = createRequire(import.meta.url);
const scaleAt = process.argv.indexOf('--scale');
const SCALE = scaleAt > 0 ? Number(process.argv[scaleAt + 1]) : 1;
if (!Number.isInteger(SCALE) || SCALE < 1 || SCALE > 50) {
  process.stderr.write('bench:timeline: --scale takes a whole number from 1 to 50\n');
  process.exit(2);
}
/** `--save-profiles <dir>`: the raw V8 CPU profiles (GraphQL and REST) as .cpuprofile files, for DevTools. */
const saveAt = process.argv.indexOf('--save-profiles');
const SAVE_PROFILES = saveAt > 0 ? process.argv[saveAt + 1] : null;
/**
 * `--rounds N`: every measured run N times, the order of the three routes alternating, and the
 * targets judged on the median round (as bench:outbox does): one round on a shared machine moves
 * by more than most changes do.
 */
const roundsAt = process.argv.indexOf('--rounds');
const ROUNDS = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 1;
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 9) {
  process.stderr.write('bench:timeline: --rounds takes a whole number from 1 to 9\n');
  process.exit(2);
}
const ACCOUNTS = 1_000 * SCALE;
const POSTS = 100_000 * SCALE;
const FOLLOWS_PER_ACCOUNT = 100;
/** How many accounts the readers follow: 100 at scale 1; N×100 and, for the last reader, 5× that at scale N > 1. */
const READER_FOLLOWS = SCALE === 1 ? 100 : 100 * SCALE;
const HEAVY_READER_FOLLOWS = SCALE === 1 ? 100 : 500 * SCALE;
const READERS = 8;
const PASSWORD = 'correct horse battery staple';
const CONNECTION_COUNTS = [10, 50];
const WARMUP_S = 3;
const DURATION_S = 10;
const PROFILE_S = 5;
const TARGETS = {
  minGraphqlOverBareRatio: 0.6,
  maxGraphqlP99MsAt10: 50,
  minRestOverBareRatio: 0.6,
  maxRestP99MsAt10: 50,
};
/** The same page through the Mastodon client API (issue 11: REST home against the same floor). */
/**
 * The repository's timeline statements among the SQL a request ran (hand-written since
 * TimelineRepository moved off TypeORM): the windowed walk, and for a reader whose followees barely
 * post the per-followee read after it (ADR 0059), which runs with JIT off (`SET LOCAL jit = off`).
 */
const TIMELINE_STATEMENT = /JOIN accounts author ON author\.id = p\.account_id/;
const PER_FOLLOWEE_STATEMENT = /^\s*WITH c AS MATERIALIZED/;
const REST_PATH = `/api/v1/timelines/home?limit=${HOME_PAGE_SIZE}`;
const OVERALL_TIMEOUT_MS = (SCALE === 1 ? 7 : 20) * 60_000;
const RESULTS_DIR = join(root, 'bench-results');

const log = createLog('bench:timeline');
/** What this run created (scratch database, Redis keys, server, temp dir): released on every exit path. */
const run = createScratchRun(log);
const { databaseUrl } = run;

async function getJson(port, path, init = {}) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });
  const body = await response.json();
  if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(body).slice(0, 500)}`);
  return body;
}

const FIELDS =
  '{ post: __type(name: "Post") { fields { name } } account: __type(name: "Account") { fields { name } } }';

/** The issue's query, without `media` / `avatarUrl` while the schema does not have them yet. */
function homeQuery(include) {
  const author = `author { id handle displayName${include.avatar ? ' avatarUrl' : ''} }`;
  const media = include.media ? ' media { id url width height altText }' : '';
  return (
    `{ timeline(kind: HOME, first: ${HOME_PAGE_SIZE}) { edges { cursor node { id uri url content title ` +
    `contentWarning visibility createdAt likesCount boostsCount repliesCount ${author}${media} } } ` +
    `pageInfo { hasNextPage endCursor } } }`
  );
}

const barePath = (viewerId, include, sql = 'hand-written') =>
  `/bench/home?viewer=${viewerId}${include.media ? '&media=1' : ''}${include.avatar ? '&avatar=1' : ''}` +
  (sql === 'repository' ? '&sql=repository' : '');

/** Writes a profile to `--save-profiles`'s directory when given; returns it. */
function saved(name, profile) {
  if (SAVE_PROFILES) {
    mkdirSync(SAVE_PROFILES, { recursive: true });
    writeFileSync(join(SAVE_PROFILES, `timeline-${name}.cpuprofile`), JSON.stringify(profile));
  }
  return profile;
}

/** Waits until requests queued by the last run are served: /health answers fast twice in a row. */
async function drain(port) {
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

/** The first differences between two JSON values, as paths. */
function differences(a, b, path = '', out = []) {
  if (out.length >= 5) return out;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)]))
      differences(a[key], b[key], `${path}.${key}`, out);
  } else if (a !== b) {
    out.push(`${path}: graphql=${JSON.stringify(a)?.slice(0, 80)} bare=${JSON.stringify(b)?.slice(0, 80)}`);
  }
  return out;
}

/** CPU per request of the server and of its PostgreSQL backends (measured runs only; set in main). */
let meter = null;

/** One autocannon run; `kind` is 'graphql' or 'bare'. Bodies are only scanned for GraphQL errors. */
async function load(label, port, { connections, duration, makeRequest, metered = false }) {
  if (metered) await meter?.start();
  let bad = 0;
  let firstBad;
  const result = await autocannonRun(port, {
    connections,
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
  const figures = { ...throughput(result), errors: result.errors + result.timeouts + bad };
  if (metered && meter) Object.assign(figures, await meter.stop(result.requests.total));
  if (firstBad) figures.firstError = firstBad;
  log(`${label}: ${JSON.stringify(figures)}`);
  return figures;
}

async function measure(label, port, connections, makeRequest) {
  await drain(port);
  log(`${label}: warm-up ${WARMUP_S} s at ${connections} connections`);
  await load(`${label} warm-up`, port, { connections, duration: WARMUP_S, makeRequest });
  log(`${label}: ${DURATION_S} s at ${connections} connections`);
  return load(label, port, { connections, duration: DURATION_S, makeRequest, metered: true });
}

/** What one request runs in SQL, through the server's recorder. */
async function recordSql(port, send) {
  await drain(port);
  await getJson(port, '/bench/sql/start', { method: 'POST' });
  await send();
  const { statements } = await getJson(port, '/bench/sql/stop', { method: 'POST' });
  return statements;
}

const describeSql = (sql) => {
  const flat = sql.replace(/\s+/g, ' ').trim();
  const table = /FROM "?([a-z_]+)"?/i.exec(flat)?.[1] ?? '?';
  return { table, sql: flat.slice(0, 140) };
};

async function explain(client, sql, parameters) {
  const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, parameters);
  const plan = rows[0]['QUERY PLAN'][0];
  return { executionMs: round(plan['Execution Time'], 2), planningMs: round(plan['Planning Time'], 2), plan };
}

/** Rows read by sequential scans of `posts` anywhere in a plan (the boost rule's hashed subplan). */
const postsSeqScanRows = (node) =>
  (node['Node Type'] === 'Seq Scan' && node['Relation Name'] === 'posts'
    ? node['Actual Rows'] * node['Actual Loops']
    : 0) + (node.Plans ?? []).reduce((sum, child) => sum + postsSeqScanRows(child), 0);

const stats = (values) => ({
  meanMs: round(values.reduce((a, b) => a + b, 0) / values.length, 2),
  maxMs: round(Math.max(...values), 2),
  perReaderMs: values.map((v) => round(v, 2)),
});

async function main() {
  const loadBefore = loadavg().map((v) => round(v, 2));
  buildIfNeeded(log);
  const { uuidv7 } = require(join(root, 'dist/libs/core/src/index.js'));

  await run.createDatabase();
  run.tempDir = makeTempDir('guildhall-bench-timeline-');
  const port = await freePort();
  const env = run.serverEnv(port, {
    NODE_ENV: 'production', // as docker/Dockerfile runs it (graphql-js skips its development checks)
    HOST: '127.0.0.1',
    RATE_LIMIT_SIGNUP_PER_IP: '1000000',
  });
  const problems = [];
  const startMs = await run.startServer('scripts/bench/timeline-server.mjs', [], env, { port, problems }); // runs the migrations
  const pid = run.server.pid;
  meter = cpuMeter(pid, databaseUrl, run.database);
  log(`server healthy after ${startMs} ms`);

  // Readers: real members with sessions, signed up through GraphQL.
  const readers = [];
  for (let i = 0; i < READERS; i++) {
    const username = `reader_${i}`;
    const body = await graphql(port, SIGN_UP, {
      i: { username, email: `${username}@bench.example`, password: PASSWORD, displayName: `Reader ${i}` },
    });
    readers.push({ id: body.data.signUp.account.id, token: body.data.signUp.token });
  }
  // At scale > 1, one more member, outside the load: it follows the 100 accounts that post least.
  let sparseReader = null;
  if (SCALE > 1) {
    const body = await graphql(port, SIGN_UP, {
      i: { username: 'sparse_reader', email: 'sparse_reader@bench.example', password: PASSWORD, displayName: 'Sparse' },
    });
    sparseReader = { id: body.data.signUp.account.id, token: body.data.signUp.token };
  }
  log(`signed up ${readers.length} readers`);

  const seedStarted = performance.now();
  const seed = await withClient(databaseUrl, async (client) => {
    const sizes =
      SCALE === 1
        ? await seedTimeline(client, {
            accounts: ACCOUNTS,
            posts: POSTS,
            followsPerAccount: FOLLOWS_PER_ACCOUNT,
            readers,
            uuidv7,
          })
        : await seedTimelineSql(client, {
            accounts: ACCOUNTS,
            posts: POSTS,
            followsPerAccount: FOLLOWS_PER_ACCOUNT,
            readers,
            sparseReader,
            readerFollows: readers.map((_, i) => (i === readers.length - 1 ? HEAVY_READER_FOLLOWS : READER_FOLLOWS)),
            log,
          });
    const insertMs = Math.round(performance.now() - seedStarted);
    log(`seeded in ${insertMs} ms: ${JSON.stringify(sizes)}`);
    const analyzeStarted = performance.now();
    await client.query('VACUUM (ANALYZE)');
    return { ...sizes, insertMs, vacuumAnalyzeMs: Math.round(performance.now() - analyzeStarted) };
  });
  seed.totalMs = Math.round(performance.now() - seedStarted);
  log(`seed done in ${seed.totalMs} ms (VACUUM ANALYZE ${seed.vacuumAnalyzeMs} ms)`);

  // Which of the issue's fields the schema has today.
  const types = (await graphql(port, FIELDS)).data;
  const has = (type, field) => Boolean(type?.fields?.some((f) => f.name === field));
  const include = { media: has(types.post, 'media'), avatar: has(types.account, 'avatarUrl') };
  const query = homeQuery(include);
  const queryBody = JSON.stringify({ query });
  log(
    `fields: Post.media ${include.media ? 'included' : 'MISSING, dropped'}, Account.avatarUrl ${include.avatar ? 'included' : 'MISSING, dropped'}`,
  );

  // Both routes must serve the same page for every reader.
  const verification = { readers: readers.length, sameIdsInOrder: true, identicalPayloads: 0, differences: [] };
  const onPages = { posts: 0, boosts: 0, withMedia: 0, followersOnly: 0, ownPosts: 0 };
  for (const reader of readers) {
    const viaGraphql = await graphql(port, query, undefined, reader.token);
    const viaBare = await getJson(port, barePath(reader.id, include));
    const viaRepositorySql = await getJson(port, barePath(reader.id, include, 'repository'));
    const graphqlIds = viaGraphql.data.timeline.edges.map((edge) => edge.node.id);
    const bareIds = viaBare.data.timeline.edges.map((edge) => edge.node.id);
    const viaRest = await getJson(port, REST_PATH, { headers: { authorization: `Bearer ${reader.token}` } });
    if (
      !isDeepStrictEqual(
        viaRest.map((status) => status.id),
        bareIds,
      )
    ) {
      throw new Error(`REST home and the bare route disagree for reader ${reader.id}`);
    }
    if (graphqlIds.length !== HOME_PAGE_SIZE || !isDeepStrictEqual(graphqlIds, bareIds)) {
      throw new Error(
        `GraphQL and the bare route disagree for reader ${reader.id}:\n  graphql ${graphqlIds.join(',')}\n  bare    ${bareIds.join(',')}`,
      );
    }
    if (!isDeepStrictEqual(viaBare, viaRepositorySql)) {
      throw new Error(`HOME_SQL and REPOSITORY_HOME_SQL disagree for reader ${reader.id}`);
    }
    if (isDeepStrictEqual(viaGraphql, viaBare)) verification.identicalPayloads++;
    else verification.differences.push(...differences(viaGraphql, viaBare).slice(0, 2));
    for (const { node } of viaBare.data.timeline.edges) {
      onPages.posts++;
      if (node.content === '') onPages.boosts++;
      if (node.media?.length) onPages.withMedia++;
      if (node.visibility === 'FOLLOWERS') onPages.followersOnly++;
      if (node.author.id === reader.id) onPages.ownPosts++;
    }
  }
  verification.onPages = onPages;
  log(`verified: ${JSON.stringify(verification)}`);

  // Before the load: the SQL one GraphQL request runs for each reader (and the bare route's), and
  // the plans of the three forms of the timeline statement for each reader.
  log('recording SQL and EXPLAIN ANALYZE');
  const graphqlSql = [];
  for (const reader of readers) {
    graphqlSql.push(await recordSql(port, () => graphql(port, query, undefined, reader.token)));
  }
  const bareSql = await recordSql(port, () => getJson(port, barePath(readers[0].id, include)));
  const seqScanned = { handWritten: [], repositorySql: [], typeormTimeline: [] };
  const plans = await withClient(databaseUrl, async (client) => {
    const timings = { handWritten: [], repositorySql: [], typeormTimeline: [] };
    for (const [i, reader] of readers.entries()) {
      const timeline = graphqlSql[i].find((statement) => TIMELINE_STATEMENT.test(statement.sql));
      const runs = [
        ['handWritten', HOME_SQL, [reader.id, HOME_PAGE_SIZE + 1]],
        ['repositorySql', REPOSITORY_HOME_SQL, [reader.id, HOME_PAGE_SIZE + 1]],
        ...(timeline ? [['typeormTimeline', timeline.sql, timeline.parameters]] : []),
      ];
      for (const [name, sql, parameters] of runs) {
        const { executionMs, planningMs, plan } = await explain(client, sql, parameters);
        timings[name].push(executionMs + planningMs);
        seqScanned[name].push(postsSeqScanRows(plan.Plan));
      }
    }
    return Object.fromEntries(
      Object.entries(timings).map(([name, values]) => [
        name,
        {
          ...stats(values),
          readersWithASeqScanOfPosts: seqScanned[name].filter((rows) => rows > 0).length,
          maxPostsRowsSeqScanned: Math.max(0, ...seqScanned[name]),
        },
      ]),
    );
  });
  // The plans in text, for the reader following READER_FOLLOWS accounts and the one following
  // HEAVY_READER_FOLLOWS: the bare route's statement and the one the repository ran for GraphQL.
  const planFiles = [];
  await withClient(databaseUrl, async (client) => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    // At scale 1 every reader follows 100: one reader's plans.
    const planned = [[0, READER_FOLLOWS], ...(SCALE > 1 ? [[readers.length - 1, HEAVY_READER_FOLLOWS]] : [])];
    for (const [i, follows] of planned) {
      const timeline = graphqlSql[i].find((statement) => TIMELINE_STATEMENT.test(statement.sql));
      for (const [name, sql, parameters] of [
        ['bare', HOME_SQL, [readers[i].id, HOME_PAGE_SIZE + 1]],
        ['repository', timeline.sql, timeline.parameters],
      ]) {
        const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, parameters);
        const file = `timeline-x${SCALE}-${name}-following-${follows}.txt`;
        writeFileSync(
          join(RESULTS_DIR, file),
          `-- ${name} home statement, reader following ${follows} accounts, scale ${SCALE}\n` +
            `-- parameters: ${JSON.stringify(parameters)}\n${sql.trim()}\n\n` +
            `${rows.map((row) => row['QUERY PLAN']).join('\n')}\n`,
        );
        planFiles.push(`bench-results/${file}`);
      }
    }
  });
  let sparse = null;
  if (sparseReader) {
    // The worst case of walking posts newest first: a reader whose followees barely post. Its
    // repository statements (the windowed walk, then the per-followee read), and the candidates
    // alone read per followee through posts_account_id_idx (no visibility rules).
    const statements = (await recordSql(port, () => graphql(port, query, undefined, sparseReader.token))).filter(
      (statement) => TIMELINE_STATEMENT.test(statement.sql),
    );
    const [timeline] = statements;
    // Its HOME page end to end (GraphQL, then REST), 5 requests each after one to warm up.
    const pageMs = async (send) => {
      await send();
      const times = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        await send();
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      return { medianMs: round(times[2], 1), maxMs: round(times[4], 1) };
    };
    sparse = {
      statements: statements.length,
      graphqlPage: await pageMs(() => graphql(port, query, undefined, sparseReader.token)),
      restPage: await pageMs(() =>
        getJson(port, REST_PATH, { headers: { authorization: `Bearer ${sparseReader.token}` } }),
      ),
      explainAnalyzePlanningPlusExecutionMs: await withClient(databaseUrl, async (client) => {
        const timings = [];
        for (const statement of statements) {
          const perFollowee = PER_FOLLOWEE_STATEMENT.test(statement.sql);
          await client.query(`SET jit = ${perFollowee ? 'off' : 'on'}`);
          await explain(client, statement.sql, statement.parameters); // warm the cache first
          const { executionMs, planningMs } = await explain(client, statement.sql, statement.parameters);
          timings.push({ statement: perFollowee ? 'per-followee' : 'walk', ms: round(executionMs + planningMs, 2) });
        }
        await client.query('RESET jit');
        return timings;
      }),
    };
    log(`sparse reader: ${JSON.stringify(sparse)}`);
    const perFollowee = `SELECT c.id FROM follows f CROSS JOIN LATERAL (
        SELECT p.id FROM posts p WHERE p.account_id = f.followee_id AND p.deleted_at IS NULL ORDER BY p.id DESC LIMIT $2) c
      WHERE f.follower_id = $1 AND f.state = 'accepted' ORDER BY c.id DESC LIMIT $2`;
    await withClient(databaseUrl, async (client) => {
      for (const [name, sql, parameters, reader, follows] of [
        ['repository', timeline.sql, timeline.parameters, sparseReader, 'sparse'],
        ...statements
          .slice(1)
          .map((statement) => ['repository-per-followee', statement.sql, statement.parameters, sparseReader, 'sparse']),
        ['per-followee-candidates', perFollowee, [sparseReader.id, HOME_PAGE_SIZE + 1], sparseReader, 'sparse'],
        ['per-followee-candidates', perFollowee, [readers[0].id, HOME_PAGE_SIZE + 1], readers[0], READER_FOLLOWS],
        [
          'per-followee-candidates',
          perFollowee,
          [readers.at(-1).id, HOME_PAGE_SIZE + 1],
          readers.at(-1),
          HEAVY_READER_FOLLOWS,
        ],
      ]) {
        await client.query(`SET jit = ${PER_FOLLOWEE_STATEMENT.test(sql) ? 'off' : 'on'}`); // as the repository runs it
        await client.query(`EXPLAIN (ANALYZE) ${sql}`, parameters); // warm the cache first
        const { rows } = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, parameters);
        const file = `timeline-x${SCALE}-${name}-following-${follows}.txt`;
        writeFileSync(
          join(RESULTS_DIR, file),
          `-- ${name}, reader ${reader.id} following ${follows === 'sparse' ? 'the 100 least active accounts' : follows}\n` +
            `-- parameters: ${JSON.stringify(parameters)}\n${sql.trim()}\n\n` +
            `${rows.map((row) => row['QUERY PLAN']).join('\n')}\n`,
        );
        planFiles.push(`bench-results/${file}`);
      }
    });
  }
  log(`plans written: ${planFiles.join(', ')}`);
  // Readers whose first page the repository SQL serves without scanning all of posts.
  const fastReaders = readers.filter((_, i) => seqScanned.repositorySql[i] === 0);
  log(`plans: ${JSON.stringify(plans)}`);

  const graphqlRequestFor = (list) => (n) => ({
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${list[n % list.length].token}` },
    body: queryBody,
  });
  const bareRequestFor = (list) => (n) => ({ method: 'GET', path: barePath(list[n % list.length].id, include) });

  const restRequestFor = (list) => (n) => ({
    method: 'GET',
    path: REST_PATH,
    headers: { authorization: `Bearer ${list[n % list.length].token}` },
  });

  const requestFor = {
    graphql: graphqlRequestFor(readers),
    bare: bareRequestFor(readers),
    rest: restRequestFor(readers),
  };
  const ratio = (a, b) => round(a.requestsPerSec / Math.max(b.requestsPerSec, 1), 3);
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['graphql', 'bare', 'rest'] : ['rest', 'bare', 'graphql'];
    const figures = { graphql: {}, bare: {}, rest: {} };
    for (const connections of CONNECTION_COUNTS) {
      const key = `c${connections}`;
      for (const kind of order) {
        const label = `${kind} ${key}${ROUNDS > 1 ? ` (round ${r + 1} of ${ROUNDS})` : ''}`;
        figures[kind][key] = await measure(label, port, connections, requestFor[kind]);
      }
    }
    const ratios = {};
    const restRatios = {};
    for (const connections of CONNECTION_COUNTS) {
      const key = `c${connections}`;
      ratios[key] = ratio(figures.graphql[key], figures.bare[key]);
      restRatios[key] = ratio(figures.rest[key], figures.bare[key]);
    }
    rounds.push({ order, loadAverage: loadavg().map((v) => round(v, 2)), ratios, restRatios, ...figures });
  }
  // The first round's figures, and the ratios and p99s of the median round (per figure).
  const results = { graphql: rounds[0].graphql, bare: rounds[0].bare, rest: rounds[0].rest };
  const ratios = {};
  const restRatios = {};
  for (const connections of CONNECTION_COUNTS) {
    const key = `c${connections}`;
    ratios[key] = median(rounds.map((r) => r.ratios[key]));
    restRatios[key] = median(rounds.map((r) => r.restRatios[key]));
  }
  const p99At10 = {
    graphql: median(rounds.map((r) => r.graphql.c10.p99Ms)),
    rest: median(rounds.map((r) => r.rest.c10.p99Ms)),
  };
  const met = {
    ratioAt10: ratios.c10 >= TARGETS.minGraphqlOverBareRatio,
    ratioAt50: ratios.c50 >= TARGETS.minGraphqlOverBareRatio,
    graphqlP99At10: p99At10.graphql < TARGETS.maxGraphqlP99MsAt10,
    restRatioAt10: restRatios.c10 >= TARGETS.minRestOverBareRatio,
    restP99At10: p99At10.rest < TARGETS.maxRestP99MsAt10,
  };

  // Diagnostics at 10 connections: both routes for the readers whose page does not hit the slow
  // plan (the GraphQL stack's share), the latter once more under the CPU profiler.
  const diagnostics = { connections: 10, fastReaders: fastReaders.length };
  let cpuProfile = null;
  let restCpuProfile = null;
  if (fastReaders.length > 0) {
    diagnostics.graphqlFastReaders = await measure(
      'graphql, fast readers c10',
      port,
      10,
      graphqlRequestFor(fastReaders),
    );
    diagnostics.bareFastReaders = await measure('bare, fast readers c10', port, 10, bareRequestFor(fastReaders));
    diagnostics.graphqlOverBareFastReaders = ratio(diagnostics.graphqlFastReaders, diagnostics.bareFastReaders);
    await drain(port);
    await getJson(port, '/bench/cpu/start', { method: 'POST' });
    const profiled = await load('graphql, fast readers c10, under the CPU profiler', port, {
      connections: 10,
      duration: PROFILE_S,
      makeRequest: graphqlRequestFor(fastReaders),
    });
    cpuProfile = {
      seconds: PROFILE_S,
      readers: 'fast readers',
      requestsPerSecWhileProfiling: profiled.requestsPerSec,
      ...summariseProfile(saved('graphql', await getJson(port, '/bench/cpu/stop', { method: 'POST' })), root),
    };
    await drain(port);
    await getJson(port, '/bench/cpu/start', { method: 'POST' });
    const restProfiled = await load('rest, fast readers c10, under the CPU profiler', port, {
      connections: 10,
      duration: PROFILE_S,
      makeRequest: restRequestFor(fastReaders),
    });
    restCpuProfile = {
      seconds: PROFILE_S,
      readers: 'fast readers',
      requestsPerSecWhileProfiling: restProfiled.requestsPerSec,
      ...summariseProfile(saved('rest', await getJson(port, '/bench/cpu/stop', { method: 'POST' })), root),
    };
  }
  const serverRssMbAfterLoad = rssMb(pid);

  const stop = await run.stopServer();
  log(`server stopped in ${stop?.ms} ms (exit ${stop?.code ?? stop?.signal})`);

  return {
    node: process.version,
    cpus: cpus().length,
    scale: SCALE,
    seed: {
      ...seed,
      readersVia: 'GraphQL signUp',
      otherAccountsVia:
        SCALE === 1
          ? 'SQL (unnest batches of 5,000 rows)'
          : 'SQL generate_series (scripts/bench/timeline-seed-sql.mjs)',
    },
    planFiles,
    sparseReader: sparse,
    includedFields: {
      'Post.media': include.media,
      'Account.avatarUrl': include.avatar,
      query,
    },
    verification,
    connections: CONNECTION_COUNTS,
    warmupSeconds: WARMUP_S,
    durationSeconds: DURATION_S,
    loadAverage: { before: loadBefore, after: loadavg().map((v) => round(v, 2)) },
    graphql: results.graphql,
    bare: results.bare,
    rest: results.rest,
    rounds: ROUNDS > 1 ? rounds : undefined,
    ratioGraphqlOverBareRequestsPerSec: ratios,
    ratioRestOverBareRequestsPerSec: restRatios,
    p99MsAt10: p99At10,
    targets: { ...TARGETS, met, allMet: Object.values(met).every(Boolean) },
    diagnostics,
    profile: {
      graphqlStatementsPerRequest: graphqlSql[0].length,
      graphqlStatementsReader0: graphqlSql[0].map((s) => ({ ...describeSql(s.sql), ms: s.ms })),
      graphqlTimelineStatementMsPerReader: graphqlSql.map(
        (statements) => statements.find((statement) => TIMELINE_STATEMENT.test(statement.sql))?.ms ?? null,
      ),
      bareStatementsPerRequest: bareSql.length,
      explainAnalyzePlanningPlusExecution: plans,
      cpuUnderGraphqlLoad: cpuProfile,
      cpuUnderRestLoad: restCpuProfile,
    },
    server: {
      startMs,
      rssMbAfterLoad: serverRssMbAfterLoad,
      shutdownMs: stop?.ms ?? null,
      warningsOrErrors: problems.length,
      firstProblems: problems.slice(0, 5),
    },
    notes: [
      'The bare route (GET /bench/home?viewer=<account id>) is not authenticated: the viewer id is a query parameter. ' +
        'GraphQL requests carry a bearer token (JWT check plus the session lookup), rotated over the readers.',
      'The bare route runs TimelineRepository.home() rules written out by hand (scripts/bench/timeline-home-sql.mjs): ' +
        'visibility, blocks both ways, mutes, accepted follows, boosts of visible originals; authors joined, media json_agg per post.',
      'Both routes share the server process and its TypeORM/pg pool (max 20); autocannon runs in the parent process on the same 2-core machine.',
      'Targets: GraphQL req/s >= 60% of the bare route (checked at 10 and at 50 connections) and GraphQL p99 < 50 ms at 10 connections.',
      'diagnostics.*FastReaders: both routes for the readers whose page the repository SQL serves without a ' +
        'sequential scan of posts. They separate the SQL plan cost from the GraphQL stack cost.',
      'With --rounds N, every measured run is repeated N times, the routes in alternating order; ratios and p99s ' +
        "are the median round's (per figure), graphql/bare/rest are the first round's, rounds has them all.",
      'The server runs with NODE_ENV=production, as docker/Dockerfile sets it.',
      `rest: GET ${REST_PATH} (Mastodon Status entities, the same page; the readers' JWTs as bearer tokens).`,
      'VACUUM (ANALYZE) runs after seeding.',
      'serverCpuMsPerRequest / postgresCpuMsPerRequest (measured runs): CPU time of the server process and of the ' +
        'PostgreSQL backends of the scratch database over the run, per request, from /proc. On a machine shared with ' +
        'other work they move much less than requests/s, so they say where a change saved work.',
    ],
  };
}

await runBenchmark({ log, timeoutMs: OVERALL_TIMEOUT_MS, main, cleanup: run.cleanup });
