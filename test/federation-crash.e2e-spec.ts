import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort, serve, signUpOn, until, type Member, type Served } from './utils/instance';
import { startPeer, type Peer, type ReceivedEntry } from './utils/peer';
import { cleanEnv } from './utils/spawn';
import { testEnv } from './utils/test-app';

/** Peer accounts following the member in the fan-out case: more than two waves of the 64 connections a worker opens per host. */
const FOLLOWERS = 150;
/** How long the peer holds each inbox POST in the fan-out case: the waves are this far apart. */
const INBOX_DELAY_MS = 3_000;
/** A job whose worker died is run again once its lock expires (BullMQ: 30 s) and a stalled check finds it (30 s). */
const RECOVERY_MS = 120_000;

/**
 * kill -9 of a server running its worker (`--with-worker`, the built server: npm run build first)
 * in the middle of federation work, then a restart: (b) an inbox job, (c) a fan-out. The work is
 * made slow, deterministically, by the loopback peer (test-only delays, /_control/delay), and the
 * kill waits until the work is seen to be under way. Issue 10, item 7; case (a) is elsewhere.
 */
describe('federation work killed with SIGKILL (e2e)', () => {
  let peer: Peer;
  let db: Client;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let origin: string;
  let server: Served;
  let alice: Member;

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

  beforeAll(async () => {
    peer = await startPeer();
    db = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await db.connect();
    dataDir = mkdtempSync(join(tmpdir(), 'guildhall-federation-crash-'));
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const base = testEnv({
      DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_ORIGIN: origin,
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
      QUEUE_PREFIX: `crash-${randomBytes(4).toString('hex')}`,
    });
    env = cleanEnv({ ...base, NODE_EXTRA_CA_CERTS: peer.caCertPath });
    server = await serve(env, ['--with-worker']);
    alice = await signUpOn(server);
    // An active member for 60 days: engagement with her posts is a contribution (ENGAGED).
    await db.query(
      `INSERT INTO coop_members (account_id, status, joined_at) VALUES ($1, 'active', now() - interval '60 days')`,
      [alice.id],
    );
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await peer?.stop();
    await db?.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('(b) an inbox job killed half-way runs again after the restart: the Like and its contribution are recorded once', async () => {
    const postId = await createPost('like me');
    await peer.createActor({ username: 'liker' });
    const engaged = () =>
      count(`SELECT count(*) AS n FROM coop_events WHERE type = 'ENGAGED' AND object = $1`, [postId]);
    const likes = () => count(`SELECT count(*) AS n FROM likes WHERE post_id = $1`, [postId]);
    let likeId: string | undefined;

    // Hold the post's row: the Like's job, once it has started, waits for it inside its transaction.
    const holder = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM posts WHERE id = $1 FOR UPDATE', [postId]);
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
      const like = await peer.like({
        actor: 'liker',
        object: `${origin}/posts/${postId}`,
        target: `${origin}/users/${alice.username}`,
      });
      expect(like.deliveries).toEqual([expect.objectContaining({ ok: true, status: 202 })]);
      await until(async () => {
        const waiting = await db.query(
          `SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) AND query LIKE '%FROM posts%FOR NO KEY UPDATE%'`,
          [holderPid],
        );
        return waiting.rowCount ? true : undefined;
      }, 'the inbox job to wait for the post');
      await server.stop('SIGKILL');
      likeId = like.activityId;
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect({ likes: await likes(), engaged: await engaged() }).toEqual({ likes: 0, engaged: 0 });

    server = await serve(env, ['--with-worker']);
    await until(
      async () => ((await engaged()) >= 1 ? true : undefined),
      'the ENGAGED event after the restart',
      RECOVERY_MS,
    );
    const { rows } = await db.query<{ uri: string; likes_count: number; actor: string }>(
      `SELECT l.uri, p.likes_count, e.actor FROM likes l JOIN posts p ON p.id = l.post_id
         JOIN coop_events e ON e.object = p.id::text AND e.type = 'ENGAGED' WHERE l.post_id = $1`,
      [postId],
    );
    expect(rows).toEqual([{ uri: likeId, likes_count: 1, actor: `instance:${new URL(peer.httpOrigin).host}` }]);
  }, 300_000);

  it('(c) a fan-out killed half-way is finished after the restart: every follower inbox gets the post, duplicates only of the same activity', async () => {
    const host = new URL(peer.httpOrigin).host;
    const names = Array.from({ length: FOLLOWERS }, (_, i) => `fan${i}`);
    for (let i = 0; i < names.length; i += 10) {
      await Promise.all(names.slice(i, i + 10).map((username) => peer.createActor({ username })));
    }
    // Followers known without a shared inbox: one delivery per follower, each to its own inbox.
    await db.query(
      `WITH remote AS (
         INSERT INTO accounts (username, domain, uri, url, inbox_url, shared_inbox_url, last_fetched_at)
         SELECT name, $2, $3 || '/users/' || name, $3 || '/users/' || name, $3 || '/users/' || name || '/inbox', NULL, now()
           FROM unnest($1::text[]) AS name
         RETURNING id, uri)
       INSERT INTO follows (id, follower_id, followee_id, state, uri)
       SELECT gen_random_uuid(), remote.id, $4, 'accepted', remote.uri || '#follows-alice' FROM remote`,
      [names, host, peer.httpOrigin, alice.id],
    );
    const deliveredTo = async (postId: string) =>
      (await peer.received({ type: 'Create' })).filter((entry) => entry.objectId === `${origin}/posts/${postId}`);
    const inboxesOf = (entries: ReceivedEntry[]) => new Set(entries.map((entry) => entry.path));
    // A first post reaches every follower at full speed; the peer then knows alice's key (were it
    // fetching it when the server dies, Fedify there would refuse her signatures for a while).
    const warmUp = await createPost('hello followers');
    await until(
      async () => (inboxesOf(await deliveredTo(warmUp)).size === FOLLOWERS ? true : undefined),
      'the first post',
      RECOVERY_MS,
    ).catch(async (error: Error) => {
      const seen = await deliveredTo(warmUp);
      throw new Error(`${error.message}: ${seen.length} deliveries to ${inboxesOf(seen).size} inboxes`);
    });

    await peer.delay({ inboxMs: INBOX_DELAY_MS });
    const postId = await createPost('to every follower');
    const postUri = `${origin}/posts/${postId}`;
    const creates = () => deliveredTo(postId);

    // The fan-out is under way: the first wave is answered, later ones wait for its connections.
    const atKill = await until(async () => {
      const seen = await creates();
      return seen.length > 0 ? seen.length : undefined;
    }, 'the first deliveries').catch(async (error: Error) => {
      // Where the fan-out stood: the post's outbox deliveries, the host's state, what the peer got.
      const { rows: outbox } = await db.query(
        `SELECT e.name, d.subscriber, d.state, d.attempts, d.next_attempt_at, d.lease_until, d.last_error
           FROM domain_event_deliveries d JOIN domain_events e ON e.id = d.event_id
          WHERE e.payload::text LIKE '%' || $1 || '%'`,
        [postId],
      );
      const { rows: hosts } = await db.query(`SELECT * FROM federation_hosts WHERE host = $1`, [host]);
      const received = await peer.received();
      throw new Error(
        `${error.message}: outbox ${JSON.stringify(outbox)}, host ${JSON.stringify(hosts)}, ` +
          `the peer received ${received.length} requests (${received.filter((r) => r.type === 'Create').length} Creates)`,
      );
    });
    await server.stop('SIGKILL');
    expect(atKill).toBeLessThan(FOLLOWERS);
    // What was in flight when the worker died is answered; the rest was never sent.
    await new Promise((resolve) => setTimeout(resolve, 2 * INBOX_DELAY_MS + 1_000));
    const beforeRestart = inboxesOf(await creates()).size;
    expect(beforeRestart).toBeLessThan(FOLLOWERS);

    await peer.delay({ inboxMs: 0 });
    server = await serve(env, ['--with-worker']);
    const distinctInboxes = async () => inboxesOf(await creates()).size;
    await until(
      async () => ((await distinctInboxes()) === FOLLOWERS ? true : undefined),
      'every follower inbox after the restart',
      RECOVERY_MS,
    );
    const received = await creates();
    expect(inboxesOf(received)).toEqual(new Set(names.map((name) => `/users/${name}/inbox`)));
    // Redeliveries carry the same activity id, so the receiver's idempotency makes them one: its
    // Create listener ran once per inbox, however often the activity arrived there.
    expect(new Set(received.map((entry) => entry.id))).toEqual(new Set([`${postUri}/activity`]));
    const handled = received.filter((entry) => entry.listener === 'Create').map((entry) => entry.path);
    expect(handled.sort()).toEqual([...inboxesOf(received)].sort());
    // Every entry answered 202 with a verified signature: nothing refused, nothing lost.
    expect(received.filter((entry) => !(entry.verification.verified && entry.status === 202))).toEqual([]);
    expect(received.length).toBeGreaterThan(FOLLOWERS); // what was answered before the kill came again
  }, 300_000);
});
