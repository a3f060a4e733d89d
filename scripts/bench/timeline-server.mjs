// The server for `npm run bench:timeline`, run as a child process: the app exactly as
// dist/apps/server/main.js builds it (createServer, no worker), plus one bare Fastify route,
// GET /bench/home?viewer=<account id>, that serves the HOME page with hand-written SQL through the
// app's own pool (`app.get(DataSource)`). Configuration comes from the environment the parent
// sets. Closes the app on SIGTERM/SIGINT.
//
// For the profiling step after the measurements, two more bench-only routes: POST
// /bench/sql/start|stop records every statement the app runs (a TypeORM subscriber's afterQuery,
// added only while recording), and POST /bench/cpu/start|stop takes a V8 CPU profile of this
// process through the inspector.
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MASTODON_HOME_SQL, toMastodonHome } from './mastodon-home-sql.mjs';
import { HOME_PAGE_SIZE, HOME_SQL, REPOSITORY_HOME_SQL, toHomeResponse } from './timeline-home-sql.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { preparedStatement, startRuntime, UUID_PATTERN } = require(join(root, 'dist/libs/core/src/index.js'));
const { createServer } = require(join(root, 'dist/apps/server/src/http/create-server.js'));
const { DataSource } = require('typeorm');

const runtime = await startRuntime(process.env);
const app = await createServer(runtime, { withWorker: false });
const dataSource = app.get(DataSource);
const origin = runtime.config.values.publicOrigin;
// The floor runs its statement as the repository runs HOME's (ADR 0066): named, prepared once per
// connection, the page size written in so PostgreSQL keeps one generic plan. Planned on every
// request, it would cost PostgreSQL more than the app's route does and flatter the ratios.
const PREPARED_HOME_SQL = preparedStatement(HOME_SQL.replace('LIMIT $2', `LIMIT ${HOME_PAGE_SIZE + 1}`));

// Not authenticated: the viewer is a query parameter (the bench measures the data path only).
// `media=1` / `avatar=1` add the fields the GraphQL query selects when the schema has them;
// `sql=repository` runs REPOSITORY_HOME_SQL (the repository's form of the boost rule) instead.
app
  .getHttpAdapter()
  .getInstance()
  .get('/bench/home', async (request, reply) => {
    const { viewer, media, avatar, sql } = request.query;
    if (typeof viewer !== 'string' || !UUID_PATTERN.test(viewer)) {
      return reply.code(400).send({ error: 'viewer must be an account id' });
    }
    const rows =
      sql === 'repository'
        ? await dataSource.query(REPOSITORY_HOME_SQL, [viewer, HOME_PAGE_SIZE + 1])
        : await dataSource.query(PREPARED_HOME_SQL, [viewer]);
    return toHomeResponse(rows, HOME_PAGE_SIZE, origin, { media: media === '1', avatar: avatar === '1' });
  });

// The second floor of bench:mastodon: the REST home page's bytes (statuses and Link header) from
// hand-written SQL and JSON (mastodon-home-sql.mjs), the viewer a query parameter as above.
const PREPARED_MASTODON_HOME_SQL = preparedStatement(MASTODON_HOME_SQL);
app
  .getHttpAdapter()
  .getInstance()
  .get('/bench/mastodon-home', async (request, reply) => {
    const { viewer } = request.query;
    if (typeof viewer !== 'string' || !UUID_PATTERN.test(viewer)) {
      return reply.code(400).send({ error: 'viewer must be an account id' });
    }
    const rows = await dataSource.query(PREPARED_MASTODON_HOME_SQL, [viewer]);
    const statuses = toMastodonHome(rows, origin);
    if (statuses.length) {
      const page = `${origin}/api/v1/timelines/home?limit=${HOME_PAGE_SIZE}`;
      const links = [`<${page}&min_id=${statuses[0].id}>; rel="prev"`];
      if (rows.length > HOME_PAGE_SIZE) links.unshift(`<${page}&max_id=${statuses.at(-1).id}>; rel="next"`);
      reply.header('link', links.join(', '));
    }
    return statuses;
  });

const fastify = app.getHttpAdapter().getInstance();
const recorder = {
  statements: [],
  afterQuery(event) {
    recorder.statements.push({
      sql: String(event.query),
      parameters: event.parameters,
      ms: event.executionTime ?? null,
    });
  },
};
fastify.post('/bench/sql/start', async () => {
  recorder.statements = [];
  if (!dataSource.subscribers.includes(recorder)) dataSource.subscribers.push(recorder);
  return { recording: true };
});
fastify.post('/bench/sql/stop', async () => {
  const index = dataSource.subscribers.indexOf(recorder);
  if (index >= 0) dataSource.subscribers.splice(index, 1);
  return { statements: recorder.statements };
});

const inspector = new Session();
inspector.connect();
fastify.post('/bench/cpu/start', async () => {
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 500 });
  await inspector.post('Profiler.start');
  return { profiling: true };
});
fastify.post('/bench/cpu/stop', async () => {
  const { profile } = await inspector.post('Profiler.stop');
  await inspector.post('Profiler.disable');
  return profile;
});

await app.listen({ port: runtime.config.values.port, host: runtime.config.values.host });

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  try {
    await app.close();
    await runtime.shutdown();
  } finally {
    runtime.logger.flush(() => process.exit(0));
  }
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
