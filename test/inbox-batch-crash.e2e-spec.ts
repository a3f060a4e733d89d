import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { freePort, serve, signUpOn, until, type Member, type Served } from './utils/instance';
import { cleanEnv } from './utils/spawn';
import { testEnv } from './utils/test-app';

const AS = 'https://www.w3.org/ns/activitystreams';
const REMOTE = 'https://remote.crash.example';
const LIKERS = 12;
/** A job whose worker died runs again once its lock expires (BullMQ: 30 s) and a stalled check finds it (30 s). */
const RECOVERY_MS = 150_000;

/**
 * kill -9 of `npm start`'s one process (`--with-worker`, the built server: npm run build first) in
 * the middle of a batch of inbound Likes (ADR 0057), then a restart: (a) while the batch's
 * transaction waits, nothing of it is written and it all runs again; (b) after the commit, before
 * the jobs are acknowledged and the events delivered, the jobs run again and the idempotency
 * records make them no-ops, the events are delivered by the relay. Either way every like is
 * recorded once, with one contribution (ENGAGED) and one notification each.
 */
describe('inbox batch killed with SIGKILL (e2e)', () => {
  let db: Client;
  let queue: Queue;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let origin: string;
  let server: Served;
  let alice: Member;
  const prefix = `batchcrash-${randomBytes(4).toString('hex')}`;

  const count = async (sql: string, params: unknown[]) =>
    Number((await db.query<{ n: string }>(sql, params)).rows[0].n);
  const createPost = async (content: string) =>
    (
      await server.gql<{ createPost: { id: string } }>(
        'mutation($i: CreatePostInput!) { createPost(input: $i) { id } }',
        { i: { content, visibility: 'PUBLIC' } },
        alice.token,
      )
    ).createPost.id;
  const figures = async (postId: string) => ({
    likes: await count('SELECT count(*) AS n FROM likes WHERE post_id = $1', [postId]),
    likesCount: await count('SELECT likes_count AS n FROM posts WHERE id = $1', [postId]),
    engaged: await count(`SELECT count(*) AS n FROM coop_events WHERE type = 'ENGAGED' AND object = $1`, [postId]),
    notified: await count(`SELECT count(*) AS n FROM notifications WHERE post_id = $1 AND type = 'like'`, [postId]),
  });
  /** The Likes of `postId` by every remote liker, put on the federation queue as the inbox's fast path puts them. */
  const enqueueLikes = async (postId: string, tag: string) => {
    await queue.addBulk(
      Array.from({ length: LIKERS }, (_, i) => ({
        name: 'fedify',
        data: {
          type: 'inbox',
          id: randomUUID(),
          baseUrl: origin,
          activity: {
            '@context': AS,
            id: `${REMOTE}/users/c${i}/likes/${tag}`,
            type: 'Like',
            actor: `${REMOTE}/users/c${i}`,
            object: `${origin}/posts/${postId}`,
          },
          identifier: null,
          attempt: 0,
          started: new Date().toISOString(),
          traceContext: {},
        },
        opts: { attempts: 1, removeOnComplete: true },
      })),
    );
  };

  beforeAll(async () => {
    db = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await db.connect();
    dataDir = mkdtempSync(join(tmpdir(), 'guildhall-batch-crash-'));
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    env = cleanEnv(testEnv({ DATA_DIR: dataDir, PORT: String(port), PUBLIC_ORIGIN: origin, QUEUE_PREFIX: prefix }));
    const redis = new URL(process.env.TEST_REDIS_URL!);
    queue = new Queue('federation', {
      connection: { host: redis.hostname, port: Number(redis.port || 6379), maxRetriesPerRequest: null },
      prefix,
    });
    server = await serve(env, ['--with-worker']);
    alice = await signUpOn(server);
    await db.query(
      `INSERT INTO coop_members (account_id, status, joined_at) VALUES ($1, 'active', now() - interval '60 days')`,
      [alice.id],
    );
    // Remote accounts known and fresh: their Likes take the batch.
    await db.query(
      `INSERT INTO accounts (username, domain, uri, url, inbox_url, last_fetched_at)
       SELECT 'c' || i, 'remote.crash.example', $1 || '/users/c' || i, $1 || '/users/c' || i, $1 || '/users/c' || i || '/inbox', now()
         FROM generate_series(0, $2 - 1) AS i`,
      [REMOTE, LIKERS],
    );
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await queue?.close();
    await db?.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('(a) killed while the batch waits inside its transaction: nothing written, all applied once after the restart', async () => {
    const postId = await createPost('a batch that dies before its commit');
    const holder = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await holder.connect();
    try {
      // Hold the post's row: the batch, once it has started, waits for it inside its transaction.
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM posts WHERE id = $1 FOR UPDATE', [postId]);
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      await enqueueLikes(postId, 'a');
      await until(async () => {
        const waiting = await db.query(
          `SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) AND query LIKE '%FROM posts%ANY%FOR NO KEY UPDATE%'`,
          [holderPid],
        );
        return waiting.rowCount ? true : undefined;
      }, 'the batch to wait for the post');
      await server.stop('SIGKILL');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await figures(postId)).toEqual({ likes: 0, likesCount: 0, engaged: 0, notified: 0 });

    server = await serve(env, ['--with-worker']);
    await until(
      async () => ((await figures(postId)).engaged === LIKERS ? true : undefined),
      'every ENGAGED event after the restart',
      RECOVERY_MS,
    );
    await until(
      async () => ((await figures(postId)).notified === LIKERS ? true : undefined),
      'every notification after the restart',
    );
    expect(await figures(postId)).toEqual({ likes: LIKERS, likesCount: LIKERS, engaged: LIKERS, notified: LIKERS });
  }, 300_000);

  it('(b) killed after the commit, before the jobs are acknowledged: run again as no-ops, events delivered once', async () => {
    const postId = await createPost('a batch that dies after its commit');
    await server.stop();
    // Every transaction that published events stalls 20 s after its commit (before the jobs settle).
    server = await serve({ ...env, TEST_EVENTS_STALL_AFTER_COMMIT_MS: '20000' }, ['--with-worker']);
    await enqueueLikes(postId, 'b');
    await until(
      async () => ((await figures(postId)).likes === LIKERS ? true : undefined),
      'the batch to commit',
      RECOVERY_MS,
    );
    const active = await queue.getJobCounts('active');
    await server.stop('SIGKILL');
    // The jobs were still in flight: the commit was not acknowledged to the queue.
    expect(active.active).toBeGreaterThan(0);
    expect((await figures(postId)).engaged).toBe(0);

    server = await serve(env, ['--with-worker']);
    await until(
      async () => {
        const counts = await queue.getJobCounts('active', 'waiting');
        const now = await figures(postId);
        return counts.active + counts.waiting === 0 && now.engaged === LIKERS && now.notified === LIKERS
          ? true
          : undefined;
      },
      'the jobs run again and the events delivered',
      RECOVERY_MS,
    );
    expect(await figures(postId)).toEqual({ likes: LIKERS, likesCount: LIKERS, engaged: LIKERS, notified: LIKERS });
  }, 300_000);
});
