import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { SIGN_UP } from './utils/factories';
import { failWrites, type WriteFault } from './utils/faults';
import { freePort, until } from './utils/instance';
import { startPeer, type Peer, type ReceivedEntry } from './utils/peer';
import { cleanEnv, run, start } from './utils/spawn';
import { testEnv, uniqueName } from './utils/test-app';

/**
 * Domain events survive failures (ADR 0016), on the built server (npm run build first) with its
 * worker, against this run's PostgreSQL and Redis: a subscriber's transient failure is retried,
 * one that keeps failing is parked and retried by `guildhall events retry`, and a kill -9 between
 * a write's commit and its event's dispatch loses nothing.
 */

interface Member {
  token: string;
  id: string;
  username: string;
}

interface DeliveryRow {
  subscriber: string;
  state: string;
  attempts: number;
}

/** What both suites read of a like: the like itself, its contribution, its notification, its event's deliveries. */
const countOf = async (db: Client, sql: string, params: unknown[]) =>
  Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0].n);
const likeRows = (db: Client, by: { id: string }, postId: string) =>
  countOf(db, `likes WHERE account_id = $1 AND post_id = $2`, [by.id, postId]);
/** ENGAGED contributions the author's post received from `by`. */
const engagedRows = (db: Client, author: { id: string }, postId: string, by: { id: string }) =>
  countOf(db, `coop_events WHERE type = 'ENGAGED' AND member_id = $1 AND object = $2 AND actor = $3`, [
    author.id,
    postId,
    by.id,
  ]);
const likeNotificationRows = (db: Client, author: { id: string }, by: { id: string }) =>
  countOf(db, `notifications WHERE account_id = $1 AND type = 'like' AND from_account_id = $2`, [author.id, by.id]);
/** The ids of the like's post.liked events. */
const likeEventIds = async (db: Client, by: { id: string }, postId: string) =>
  (
    await db.query<{ id: string }>(
      `SELECT id FROM domain_events WHERE name = 'post.liked' AND aggregate = $1 ORDER BY id`,
      [`like:${by.id}:${postId}`],
    )
  ).rows.map((row) => row.id);
const deliveryRows = async (db: Client, eventId: string) =>
  (
    await db.query<DeliveryRow>(
      `SELECT subscriber, state, attempts FROM domain_event_deliveries WHERE event_id = $1 ORDER BY subscriber`,
      [eventId],
    )
  ).rows;

/** A peer actor `name` follows the local `author`; resolves to the actor's id once the server counts it. */
type Gql = <T = Record<string, unknown>>(
  query: string,
  variables?: object,
  token?: string,
) => Promise<{ data?: T; errors?: unknown[] }>;

/** GraphQL over HTTP against the spawned server at `origin`. */
const graphqlAt =
  (origin: () => string): Gql =>
  async (query, variables = {}, token) => {
    const res = await fetch(`${origin()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as never;
  };

/** A signed-up local account that is an active member of the cooperative. */
async function activeMember(gql: Gql, db: Client, prefix: string): Promise<Member> {
  const username = uniqueName(prefix);
  const res = await gql<{ signUp: { token: string; account: { id: string } } }>(SIGN_UP, {
    input: { username, email: `${username}@example.org`, password: 'correct horse battery staple' },
  });
  const { token, account } = res.data!.signUp;
  await db.query(
    `INSERT INTO coop_members (account_id, status, joined_at) VALUES ($1, 'active', now() - interval '60 days')`,
    [account.id],
  );
  return { token, id: account.id, username };
}

async function followFromPeer(peer: Peer, name: string, origin: string, author: { username: string }) {
  await peer.createActor({ username: name });
  await peer.follow({ actor: name, target: `${origin}/users/${author.username}` });
  await until(async () => {
    const res = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'query($h: String!) { account(handle: $h) { followersCount } }',
        variables: { h: author.username },
      }),
    });
    const body = (await res.json()) as { data?: { account: { followersCount: number } } };
    return body.data?.account.followersCount === 1 ? true : undefined;
  }, 'the peer to follow the author');
  return (await peer.actor(name)).id;
}

/** Sends a post whose commit stalls before its dispatch; resolves once the post and its event are committed. */
async function publishBeforeDispatch(db: Client, send: (content: string) => Promise<unknown>) {
  const content = `written just before the crash ${uniqueName()}`;
  void send(content).catch(() => undefined);
  return until(async () => {
    const { rows } = await db.query<{ postId: string; eventId: string }>(
      `SELECT p.id AS "postId", e.id AS "eventId" FROM posts p
         JOIN domain_events e ON e.name = 'post.published' AND e.aggregate = 'post:' || p.id::text
        WHERE p.source = $1`,
      [content],
    );
    return rows[0];
  }, 'the post and its event to commit');
}

/** After the restart, the relay delivers the post exactly once: one contribution, one Create at the follower. */
async function expectPublishedOnce(
  db: Client,
  peer: Peer,
  origin: string,
  author: { id: string; username: string },
  published: { postId: string; eventId: string },
) {
  const noteUri = `${origin}/posts/${published.postId}`;
  const creates = async () =>
    (await peer.received({ type: 'Create' })).filter((entry: ReceivedEntry) => {
      const object = entry.activity?.object as { id?: string } | string | undefined;
      return (typeof object === 'string' ? object : object?.id) === noteUri;
    });
  await until(async () => {
    const states = (await deliveryRows(db, published.eventId)).map((d) => d.state);
    return states.length === 4 && states.every((state) => state === 'done') ? true : undefined;
  }, 'the relay to deliver the post');
  await until(async () => ((await creates()).length ? true : undefined), 'the Create at the peer');
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(
    await countOf(db, `coop_events WHERE type = 'PUBLISHED' AND member_id = $1 AND object = $2`, [
      author.id,
      published.postId,
    ]),
  ).toBe(1);
  const received = await creates();
  expect(received).toHaveLength(1);
  expect(received[0].activity).toMatchObject({ actor: `${origin}/users/${author.username}` });
}

interface CrashingLike {
  db: Client;
  author: { id: string };
  by: { id: string };
  postId: string;
  /** Sends the like to a server whose commits stall before their dispatch (it answers only after the stall). */
  like: () => Promise<unknown>;
  /** kill -9 of the server. */
  kill: () => Promise<void>;
}

/**
 * Likes inside the stall between commit and dispatch and kill -9s the server there: the like and its
 * event are committed, nothing downstream of the outbox exists. Returns the like's event id.
 */
async function likeAndKillBeforeDispatch({ db, author, by, postId, like, kill }: CrashingLike): Promise<string> {
  void like().catch(() => undefined);
  const [eventId] = await until(
    async () => ((await likeEventIds(db, by, postId)).length ? likeEventIds(db, by, postId) : undefined),
    'the like and its event to commit',
  );
  await kill();
  expect(await likeRows(db, by, postId)).toBe(1);
  expect((await deliveryRows(db, eventId)).map((d) => d.state)).toEqual(['pending', 'pending', 'pending']);
  expect(await engagedRows(db, author, postId, by)).toBe(0);
  expect(await likeNotificationRows(db, author, by)).toBe(0);
  return eventId;
}

/** After the restart, the relay delivers the like exactly once: one contribution, one notification. */
async function expectLikeDeliveredOnce({ db, author, by, postId }: CrashingLike, eventId: string): Promise<void> {
  await until(async () => {
    const states = (await deliveryRows(db, eventId)).map((d) => d.state);
    return states.length === 3 && states.every((state) => state === 'done') ? true : undefined;
  }, 'the relay to deliver the like');
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await likeEventIds(db, by, postId)).toEqual([eventId]);
  expect(await likeRows(db, by, postId)).toBe(1);
  expect(await engagedRows(db, author, postId, by)).toBe(1);
  expect(await likeNotificationRows(db, author, by)).toBe(1);
}

describe('durable domain events on the built server (e2e)', () => {
  let db: Client;
  let peer: Peer;
  let dataDir: string;
  let port: number;
  let origin: string;
  let env: NodeJS.ProcessEnv;
  let server: ReturnType<typeof start> | null = null;

  const serve = async (extra: NodeJS.ProcessEnv = {}) => {
    server = start(['dist/apps/server/main.js', '--with-worker'], { ...env, ...extra });
    await until(async () => ((await fetch(`${origin}/health`)).ok ? true : undefined), 'health');
  };
  const stop = async (signal: NodeJS.Signals) => {
    const child = server?.child;
    server = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  const gql = graphqlAt(() => origin);
  const member = () => activeMember(gql, db, 'm');
  const post = async (author: Member, content: string) => {
    const res = await gql<{ createPost: { id: string; uri: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id uri } }',
      { input: { content } },
      author.token,
    );
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost;
  };
  const like = (who: Member, postId: string) =>
    gql('mutation($id: ID!) { likePost(id: $id) { likesCount } }', { id: postId }, who.token);
  const engaged = (author: Member, postId: string, by: Member) => engagedRows(db, author, postId, by);
  const likeNotifications = (author: Member, by: Member) => likeNotificationRows(db, author, by);
  const likeEvent = (by: Member, postId: string) => likeEventIds(db, by, postId);
  const deliveries = (eventId: string) => deliveryRows(db, eventId);
  /** The event's deliveries once none is pending (the relay's marks may land after a check). */
  const settled = (eventId: string) =>
    until(async () => {
      const rows = await deliveries(eventId);
      return rows.length && rows.every((row) => row.state !== 'pending') ? rows : undefined;
    }, 'the deliveries to settle');
  const cli = (args: string[]) => run(['dist/apps/cli/main.js', ...args], env);
  /** The first `failures` inserts into coop_events fail. */
  let fault: WriteFault | undefined;
  const injectFault = async (failures: number) => {
    fault = await failWrites(db, {
      name: 'outbox_spec_fault',
      table: 'coop_events',
      on: 'INSERT',
      failures,
      message: 'injected fault: coop_events is unavailable',
    });
  };
  const removeFault = async () => fault?.remove();

  beforeAll(async () => {
    db = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await db.connect();
    peer = await startPeer();
    dataDir = mkdtempSync(join(tmpdir(), 'guildhall-outbox-'));
    port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const { LOG_LEVEL: _silent, ...base } = testEnv({
      DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_ORIGIN: origin,
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
      NODE_EXTRA_CA_CERTS: peer.caCertPath,
      EVENTS_MAX_ATTEMPTS: '3',
      EVENTS_RETRY_BASE_MS: '100',
      EVENTS_LEASE_MS: '2000',
    });
    env = cleanEnv(base);
    await serve();
  }, 90_000);

  afterAll(async () => {
    await stop('SIGTERM');
    await removeFault().catch(() => undefined);
    await db.end();
    await peer?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('records the ENGAGED contribution exactly once after a transient database failure, with nobody acting', async () => {
    const [alice, bob] = [await member(), await member()];
    const { id } = await post(alice, 'a post bob will like during an outage');
    await injectFault(1);
    expect((await like(bob, id)).errors).toBeUndefined();
    const [eventId] = await likeEvent(bob, id);

    // The like stands; the relay retries the contribution after its backoff.
    await until(async () => ((await engaged(alice, id, bob)) === 1 ? true : undefined), 'the retried contribution');
    await removeFault();
    expect(await engaged(alice, id, bob)).toBe(1);
    expect(await likeNotifications(alice, bob)).toBe(1);
    expect(await settled(eventId)).toEqual([
      { subscriber: 'coop.contributions', state: 'done', attempts: 2 },
      { subscriber: 'federation.bridge', state: 'done', attempts: 1 },
      { subscriber: 'social.notifications', state: 'done', attempts: 1 },
    ]);
    const verified = await cli(['coop', 'verify']);
    expect((JSON.parse(verified.stdout) as { ok: boolean }).ok).toBe(true);
    expect(verified.code).toBe(0);
  }, 60_000);

  it('parks a delivery that keeps failing, lists it, and delivers it once when a steward retries it', async () => {
    const [alice, bob] = [await member(), await member()];
    const { id } = await post(alice, 'a post liked while coop_events stays broken');
    await injectFault(1_000_000);
    expect((await like(bob, id)).errors).toBeUndefined();
    const [eventId] = await likeEvent(bob, id);
    await until(
      async () => ((await deliveries(eventId))[0]?.state === 'dead' ? true : undefined),
      'the delivery to be dead',
    );
    expect(await settled(eventId)).toEqual([
      { subscriber: 'coop.contributions', state: 'dead', attempts: 3 },
      { subscriber: 'federation.bridge', state: 'done', attempts: 1 },
      { subscriber: 'social.notifications', state: 'done', attempts: 1 },
    ]);

    const listed = await cli(['events']);
    expect(listed.code).toBe(0);
    const { deliveries: dead } = JSON.parse(listed.stdout) as { deliveries: Record<string, unknown>[] };
    expect(dead.filter((d) => d.eventId === eventId)).toEqual([
      expect.objectContaining({
        eventId,
        name: 'post.liked',
        subscriber: 'coop.contributions',
        state: 'dead',
        attempts: 3,
        lastError: expect.stringContaining('injected fault: coop_events is unavailable') as unknown,
      }),
    ]);
    expect(await engaged(alice, id, bob)).toBe(0);

    expect((await cli(['events', 'retry', 'not-an-id'])).code).toBe(2);
    await removeFault();
    const retried = await cli(['events', 'retry', eventId]);
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toEqual({ retried: [{ eventId, subscriber: 'coop.contributions' }] });
    await until(async () => ((await engaged(alice, id, bob)) === 1 ? true : undefined), 'the retried delivery');
    expect(await settled(eventId)).toEqual([
      { subscriber: 'coop.contributions', state: 'done', attempts: 1 },
      { subscriber: 'federation.bridge', state: 'done', attempts: 1 },
      { subscriber: 'social.notifications', state: 'done', attempts: 1 },
    ]);
    const after = JSON.parse((await cli(['events'])).stdout) as { deliveries: { eventId: string }[] };
    expect(after.deliveries.filter((d) => d.eventId === eventId)).toEqual([]);
    expect(await engaged(alice, id, bob)).toBe(1);
  }, 90_000);

  it('loses nothing when killed with SIGKILL between a commit and its dispatch', async () => {
    const [alice, bob] = [await member(), await member()];
    const liked = await post(alice, 'a post bob likes just before the crash');
    const carol = await followFromPeer(peer, 'carol', origin, alice);

    // Every commit now stalls before its dispatch: the window the kill lands in.
    await stop('SIGTERM');
    await serve({ TEST_EVENTS_STALL_AFTER_COMMIT_MS: '120000' });
    const published = await publishBeforeDispatch(db, (content) => post(alice, content));
    const crash: CrashingLike = {
      db,
      author: alice,
      by: bob,
      postId: liked.id,
      like: () => like(bob, liked.id),
      kill: () => stop('SIGKILL'),
    };
    const likeId = await likeAndKillBeforeDispatch(crash);
    // Committed, not delivered: nothing of it exists beyond the outbox.
    // contributions, notifications, the federation bridge and the live streams.
    expect((await deliveries(published.eventId)).map((d) => d.state)).toEqual([
      'pending',
      'pending',
      'pending',
      'pending',
    ]);

    await serve();
    await expectLikeDeliveredOnce(crash, likeId);
    await expectPublishedOnce(db, peer, origin, alice, published);
    expect((await peer.actor('carol')).id).toBe(carol);
    const verified = await cli(['coop', 'verify']);
    expect((JSON.parse(verified.stdout) as { ok: boolean }).ok).toBe(true);
  }, 150_000);
});

/**
 * The transient fault and the kill -9 again on `npm start`'s embedded defaults: PostgreSQL in DATA_DIR,
 * queues on it too.
 */
describe('durable domain events on the embedded defaults (e2e)', () => {
  let dataDir: string;
  let port: number;
  let pgPort: number;
  let env: NodeJS.ProcessEnv;
  let server: ReturnType<typeof start>;
  let db: Client;
  let peer: Peer;
  let origin: string;

  const boot = async (extra: NodeJS.ProcessEnv = {}) => {
    server = start(['dist/apps/server/main.js', '--with-worker'], { ...env, ...extra });
    await until(async () => ((await fetch(`${origin}/health`)).ok ? true : undefined), 'health', 90_000);
  };
  const connect = async () => {
    const password = readFileSync(join(dataDir, 'postgres.secret'), 'utf8').trim();
    db = new Client({
      connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${pgPort}/guildhall`,
    });
    await db.connect();
  };
  const stop = async (signal: NodeJS.Signals) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) return;
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill(signal);
    await exited;
  };

  const gql = graphqlAt(() => origin);
  const member = () => activeMember(gql, db, 'e');

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'guildhall-outbox-embedded-'));
    chmodSync(dataDir, 0o755); // PostgreSQL runs as the postgres user when we are root
    peer = await startPeer();
    port = await freePort();
    pgPort = await freePort();
    origin = `http://127.0.0.1:${port}`;
    env = cleanEnv({
      PORT: String(port),
      PUBLIC_ORIGIN: origin,
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
      NODE_EXTRA_CA_CERTS: peer.caCertPath,
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      EVENTS_RETRY_BASE_MS: '100',
      EVENTS_LEASE_MS: '2000',
    });
    await boot();
    await connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    if (server) await stop('SIGTERM');
    await peer?.stop();
    // A PostgreSQL the server left behind (it was killed, say) must not outlive the test.
    try {
      const pids = execFileSync('pgrep', ['-f', `postgres -D ${dataDir}/postgres`])
        .toString()
        .trim()
        .split('\n');
      for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
    } catch {
      // pgrep exits 1 when nothing matches
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('records the ENGAGED contribution exactly once after a transient failure', async () => {
    const [alice, bob] = [await member(), await member()];
    const created = await gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { content: 'liked during an outage, embedded' } },
      alice.token,
    );
    const postId = created.data!.createPost.id;
    const fault = await failWrites(db, {
      name: 'outbox_spec_fault',
      table: 'coop_events',
      on: 'INSERT',
      message: 'injected fault',
    });
    const liked = await gql('mutation($id: ID!) { likePost(id: $id) { likesCount } }', { id: postId }, bob.token);
    expect(liked.errors).toBeUndefined();
    const engaged = async () =>
      Number(
        (
          await db.query<{ n: string }>(
            `SELECT count(*) AS n FROM coop_events WHERE type = 'ENGAGED' AND member_id = $1 AND object = $2`,
            [alice.id, postId],
          )
        ).rows[0].n,
      );
    await until(async () => ((await engaged()) === 1 ? true : undefined), 'the retried contribution');
    const rows = await until(async () => {
      const found = await db.query<{ subscriber: string; state: string; attempts: number }>(
        `SELECT d.subscriber, d.state, d.attempts FROM domain_event_deliveries d JOIN domain_events e ON e.id = d.event_id
          WHERE e.name = 'post.liked' AND e.aggregate = $1 ORDER BY d.subscriber`,
        [`like:${bob.id}:${postId}`],
      );
      return found.rows.length && found.rows.every((row) => row.state !== 'pending') ? found.rows : undefined;
    }, 'the deliveries to settle');
    expect(rows).toEqual([
      { subscriber: 'coop.contributions', state: 'done', attempts: 2 },
      { subscriber: 'federation.bridge', state: 'done', attempts: 1 },
      { subscriber: 'social.notifications', state: 'done', attempts: 1 },
    ]);
    await fault.remove();
    expect(await engaged()).toBe(1);
    const verified = await run(['dist/apps/cli/main.js', 'coop', 'verify'], env);
    expect((JSON.parse(verified.stdout) as { ok: boolean }).ok).toBe(true);
  }, 60_000);

  it('loses nothing when killed with SIGKILL between a commit and its dispatch', async () => {
    const [alice, bob] = [await member(), await member()];
    const created = await gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { content: 'liked just before the crash, embedded' } },
      alice.token,
    );
    const postId = created.data!.createPost.id;
    const dave = await followFromPeer(peer, 'dave', origin, alice);

    // Every commit now stalls before its dispatch: the window the kill lands in. The clean stop
    // takes the embedded PostgreSQL down with it, so the test's connection goes first.
    await db.end();
    await stop('SIGTERM');
    await boot({ TEST_EVENTS_STALL_AFTER_COMMIT_MS: '120000' });
    await connect();
    const published = await publishBeforeDispatch(db, (content) =>
      gql(
        'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
        { input: { content } },
        alice.token,
      ),
    );
    const crash: CrashingLike = {
      db,
      author: alice,
      by: bob,
      postId,
      like: () => gql('mutation($id: ID!) { likePost(id: $id) { likesCount } }', { id: postId }, bob.token),
      kill: () => stop('SIGKILL'),
    };
    // kill -9 orphans the server's PostgreSQL (it keeps serving this connection); the restart adopts it.
    const eventId = await likeAndKillBeforeDispatch(crash);
    expect((await deliveryRows(db, published.eventId)).map((d) => d.state)).toEqual([
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    await boot();

    await expectLikeDeliveredOnce(crash, eventId);
    await expectPublishedOnce(db, peer, origin, alice, published);
    expect((await peer.actor('dave')).id).toBe(dave);
    expect(await deliveryRows(db, eventId)).toEqual([
      { subscriber: 'coop.contributions', state: 'done', attempts: 1 },
      { subscriber: 'federation.bridge', state: 'done', attempts: 1 },
      { subscriber: 'social.notifications', state: 'done', attempts: 1 },
    ]);
    const verified = await run(['dist/apps/cli/main.js', 'coop', 'verify'], env);
    expect((JSON.parse(verified.stdout) as { ok: boolean }).ok).toBe(true);
    expect(verified.code).toBe(0);
  }, 150_000);
});
