import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { METRIC, startRuntime, type Runtime } from '@guildhall/core';
import { IDENTITY_QUEUE, IdentityJob, SessionCleanupService } from '@guildhall/identity';
import { MetricsListener } from '../apps/worker/src/metrics-listener.service';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { signUp } from './utils/factories';
import { drained, eventually } from './utils/eventually';
import { metricFamilies, parsePrometheus, sampleOf, type Sample } from './utils/prometheus';
import { createTestApp, testEnv, type TestApp } from './utils/test-app';

const TOKEN = 'metrics-token-0123456789abcdef';
const AS = 'https://www.w3.org/ns/activitystreams';

// First: Passport keeps the last app's JWT strategy process-wide, so the app under test comes last.
describe('GET /metrics without METRICS_TOKEN', () => {
  it('is 404', async () => {
    const plain = await createTestApp();
    try {
      const res = await plain.http().get('/metrics').set('authorization', `Bearer ${TOKEN}`);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('guildhall_');
    } finally {
      await plain.close();
    }
  });
});

describe('GET /metrics with METRICS_TOKEN', () => {
  let t: TestApp;
  let db: DataSource;

  async function scrapeText(): Promise<string> {
    const res = await t.http().get('/metrics').set('authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    return res.text;
  }
  const scrape = async (): Promise<Sample[]> => parsePrometheus(await scrapeText());

  beforeAll(async () => {
    t = await createTestApp(
      { METRICS_TOKEN: TOKEN, QUEUE_PREFIX: `${process.env.TEST_QUEUE_PREFIX}-metrics${randomUUID().slice(0, 8)}` },
      { withWorker: true },
    );
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('refuses a missing or wrong bearer token with 401', async () => {
    const missing = await t.http().get('/metrics');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(missing.text).toBe('A bearer token is required\n');

    const wrong = await t.http().get('/metrics').set('authorization', `Bearer ${TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.text).toBe('Invalid bearer token\n');
    expect(wrong.text).not.toContain('guildhall_');
  });

  it('counts HTTP requests by route pattern, never by URL, and not its own scrapes', async () => {
    const member = await signUp(t);
    const before = await scrape();
    const route = { method: 'GET', route: '/api/v1/accounts/:id', status: '200' };
    const unmatched = { method: 'GET', route: 'unmatched', status: '404' };

    expect((await t.http().get(`/api/v1/accounts/${member.account.id}`)).status).toBe(200);
    expect((await t.http().get(`/api/v1/accounts/${member.account.id}`)).status).toBe(200);
    expect((await t.http().get(`/no/such/path/${randomUUID()}`)).status).toBe(404);

    const after = await scrape();
    const count = 'guildhall_http_request_duration_seconds_count';
    expect(sampleOf(after, count, route) - sampleOf(before, count, route)).toBe(2);
    expect(sampleOf(after, count, unmatched) - sampleOf(before, count, unmatched)).toBe(1);
    // The bucket of +Inf holds every observation.
    const inf = { ...route, le: '+Inf' };
    expect(sampleOf(after, 'guildhall_http_request_duration_seconds_bucket', inf)).toBe(sampleOf(after, count, route));
    const routes = new Set(after.filter((s) => s.name === count).map((s) => s.labels.route));
    expect(routes.has('/metrics')).toBe(false);
    expect([...routes].some((r) => r.includes(member.account.id) || r.startsWith('/no/'))).toBe(false);
  });

  it('times GraphQL operations by name, type and outcome', async () => {
    const before = await scrape();
    await signUp(t); // `mutation SignUp(...)`
    await signUp(t);
    const invalid = await t.gql('query { noSuchField }');
    expect(invalid.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const anonymous = await t.gql<{ account: null }>('{ account(handle: "nobody_here") { id } }');
    expect(anonymous.data).toEqual({ account: null });

    const after = await scrape();
    const count = 'guildhall_graphql_operation_duration_seconds_count';
    const delta = (labels: Record<string, string>) => sampleOf(after, count, labels) - sampleOf(before, count, labels);
    expect(delta({ operation: 'SignUp', type: 'mutation', outcome: 'success' })).toBe(2);
    expect(delta({ operation: 'anonymous', type: 'unknown', outcome: 'invalid' })).toBe(1);
    expect(delta({ operation: 'anonymous', type: 'query', outcome: 'success' })).toBe(1);
  });

  it('reports queue depths and the durations of the jobs the worker ran', async () => {
    const queue = t.app.get<Queue>(getQueueToken(IDENTITY_QUEUE));
    const labels = { queue: IDENTITY_QUEUE, job_name: IdentityJob.CleanupSessions, outcome: 'completed' };
    const count = 'guildhall_job_duration_seconds_count';
    // The metric counts every job this run's queue completed. The worker's 'completed' event
    // follows the job's move to completed, and the hourly cleanup's scheduler runs once at start.
    const counted = async () => {
      await drained([queue]);
      return eventually(
        async () => ({ samples: await scrape(), completed: await queue.getCompletedCount() }),
        ({ samples, completed }) => expect(sampleOf(samples, count, labels)).toBe(completed),
      );
    };
    const before = await counted();

    await t.app.get(SessionCleanupService).enqueue(new Date());
    const { samples: after, completed } = await counted();
    expect(completed - before.completed).toBe(1);
    expect(sampleOf(after, 'guildhall_job_duration_seconds_sum', labels)).toBeGreaterThan(0);

    // A job delayed an hour: one more delayed (beside the repeating cleanup's next run), none waiting.
    const state = (samples: Sample[], name: string) =>
      sampleOf(samples, 'guildhall_queue_depth', { queue: IDENTITY_QUEUE, state: name });
    const delayedBefore = state(after, 'delayed');
    const delayed = await queue.add('metrics-probe', {}, { delay: 3_600_000 });
    try {
      const depth = await scrape();
      expect(state(depth, 'delayed')).toBe(delayedBefore + 1);
      expect(state(depth, 'waiting')).toBe(0);
      expect(state(depth, 'active')).toBe(0);
      // Every queue this process knows is reported, Fedify's own included.
      const queues = new Set(depth.filter((s) => s.name === 'guildhall_queue_depth').map((s) => s.labels.queue));
      expect([...queues].sort()).toEqual(
        expect.arrayContaining(['federation', 'federation-delivery', 'federation-outbound', 'identity', 'system']),
      );
    } finally {
      await delayed.remove();
    }
  });

  it('counts inbox refusals by reason', async () => {
    const before = await scrape();
    const actor = 'http://127.0.0.1:9/users/mallory';
    const body = JSON.stringify({
      '@context': AS,
      id: `${actor}/likes/${randomUUID()}`,
      type: 'Like',
      actor,
      object: 'x',
    });
    const digest = `SHA-256=${createHash('sha256').update(body).digest('base64')}`;

    // No signature at all: refused at the door.
    const unsigned = await t
      .http()
      .post('/inbox')
      .set('content-type', 'application/activity+json')
      .set('digest', digest)
      .send(body);
    expect(unsigned.status).toBe(401);
    expect(unsigned.text).toBe('Missing HTTP signature');

    // A well-formed signature that verifies with no key: Fedify refuses it.
    const forged = await t
      .http()
      .post('/inbox')
      .set('content-type', 'application/activity+json')
      .set('date', new Date().toUTCString())
      .set('digest', digest)
      .set(
        'signature',
        `keyId="${actor}#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="${Buffer.from('forged').toString('base64')}"`,
      )
      .send(body);
    expect(forged.status).toBe(401);

    const after = await scrape();
    const name = 'guildhall_inbox_activities_total';
    const delta = (reason: string) =>
      sampleOf(after, name, { outcome: 'refused', reason }) - sampleOf(before, name, { outcome: 'refused', reason });
    expect(delta('missing_signature')).toBe(1);
    expect(delta('signature_invalid')).toBe(1);
    expect(sampleOf(after, 'guildhall_http_request_duration_seconds_count', { route: '/inbox', status: '401' })).toBe(
      sampleOf(before, 'guildhall_http_request_duration_seconds_count', { route: '/inbox', status: '401' }) + 2,
    );
  });

  it('times each phase of a period close', async () => {
    const admin = await signUp(t);
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
    const before = await scrape();
    const closed = await t.gql<{ closePeriod: { result: unknown } }>(
      'mutation { closePeriod { result } }',
      {},
      admin.token,
    );
    expect(closed.errors).toBeUndefined();

    const after = await scrape();
    for (const phase of ['snapshot', 'publish', 'engine', 'postings', 'finish']) {
      const count = (samples: Sample[]) => sampleOf(samples, 'guildhall_period_close_phase_seconds_count', { phase });
      expect({ phase, closes: count(after) - count(before) }).toEqual({ phase, closes: 1 });
    }
  });

  it('reports the outbox backlog: pending deliveries and how overdue the oldest is', async () => {
    // A delivery to a subscriber no process runs stays pending, 90 s overdue.
    const [event] = await db.query<{ id: string }[]>(
      `INSERT INTO domain_events (name, aggregate, payload, occurred_at)
       VALUES ('metrics.probe', $1, '{}', now()) RETURNING id`,
      [`metrics:${randomUUID()}`],
    );
    await db.query(
      `INSERT INTO domain_event_deliveries (event_id, subscriber, aggregate, next_attempt_at)
       SELECT id, 'metrics.probe', aggregate, now() - interval '90 seconds' FROM domain_events WHERE id = $1`,
      [event.id],
    );
    try {
      const samples = await scrape();
      expect(sampleOf(samples, 'guildhall_outbox_lag_seconds', {})).toBeGreaterThanOrEqual(90);
      expect(sampleOf(samples, 'guildhall_outbox_pending', {})).toBeGreaterThanOrEqual(1);
    } finally {
      await db.query('DELETE FROM domain_events WHERE id = $1', [event.id]);
    }
    const [row] = await db.query<{ pending: number }[]>(
      `SELECT count(*)::int AS pending FROM domain_event_deliveries WHERE state = 'pending'`,
    );
    if (row.pending === 0) {
      const quiet = await scrape();
      expect(sampleOf(quiet, 'guildhall_outbox_pending', {})).toBe(0);
      expect(sampleOf(quiet, 'guildhall_outbox_lag_seconds', {})).toBe(0);
    }
  });

  it("has a dashboard that reads only series the server exposes, and every one of Guildhall's own", async () => {
    const dashboard = JSON.parse(readFileSync(join(__dirname, '../docker/grafana-dashboard.json'), 'utf8')) as {
      schemaVersion: number;
      templating: { list: { name: string; type: string; query: unknown; definition?: string }[] };
      panels: { type: string; targets?: { expr: string; datasource: { uid: string } }[] }[];
    };
    expect(dashboard.schemaVersion).toBe(39);
    expect(dashboard.templating.list.find((v) => v.name === 'DS_PROMETHEUS')).toMatchObject({
      type: 'datasource',
      query: 'prometheus',
    });
    const targets = dashboard.panels.flatMap((panel) => panel.targets ?? []);
    expect(targets.every((target) => target.datasource.uid === '${DS_PROMETHEUS}')).toBe(true);
    const expressions = [
      ...targets.map((target) => target.expr),
      ...dashboard.templating.list.map((v) => v.definition ?? ''),
    ];
    const referenced = new Set(expressions.flatMap((expr) => expr.match(/guildhall_[a-z0-9_]+/g) ?? []));

    const families = metricFamilies(await scrapeText());
    const exposed = (name: string) => {
      if (families.has(name)) return true;
      const base = /^(.*)_(?:bucket|sum|count)$/.exec(name)?.[1];
      return base !== undefined && families.get(base) === 'histogram';
    };
    expect([...referenced].filter((name) => !exposed(name))).toEqual([]);
    // Each of Guildhall's own families has a panel.
    const used = new Set([...referenced].map((name) => name.replace(/_(?:bucket|sum|count)$/, '')));
    expect(Object.values(METRIC).filter((name) => !used.has(name))).toEqual([]);
  });

  it('reports the process: memory and event-loop lag', async () => {
    const samples = await scrape();
    expect(sampleOf(samples, 'guildhall_process_resident_memory_bytes', {})).toBeGreaterThan(0);
    expect(sampleOf(samples, 'guildhall_nodejs_heap_size_used_bytes', {})).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'guildhall_nodejs_eventloop_lag_p99_seconds')).toBe(true);
  });
});

describe('the worker process', () => {
  let worker: INestApplicationContext;
  let runtime: Runtime;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'guildhall-worker-metrics-'));
    runtime = await startRuntime(
      testEnv({
        DATA_DIR: dataDir,
        METRICS_TOKEN: TOKEN,
        WORKER_METRICS_PORT: '0',
        HOST: '127.0.0.1',
        QUEUE_PREFIX: `${process.env.TEST_QUEUE_PREFIX}-wmetrics${randomUUID().slice(0, 8)}`,
      }),
    );
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(runtime), { logger: false });
    await worker.init();
  });
  afterAll(async () => {
    await worker.close();
    await runtime.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves /metrics on its own port, with the jobs it ran', async () => {
    const port = worker.get(MetricsListener).port;
    expect(port).toBeGreaterThan(0);
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/other`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);

    // The worker also schedules the hourly cleanup, whose first run starts at once: the metric
    // counts every job this run's queue completed, the one asked for here among them.
    const jobId = await worker.get(SessionCleanupService).enqueue(new Date());
    const queue = worker.get<Queue>(getQueueToken(IDENTITY_QUEUE), { strict: false });
    const labels = { queue: IDENTITY_QUEUE, job_name: IdentityJob.CleanupSessions, outcome: 'completed' };
    await eventually(
      async () => {
        const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(res.status).toBe(200);
        return {
          samples: parsePrometheus(await res.text()),
          state: await (await queue.getJob(jobId))?.getState(),
          completed: await queue.getCompletedCount(),
        };
      },
      ({ samples, state, completed }) => {
        expect(state).toBe('completed');
        expect(completed).toBeGreaterThanOrEqual(1);
        expect(sampleOf(samples, 'guildhall_job_duration_seconds_count', labels)).toBe(completed);
      },
    );
  });
});
