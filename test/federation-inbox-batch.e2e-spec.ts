import { randomUUID } from 'node:crypto';
import { ConfigService, queueConnection } from '@guildhall/core';
import { FederationService, InboxBatcher } from '@guildhall/federation';
import { AccountRepository } from '@guildhall/identity';
import { Queue, type QueueOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { drained, eventually } from './utils/eventually';
import { signUp, type SignedUp } from './utils/factories';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const AS = 'https://www.w3.org/ns/activitystreams';
const PUBLIC = `${AS}#Public`;
const REMOTE = 'https://remote.batch.example';

/**
 * Inbound Likes, Announces and their Undos applied in batches by the worker (ADR 0057): the same
 * outcomes as one at a time — each counted once however often delivered, a Like and its Undo in
 * one batch end unliked, refusals change nothing — with one event (notification, contribution)
 * per like. Messages are put on the federation queue as the inbox's fast path puts them, many at
 * once, so the worker takes them together; on Redis, and on PostgreSQL (no REDIS_URL).
 */
describe.each<[string, { REDIS_URL?: string }]>([
  ['Redis', {}],
  ['PostgreSQL (no REDIS_URL)', { REDIS_URL: '' }],
])('inbox batches on BullMQ with %s', (backend, env) => {
  let t: TestApp & { origin: string };
  let db: DataSource;
  let queue: Queue;
  let batcher: InboxBatcher;
  let author: SignedUp;
  let actors: { id: string; uri: string }[];
  const tag = backend.startsWith('Redis') ? 'r' : 'p';

  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => db.query<T[]>(query, params);
  const postUri = (id: string) => `${t.origin}/posts/${id}`;
  const activityId = (actor: number, what: string) => `${REMOTE}/users/${tag}${actor}/${what}/${randomUUID()}`;

  const inbox = (activity: Record<string, unknown>) => ({
    type: 'inbox',
    id: randomUUID(),
    baseUrl: t.origin,
    activity: { '@context': AS, ...activity },
    identifier: null,
    attempt: 0,
    started: new Date().toISOString(),
    traceContext: {},
  });
  const like = (actor: number, postId: string, id = activityId(actor, 'likes')) => ({
    id,
    type: 'Like',
    actor: actors[actor].uri,
    object: postUri(postId),
  });
  const announce = (actor: number, postId: string) => ({
    id: activityId(actor, 'statuses'),
    type: 'Announce',
    actor: actors[actor].uri,
    object: postUri(postId),
    to: [PUBLIC],
    cc: [`${actors[actor].uri}/followers`],
  });
  const undo = (actor: number, undone: Record<string, unknown>) => ({
    id: activityId(actor, 'undo'),
    type: 'Undo',
    actor: actors[actor].uri,
    object: undone,
  });
  /** Puts the activities on the queue in one go (the worker takes them together) and waits for the worker. */
  async function deliver(activities: Record<string, unknown>[]): Promise<void> {
    await t.app.get(FederationService).queue.enqueueMany(activities.map(inbox));
    await drained([queue]);
  }

  async function createPost(content: string, visibility = 'PUBLIC'): Promise<string> {
    const res = await t.gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { content, visibility } },
      author.token,
    );
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost.id;
  }
  const counts = async (postId: string) =>
    (
      await sql<{ likes: number; likes_count: number; boosts: number; boosts_count: number }>(
        `SELECT (SELECT count(*) FROM likes WHERE post_id = $1)::int AS likes,
                (SELECT count(*) FROM posts WHERE boost_of_id = $1 AND deleted_at IS NULL)::int AS boosts,
                likes_count, boosts_count FROM posts WHERE id = $1`,
        [postId],
      )
    )[0];
  const engaged = async (postId: string) =>
    Number(
      (
        await sql<{ n: string }>(
          `SELECT count(*) AS n FROM coop_events e WHERE e.type = 'ENGAGED' AND e.object = $1
              AND NOT EXISTS (SELECT 1 FROM coop_events r WHERE r.reverses = e.id)`,
          [postId],
        )
      )[0].n,
    );
  const notified = async (postId: string) =>
    Number(
      (
        await sql<{ n: string }>(`SELECT count(*) AS n FROM notifications WHERE post_id = $1 AND type = 'like'`, [
          postId,
        ])
      )[0].n,
    );

  beforeAll(async () => {
    t = await createListeningTestApp(
      { ...env, QUEUE_PREFIX: `${process.env.TEST_QUEUE_PREFIX}-batch${tag}` },
      { withWorker: true },
    );
    db = t.app.get(DataSource);
    queue = new Queue('federation', queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions);
    batcher = t.app.get(InboxBatcher);
    author = await signUp(t);
    // An active member for 60 days: engagement with her posts is a contribution (ENGAGED).
    await sql(
      `INSERT INTO coop_members (account_id, status, joined_at) VALUES ($1, 'active', now() - interval '60 days')`,
      [author.account.id],
    );
    // Remote accounts known here and fresh, as after their first activity (keys fetched, actors stored).
    const accounts = t.app.get(AccountRepository);
    actors = [];
    for (let i = 0; i < 6; i++) {
      const uri = `${REMOTE}/users/${tag}${i}`;
      const account = await accounts.upsertRemote({
        username: `${tag}${i}`,
        domain: 'remote.batch.example',
        uri,
        url: uri,
        displayName: `Remote ${i}`,
        bio: '',
        avatarRemoteUrl: null,
        headerRemoteUrl: null,
        fields: [],
        manuallyApprovesFollowers: false,
        discoverable: true,
        inboxUrl: `${uri}/inbox`,
        sharedInboxUrl: `${REMOTE}/inbox`,
        followersUrl: `${uri}/followers`,
        actorType: 'Person',
        alsoKnownAs: [],
      });
      actors.push({ id: account.id, uri });
    }
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await t?.close();
  });

  it('counts each Like once, however many times it arrives, in one batch and across batches', async () => {
    const posts = [await createPost('batch one'), await createPost('batch two')];
    const likes = posts.flatMap((postId) => [0, 1, 2, 3, 4].map((actor) => like(actor, postId)));
    const before = { ...batcher.counts };
    // Every Like twice in the same delivery, then all of them again.
    await deliver([...likes, ...likes]);
    await deliver(likes);
    for (const postId of posts) {
      expect(await counts(postId)).toEqual({ likes: 5, likes_count: 5, boosts: 0, boosts_count: 0 });
      await eventually(
        async () => [await engaged(postId), await notified(postId)],
        (value) => expect(value).toEqual([5, 5]),
      );
    }
    const events = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM domain_events WHERE name = 'post.liked' AND payload->>'postId' = ANY($1)`,
      [posts],
    );
    expect(events[0].n).toBe(10);
    // They went through batches: fewer batches than messages, and most applied there.
    const batches = batcher.counts.batches - before.batches;
    const applied = batcher.counts.applied - before.applied;
    const repeated = batcher.counts.repeated - before.repeated;
    expect(batches).toBeLessThan(30);
    expect(applied).toBeGreaterThanOrEqual(10);
    expect(applied + repeated + (batcher.counts.deferred - before.deferred)).toBe(30);
    expect(batcher.counts.failed).toBe(0);
  });

  it('ends unliked when a Like and its Undo arrive together, and unboosted for an Announce and its Undo', async () => {
    const postId = await createPost('liked and unliked');
    const liked = like(0, postId);
    const boosted = announce(1, postId);
    // In one batch, each Undo runs after that batch's commit; in the next one, after the post's lock.
    await deliver([liked, undo(0, liked), boosted, undo(1, boosted), like(2, postId)]);
    expect(await counts(postId)).toEqual({ likes: 1, likes_count: 1, boosts: 0, boosts_count: 0 });
    await eventually(
      () => engaged(postId),
      (n) => expect(n).toBe(1),
    );
    const tombstoned = await sql<{ visibility: string }>(
      'SELECT visibility FROM posts WHERE boost_of_id = $1 AND deleted_at IS NOT NULL',
      [postId],
    );
    expect(tombstoned).toEqual([{ visibility: 'public' }]);
  });

  it('applies the Likes the door enqueued in one turn, carried by one job, each once', async () => {
    const postId = await createPost('liked through the door');
    const federation = t.app.get(FederationService);
    const likes = [0, 1, 2, 3, 4].map((actor) => like(actor, postId));
    // As the inbox's POSTs answered in one turn enqueue them: one job holds them all (ADR 0063).
    await Promise.all([...likes, likes[0]].map((activity) => federation.queue.enqueue(inbox(activity))));
    expect(federation.queue.messagesPerJob).toBeGreaterThan(1);
    await drained([queue]);
    expect(await counts(postId)).toEqual({ likes: 5, likes_count: 5, boosts: 0, boosts_count: 0 });
    await eventually(
      async () => [await engaged(postId), await notified(postId)],
      (value) => expect(value).toEqual([5, 5]),
    );
  });

  it('applies Announces and Undos that arrive in separate batches', async () => {
    const postId = await createPost('boosted');
    const boosts = [announce(0, postId), announce(1, postId), announce(2, postId)];
    await deliver(boosts);
    expect(await counts(postId)).toEqual({ likes: 0, likes_count: 0, boosts: 3, boosts_count: 3 });
    const likes = [like(0, postId), like(1, postId)];
    await deliver([...likes, undo(2, boosts[2])]);
    expect(await counts(postId)).toEqual({ likes: 2, likes_count: 2, boosts: 2, boosts_count: 2 });
    await deliver([undo(0, likes[0]), undo(1, boosts[1])]);
    expect(await counts(postId)).toEqual({ likes: 1, likes_count: 1, boosts: 1, boosts_count: 1 });
    await eventually(
      () => engaged(postId),
      (n) => expect(n).toBe(2),
    );
  });

  it('changes nothing for a refused one: not visible, blocked sender, unknown post, boost of a followers-only post', async () => {
    const open = await createPost('open post');
    const followersOnly = await createPost('for followers', 'FOLLOWERS');
    await sql(`INSERT INTO blocks (id, account_id, target_id) VALUES ($1, $2, $3)`, [
      randomUUID(),
      author.account.id,
      actors[5].id,
    ]);
    const refused = [
      like(3, followersOnly),
      like(5, open),
      like(4, randomUUID()),
      { ...announce(4, followersOnly) },
      undo(3, like(3, open)),
    ];
    const allowed = like(4, open);
    await deliver([...refused, allowed]);
    expect(await counts(open)).toEqual({ likes: 1, likes_count: 1, boosts: 0, boosts_count: 0 });
    expect(await counts(followersOnly)).toEqual({ likes: 0, likes_count: 0, boosts: 0, boosts_count: 0 });
    // A refused activity is not recorded as processed: it may be accepted later.
    const recorded = await sql<{ key: string }>(`SELECT key FROM federation_kv WHERE key = ANY($1)`, [
      refused.map((activity) => JSON.stringify(['guildhall', 'inboxAccepted', REMOTE, activity.id])),
    ]);
    expect(recorded).toEqual([]);
    const accepted = await sql<{ value: unknown }>(`SELECT value FROM federation_kv WHERE key = $1`, [
      JSON.stringify(['guildhall', 'inboxAccepted', REMOTE, allowed.id]),
    ]);
    expect(accepted).toEqual([{ value: true }]);
  });
});
