import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { WebSocket } from 'ws';
import type { PeriodResult, PeriodSnapshot } from '@guildhall/coop';
import {
  clusterEnv,
  startServer,
  startWorker,
  stopProcess,
  type ServerProcess,
  type WorkerProcess,
} from './utils/cluster';
import { LOG_IN } from './utils/factories';
import { freshDatabase } from './utils/fresh-database';
import { freePort, signUpOn, until, type Member } from './utils/instance';
import { NOTIFICATION_ADDED } from './utils/notifications';
import { startPeer, type Peer } from './utils/peer';
import { subscribe, wsClient } from './utils/subscriptions';

/** Logins allowed per client address in 5 minutes, on every server: spent across both below. */
const LOGIN_LIMIT = 4;
/** The lease of the dying server's deliveries: the workers' relays take them once it expires. */
const LEASE_MS = 5_000;

interface StreamMessage {
  stream: string[];
  event: string;
  payload: string;
}

/**
 * Past one machine (issue 13): two servers and two workers of the built project (npm run build
 * first), each with its own DATA_DIR, against one PostgreSQL database and one Redis. Clients on
 * either server see what the other did, limits are counted once for all, and the work the
 * servers hand to the workers (federation deliveries, domain events) is done once.
 */
describe('two servers and two workers on one PostgreSQL and Redis (e2e)', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Client;
  let redis: Redis;
  let peer: Peer;
  let prefix: string;
  let a: ServerProcess;
  let b: ServerProcess;
  /** A third server whose commits stall before their dispatch: killed inside the stall in (e). */
  let dying: ServerProcess | undefined;
  let workers: WorkerProcess[] = [];
  let alice: Member;
  let bob: Member;
  let admin: Member;

  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0].n);
  /** GraphQL over HTTP: the parsed body, errors included. */
  const gql = async <T>(server: ServerProcess, query: string, variables: object = {}, token?: string) => {
    const res = await fetch(`${server.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as { data?: T; errors?: { extensions: { code: string; reason?: string } }[] };
  };
  const createPost = async (server: ServerProcess, who: Member, content: string) =>
    (
      await server.gql<{ createPost: { id: string } }>(
        'mutation($i: CreatePostInput!) { createPost(input: $i) { id } }',
        { i: { content, visibility: 'PUBLIC' } },
        who.token,
      )
    ).createPost.id;
  const like = (server: ServerProcess, who: Member, postId: string) =>
    server.gql('mutation($id: ID!) { likePost(id: $id) { id } }', { id: postId }, who.token);
  /** Local processes subscribed to an account's notification channel (one Redis connection each). */
  const notificationSubscribers = async (accountId: string) =>
    ((await redis.pubsub('NUMSUB', `${prefix}:pubsub:notifications:${accountId}`)) as [string, number])[1];
  /** A Mastodon app's token for `who` (the streaming API takes app tokens), through the password grant. */
  const appTokenOn = async (server: ServerProcess, who: Member) => {
    const app = (await (
      await fetch(`${server.origin}/api/v1/apps`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_name: 'cluster test',
          redirect_uris: 'urn:ietf:wg:oauth:2.0:oob',
          scopes: 'read',
        }),
      })
    ).json()) as { client_id: string; client_secret: string };
    const res = await fetch(`${server.origin}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'password',
        client_id: app.client_id,
        client_secret: app.client_secret,
        username: `${who.username}@example.org`,
        password: who.password,
        scope: 'read',
      }),
    });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  /** Makes `who` an active member of the cooperative for 60 days (engagement between members is a contribution). */
  const makeMember = (who: Member) =>
    db.query(
      `INSERT INTO coop_members (account_id, status, joined_at) VALUES ($1, 'active', now() - interval '60 days')`,
      [who.id],
    );

  beforeAll(async () => {
    [database, peer] = await Promise.all([freshDatabase(), startPeer()]);
    db = new Client({ connectionString: database.url });
    await db.connect();
    prefix = `${process.env.TEST_QUEUE_PREFIX}-multi-${randomBytes(3).toString('hex')}`;
    redis = new Redis(process.env.TEST_REDIS_URL!);
    const portA = await freePort();
    const env = clusterEnv({
      DATABASE_URL: database.url,
      QUEUE_PREFIX: prefix,
      // One public address for every process, as behind the reverse proxy (here: server A).
      PUBLIC_ORIGIN: `http://127.0.0.1:${portA}`,
      TRUST_PROXY: 'true',
      RATE_LIMIT_LOGIN_PER_IP: String(LOGIN_LIMIT),
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
      NODE_EXTRA_CA_CERTS: peer.caCertPath,
    });
    // Every process starts at once on an empty database: the migrations run once, under their lock.
    const starting = {
      a: startServer(env, portA),
      b: startServer(env),
      dying: startServer({ ...env, TEST_EVENTS_STALL_AFTER_COMMIT_MS: '120000', EVENTS_LEASE_MS: String(LEASE_MS) }),
      workers: Promise.all([startWorker(env), startWorker(env)]),
    };
    const settled = await Promise.allSettled([starting.a, starting.b, starting.dying, starting.workers]);
    [a, b, dying] = settled.slice(0, 3).map((s) => (s.status === 'fulfilled' ? s.value : undefined)) as [
      ServerProcess,
      ServerProcess,
      ServerProcess,
    ];
    workers = settled[3].status === 'fulfilled' ? settled[3].value : [];
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;

    [alice, bob, admin] = [await signUpOn(a), await signUpOn(b), await signUpOn(a)];
    await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.id]);
    await makeMember(alice);
    await makeMember(bob);
    // A follower on the peer: (c) and (e) count what it receives.
    await peer.createActor({ username: 'reader' });
    await peer.follow({ actor: 'reader', target: `${a.origin}/users/${alice.username}` });
    // Its notification reaches alice before (a) subscribes to her notifications, not during it.
    await until(async () => {
      const { rows } = await db.query(`SELECT 1 FROM notifications WHERE account_id = $1 AND type = 'follow'`, [
        alice.id,
      ]);
      return rows.length ? true : undefined;
    }, "the peer's follow notification");
  }, 150_000);

  afterAll(async () => {
    await Promise.all([a, b, dying, ...workers].map((proc) => stopProcess(proc)));
    await peer?.stop();
    redis?.disconnect();
    await db?.end();
    await database?.drop();
  }, 60_000);

  it('(a) a post or a notification made through one server reaches streaming and subscription clients on the other', async () => {
    const [carol, dave] = [await signUpOn(a), await signUpOn(b)];
    const streamOn = async (server: ServerProcess, who: Member) => {
      // The app registered on the other server: apps and tokens live in the shared database.
      const token = await appTokenOn(server === a ? b : a, who);
      const ws = new WebSocket(
        `${server.origin.replace('http', 'ws')}/api/v1/streaming?access_token=${token}&stream=public:local`,
      );
      const messages: StreamMessage[] = [];
      ws.on('message', (data) => messages.push(JSON.parse((data as Buffer).toString('utf8')) as StreamMessage));
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      // The server registers the stream with its hub, which subscribes to the member's notifications.
      await until(async () => ((await notificationSubscribers(who.id)) === 1 ? true : undefined), 'the stream');
      return { ws, messages };
    };
    // carol streams from B, dave from A; alice is subscribed on B, bob on A.
    const streams = { onB: await streamOn(b, carol), onA: await streamOn(a, dave) };
    const aliceOnB = wsClient(`${b.origin.replace('http', 'ws')}/graphql`, `Bearer ${alice.token}`);
    const bobOnA = wsClient(`${a.origin.replace('http', 'ws')}/graphql`, `Bearer ${bob.token}`);
    try {
      const aliceFeed = subscribe(aliceOnB, NOTIFICATION_ADDED);
      const bobFeed = subscribe(bobOnA, NOTIFICATION_ADDED);
      await until(async () => ((await notificationSubscribers(alice.id)) === 1 ? true : undefined), 'alice on B');
      await until(async () => ((await notificationSubscribers(bob.id)) === 1 ? true : undefined), 'bob on A');

      const fromA = await createPost(a, alice, 'written through A');
      const fromB = await createPost(b, bob, 'written through B');
      const updateOf = (messages: StreamMessage[], id: string) =>
        messages.filter((m) => m.event === 'update' && (JSON.parse(m.payload) as { id: string }).id === id);
      await until(
        () =>
          Promise.resolve(
            [streams.onB, streams.onA].every(
              (s) => updateOf(s.messages, fromA).length && updateOf(s.messages, fromB).length,
            )
              ? true
              : undefined,
          ),
        'both posts on both streams',
        10_000,
      );

      // bob likes alice's post through A: alice hears it on B; alice likes bob's through B: bob hears it on A.
      await like(a, bob, fromA);
      await like(b, alice, fromB);
      const [toAlice, toBob] = await Promise.all([aliceFeed.next(10_000), bobFeed.next(10_000)]);
      expect(toAlice).toEqual({
        kind: 'next',
        result: {
          data: {
            notificationAdded: expect.objectContaining({
              type: 'LIKE',
              account: expect.objectContaining({ id: bob.id }),
            }),
          },
        },
      });
      expect(toBob).toEqual({
        kind: 'next',
        result: {
          data: {
            notificationAdded: expect.objectContaining({
              type: 'LIKE',
              account: expect.objectContaining({ id: alice.id }),
            }),
          },
        },
      });

      // Nothing twice: each server relays each message once to its own clients.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      for (const stream of [streams.onB, streams.onA]) {
        expect(updateOf(stream.messages, fromA)).toHaveLength(1);
        expect(updateOf(stream.messages, fromB)).toHaveLength(1);
        expect(updateOf(stream.messages, fromA)[0].stream).toEqual(['public:local']);
      }
      expect([aliceFeed.pending, bobFeed.pending]).toEqual([[], []]);
    } finally {
      streams.onA.ws.close();
      streams.onB.ws.close();
      await aliceOnB.dispose();
      await bobOnA.dispose();
    }
  });

  it('(b) a log-in limit spent half on each server refuses the next attempt on either', async () => {
    const address = '203.0.113.77';
    const logIn = async (server: ServerProcess) => {
      const res = await fetch(`${server.origin}/graphql`, {
        method: 'POST',
        // The reverse proxy's header: the servers trust it (TRUST_PROXY=true), as in docker/compose.yml.
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
        body: JSON.stringify({
          query: LOG_IN,
          variables: { input: { usernameOrEmail: alice.username, password: alice.password } },
        }),
      });
      const body = (await res.json()) as { data?: unknown; errors?: { extensions: { code: string } }[] };
      return body.errors ? body.errors[0].extensions.code : 'OK';
    };
    const spent = [await logIn(a), await logIn(b), await logIn(a), await logIn(b)];
    expect(spent).toEqual(['OK', 'OK', 'OK', 'OK']);
    // Each server has seen 2 of the 4: only a shared count refuses the fifth, wherever it lands.
    expect([await logIn(a), await logIn(b)]).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    // Another address is not affected.
    const other = await fetch(`${b.origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.9' },
      body: JSON.stringify({
        query: LOG_IN,
        variables: { input: { usernameOrEmail: alice.username, password: alice.password } },
      }),
    });
    expect(((await other.json()) as { errors?: unknown }).errors).toBeUndefined();
  });

  it('(c) with two workers, a follower on a peer receives exactly one Create per post', async () => {
    const origin = a.origin;
    // The Follow (beforeAll) was handled by a worker; either server sees the follower.
    await until(async () => {
      const res = await gql<{ account: { followersCount: number } }>(
        b,
        'query($h: String!) { account(handle: $h) { followersCount } }',
        { h: alice.username },
      );
      return res.data?.account.followersCount === 1 ? true : undefined;
    }, 'the peer to follow alice');
    const posts = [
      await createPost(a, alice, 'federated through A, one'),
      await createPost(b, alice, 'federated through B'),
      await createPost(a, alice, 'federated through A, two'),
    ];
    const noteUris = posts.map((id) => `${origin}/posts/${id}`);
    const creates = async () =>
      (await peer.received({ type: 'Create' })).filter((entry) => noteUris.includes(entry.objectId ?? ''));
    await until(async () => ((await creates()).length >= posts.length ? true : undefined), 'the Creates', 30_000);
    // Whatever came twice would be here by now.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const received = await creates();
    expect(received.map((entry) => entry.objectId).sort()).toEqual([...noteUris].sort());
    expect(received.map((entry) => entry.id).sort()).toEqual(noteUris.map((uri) => `${uri}/activity`).sort());
    expect(received.every((entry) => entry.verification.verified && entry.status === 202)).toBe(true);
    expect(new Set(received.map((entry) => entry.actor))).toEqual(new Set([`${origin}/users/${alice.username}`]));
  });

  it('(d) a period closed on both servers at once is closed and posted once; both answer the same result', async () => {
    const CLOSE = 'mutation($p: String) { closePeriod(period: $p) { snapshot result } }';
    type Close = { closePeriod: { snapshot: PeriodSnapshot; result: PeriodResult } };
    // A fresh install opens its first period on the first close: that one holds the set-up.
    expect((await gql(a, 'mutation { closePeriod { result } }', {}, admin.token)).errors).toBeUndefined();
    // Something to close: a post and a like between members (PUBLISHED, ENGAGED).
    const postId = await createPost(a, alice, 'counted in the period');
    await like(b, bob, postId);
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM coop_periods WHERE status = 'open'`);
    expect(rows).toHaveLength(1);
    const period = rows[0].id;

    const [onA, onB] = await Promise.all([
      gql<Close>(a, CLOSE, { p: period }, admin.token),
      gql<Close>(b, CLOSE, { p: period }, admin.token),
    ]);
    expect([onA.errors, onB.errors]).toEqual([undefined, undefined]);
    expect(onA.data!.closePeriod.result.period).toBe(period);
    expect(onB.data).toEqual(onA.data);
    const { outputHash, inputHash } = onA.data!.closePeriod.result;
    expect(outputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(
      (await db.query(`SELECT status, output_hash, input_hash FROM coop_periods WHERE id = $1`, [period])).rows,
    ).toEqual([{ status: 'closed', output_hash: outputHash, input_hash: inputHash }]);
    // One entry per ledger (money, units) for the close, and one next period opened.
    expect(
      (
        await db.query<{ ledger: string }>(`SELECT ledger FROM coop_journal_entries WHERE key = $1 ORDER BY ledger`, [
          `close:${period}`,
        ])
      ).rows.map((row) => row.ledger),
    ).toEqual(['money', 'units']);
    expect(await count(`coop_periods WHERE status = 'open'`)).toBe(1);
    expect(await count(`coop_periods WHERE status = 'closed'`)).toBe(2);
  });

  it('(e) events of a server killed before its dispatch are delivered once by the two workers', async () => {
    const server = dying!;
    const likers = [await signUpOn(a), await signUpOn(b), await signUpOn(a)];
    for (const liker of likers) await makeMember(liker);
    const postId = await createPost(a, alice, 'liked through the server that dies');
    // The likes and a post commit, then the server stalls before dispatching them, answering nothing.
    for (const liker of likers) void like(server, liker, postId).catch(() => undefined);
    const content = `published through the server that dies ${randomBytes(4).toString('hex')}`;
    void createPost(server, alice, content).catch(() => undefined);
    const likeAggregates = likers.map((liker) => `like:${liker.id}:${postId}`);
    const committed = await until(async () => {
      const { rows } = await db.query<{ id: string; name: string; aggregate: string }>(
        `SELECT e.id, e.name, e.aggregate FROM domain_events e
          WHERE (e.name = 'post.liked' AND e.aggregate = ANY($1))
             OR (e.name = 'post.published' AND e.aggregate = (SELECT 'post:' || id FROM posts WHERE source = $2))
          ORDER BY e.id`,
        [likeAggregates, content],
      );
      return rows.length === likers.length + 1 ? rows : undefined;
    }, 'the likes, the post and their events to commit');
    await server.stop('SIGKILL');
    const eventIds = committed.map((row) => row.id);
    const published = committed.find((row) => row.name === 'post.published')!;
    const newPostId = published.aggregate.slice('post:'.length);
    const deliveries = async () =>
      (
        await db.query<{ event_id: string; subscriber: string; state: string; attempts: number }>(
          `SELECT event_id, subscriber, state, attempts FROM domain_event_deliveries WHERE event_id = ANY($1)
            ORDER BY event_id, subscriber`,
          [eventIds],
        )
      ).rows;
    const notifications = () =>
      count(`notifications WHERE account_id = $1 AND type = 'like' AND from_account_id = ANY($2)`, [
        alice.id,
        likers.map((l) => l.id),
      ]);
    const contributions = () =>
      count(
        `coop_events WHERE member_id = $1
            AND ((type = 'ENGAGED' AND object = $2) OR (type = 'PUBLISHED' AND object = $3))`,
        [alice.id, postId, newPostId],
      );
    const noteUri = `${a.origin}/posts/${newPostId}`;
    const creates = async () => (await peer.received({ type: 'Create' })).filter((e) => e.objectId === noteUri);
    // Still under the dead server's lease: nothing downstream of the outbox exists yet.
    expect(new Set((await deliveries()).map((d) => d.state))).toEqual(new Set(['pending']));
    expect([await notifications(), await contributions(), (await creates()).length]).toEqual([0, 0, 0]);

    await until(
      async () => ((await deliveries()).every((d) => d.state === 'done') ? true : undefined),
      'the relays to deliver the events',
      30_000,
    );
    await until(async () => ((await creates()).length ? true : undefined), 'the Create at the peer', 30_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // Every delivery row done once, by its first try (done counts one attempt; a failure would add one).
    const subscribersOf = (name: string) =>
      name === 'post.liked'
        ? ['coop.contributions', 'federation.bridge', 'social.notifications']
        : ['content.post-stream', 'coop.contributions', 'federation.bridge', 'social.notifications'];
    expect(await deliveries()).toEqual(
      committed.flatMap((event) =>
        subscribersOf(event.name).map((subscriber) => ({ event_id: event.id, subscriber, state: 'done', attempts: 1 })),
      ),
    );
    // Their effects once: a notification and an ENGAGED per like, a PUBLISHED and one Create for the post.
    expect(await notifications()).toBe(likers.length);
    expect(await contributions()).toBe(likers.length + 1);
    expect(await count(`likes WHERE post_id = $1`, [postId])).toBe(likers.length);
    expect((await creates()).map((entry) => entry.id)).toEqual([`${noteUri}/activity`]);
  });
});
