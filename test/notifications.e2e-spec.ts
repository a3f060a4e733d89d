import { DomainEvent, RedisPubSub, uuidv7 } from '@guildhall/core';
import { PubSub, PubSubEngine } from 'graphql-subscriptions';
import { DataSource } from 'typeorm';
import { publishEvent } from './utils/events';
import { signUp, type SignedUp } from './utils/factories';
import {
  MARK_ALL,
  MARK_ONE,
  NOTIFICATION_ADDED,
  NOTIFICATIONS,
  subscribedTo,
  UNREAD,
  type NotificationPage,
} from './utils/notifications';
import { subscribe, wsClient, wsUrl } from './utils/subscriptions';
import { createTestApp, type TestApp } from './utils/test-app';

describe('notifications', () => {
  let t: TestApp;
  let db: DataSource;

  const page = async (member: SignedUp, variables: Record<string, unknown> = {}) => {
    const res = await t.gql<NotificationPage>(NOTIFICATIONS, variables, member.token);
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.notifications;
  };
  const nodes = async (member: SignedUp, variables: Record<string, unknown> = {}) =>
    (await page(member, { first: 40, ...variables })).edges.map((edge) => edge.node);
  const summary = async (member: SignedUp) =>
    (await nodes(member)).map((node) => [node.type, node.account.handle, node.read]);
  const like = (actor: SignedUp, author: SignedUp, postId: string) =>
    publishEvent(t.app, DomainEvent.PostLiked, {
      engagementId: uuidv7(),
      postId,
      postAuthorId: author.account.id,
      accountId: actor.account.id,
      accountLocal: true,
      postLocal: true,
    });
  const follow = (follower: SignedUp, followee: SignedUp) =>
    publishEvent(t.app, DomainEvent.Followed, {
      followId: uuidv7(),
      followerId: follower.account.id,
      followeeId: followee.account.id,
      followerLocal: true,
      followeeLocal: true,
      uri: null,
    });

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('notifies the followee of a follow and of a follow request, naming who did it', async () => {
    const [alice, bob, carol] = [await signUp(t), await signUp(t), await signUp(t)];
    await follow(bob, alice);
    await publishEvent(t.app, DomainEvent.FollowRequested, {
      followId: uuidv7(),
      followerId: carol.account.id,
      followeeId: alice.account.id,
      followerLocal: true,
      followeeLocal: true,
      uri: null,
    });
    const [request, followed] = await nodes(alice);
    expect(request).toMatchObject({
      type: 'FOLLOW_REQUEST',
      read: false,
      account: { id: carol.account.id, handle: carol.username },
    });
    expect(followed).toMatchObject({
      type: 'FOLLOW',
      read: false,
      account: { id: bob.account.id, handle: bob.username },
    });
    expect(new Date(followed.createdAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(await nodes(bob)).toEqual([]);
    expect(await nodes(carol)).toEqual([]);
  });

  it('notifies a reply to the author replied to and a mention to each other account mentioned, not the author', async () => {
    const [author, parentAuthor, mentioned, added] = [
      await signUp(t),
      await signUp(t),
      await signUp(t),
      await signUp(t),
    ];
    const postId = uuidv7();
    await publishEvent(t.app, DomainEvent.PostPublished, {
      postId,
      authorId: author.account.id,
      visibility: 'public',
      inReplyToId: uuidv7(),
      inReplyToAuthorId: parentAuthor.account.id,
      mentionedAccountIds: [parentAuthor.account.id, mentioned.account.id, author.account.id],
      isArticle: false,
      local: true,
    });
    expect(await summary(parentAuthor)).toEqual([['REPLY', author.username, false]]);
    expect(await summary(mentioned)).toEqual([['MENTION', author.username, false]]);
    expect(await summary(author)).toEqual([]);

    // An edit tells those it mentions for the first time; those already told are not told again.
    await publishEvent(t.app, DomainEvent.PostUpdated, {
      postId,
      authorId: author.account.id,
      newlyMentionedAccountIds: [added.account.id, mentioned.account.id],
      local: true,
    });
    expect(await summary(added)).toEqual([['MENTION', author.username, false]]);
    expect(await summary(mentioned)).toEqual([['MENTION', author.username, false]]);
  });

  it('notifies a like and a boost once per actor and post, and never about your own post', async () => {
    const [author, fan] = [await signUp(t), await signUp(t)];
    const [postA, postB] = [uuidv7(), uuidv7()];
    await like(fan, author, postA);
    await like(fan, author, postA); // the same like delivered twice
    const engagement = {
      engagementId: uuidv7(),
      postId: postA,
      postAuthorId: author.account.id,
      accountId: fan.account.id,
      accountLocal: true,
      postLocal: true,
    };
    await publishEvent(t.app, DomainEvent.PostUnliked, engagement);
    await publishEvent(t.app, DomainEvent.PostLiked, engagement); // liked again
    await like(author, author, postB);
    await publishEvent(t.app, DomainEvent.PostBoosted, { ...engagement, engagementId: uuidv7() });
    await like(fan, author, postB);
    expect(await summary(author)).toEqual([
      ['LIKE', fan.username, false],
      ['BOOST', fan.username, false],
      ['LIKE', fan.username, false],
    ]);
    const rows = await db.query<{ dedupe_key: string }[]>(
      'SELECT dedupe_key FROM notifications WHERE account_id = $1 ORDER BY id',
      [author.account.id],
    );
    expect(rows.map((row) => row.dedupe_key)).toEqual([
      `like:${fan.account.id}:${postA}`,
      `boost:${fan.account.id}:${postA}`,
      `like:${fan.account.id}:${postB}`,
    ]);
  });

  it('tells nobody about an account they mute or block, and no remote account at all', async () => {
    const [member, muted, blocked, other] = [await signUp(t), await signUp(t), await signUp(t), await signUp(t)];
    await db.query('INSERT INTO mutes (id, account_id, target_id) VALUES ($1, $2, $3)', [
      uuidv7(),
      member.account.id,
      muted.account.id,
    ]);
    await db.query('INSERT INTO blocks (id, account_id, target_id) VALUES ($1, $2, $3)', [
      uuidv7(),
      member.account.id,
      blocked.account.id,
    ]);
    await follow(muted, member);
    await like(blocked, member, uuidv7());
    await publishEvent(t.app, DomainEvent.PostPublished, {
      postId: uuidv7(),
      authorId: muted.account.id,
      visibility: 'public',
      inReplyToId: null,
      inReplyToAuthorId: null,
      mentionedAccountIds: [member.account.id],
      isArticle: false,
      local: true,
    });
    await follow(other, member);
    expect(await summary(member)).toEqual([['FOLLOW', other.username, false]]);

    const [remote] = await db.query<{ id: string }[]>(
      `INSERT INTO accounts (id, username, domain, uri) VALUES (gen_random_uuid(), 'remote', 'remote.example', $1)
       RETURNING id`,
      [`https://remote.example/users/${uuidv7()}`],
    );
    await publishEvent(t.app, DomainEvent.Followed, {
      followId: uuidv7(),
      followerId: member.account.id,
      followeeId: remote.id,
      followerLocal: true,
      followeeLocal: false,
      uri: null,
    });
    const count = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM notifications WHERE account_id = $1', [
      remote.id,
    ]);
    expect(count[0].n).toBe('0');
  });

  describe('reading', () => {
    let reader: SignedUp;
    let fan: SignedUp;
    let ids: string[]; // newest first

    beforeAll(async () => {
      [reader, fan] = [await signUp(t), await signUp(t)];
      for (let i = 0; i < 5; i += 1) await like(fan, reader, uuidv7());
      ids = (await nodes(reader)).map((node) => node.id);
    });

    it('pages newest first with first/after, without repeats, and refuses a bad cursor', async () => {
      expect(ids).toHaveLength(5);
      expect([...ids].sort().reverse()).toEqual(ids);
      const first = await page(reader, { first: 2 });
      const second = await page(reader, { first: 2, after: first.pageInfo.endCursor });
      const third = await page(reader, { first: 2, after: second.pageInfo.endCursor });
      expect([first, second, third].map((p) => p.edges.map((edge) => edge.node.id))).toEqual([
        ids.slice(0, 2),
        ids.slice(2, 4),
        ids.slice(4),
      ]);
      expect([first, second, third].map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, false]);
      expect(first.pageInfo.endCursor).toBe(first.edges[1].cursor);

      const bad = await t.gql(NOTIFICATIONS, { first: 2, after: 'not-a-cursor' }, reader.token);
      expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
      const tooMany = await t.gql(NOTIFICATIONS, { first: 41 }, reader.token);
      expect(tooMany.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('marks read up to an id, counts and filters the unread, then marks the rest', async () => {
      const unread = async () => (await t.gql<{ unreadNotificationsCount: number }>(UNREAD, {}, reader.token)).data;
      expect(await unread()).toEqual({ unreadNotificationsCount: 5 });

      const upTo = await t.gql(MARK_ALL, { upTo: ids[2] }, reader.token); // the three oldest
      expect(upTo.data).toEqual({ markNotificationsRead: 3 });
      expect(await unread()).toEqual({ unreadNotificationsCount: 2 });
      expect((await nodes(reader, { unreadOnly: true })).map((node) => node.id)).toEqual(ids.slice(0, 2));
      expect((await nodes(reader)).map((node) => node.read)).toEqual([false, false, true, true, true]);
      const unreadPage = await page(reader, { first: 1, unreadOnly: true });
      expect(unreadPage.edges.map((edge) => edge.node.id)).toEqual([ids[0]]);
      const next = await page(reader, { first: 1, unreadOnly: true, after: unreadPage.pageInfo.endCursor });
      expect(next.edges.map((edge) => edge.node.id)).toEqual([ids[1]]);
      expect(next.pageInfo.hasNextPage).toBe(false);

      expect((await t.gql(MARK_ALL, { upTo: ids[2] }, reader.token)).data).toEqual({ markNotificationsRead: 0 });
      const bad = await t.gql(MARK_ALL, { upTo: 'nope' }, reader.token);
      expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_ID' });
      expect((await t.gql(MARK_ALL, {}, reader.token)).data).toEqual({ markNotificationsRead: 2 });
      expect(await unread()).toEqual({ unreadNotificationsCount: 0 });
      expect((await nodes(reader, { unreadOnly: true })).length).toBe(0);
    });

    it('marks one of yours read, and answers NOT_FOUND for anyone else’s', async () => {
      const owner = await signUp(t);
      await like(fan, owner, uuidv7());
      await like(fan, owner, uuidv7());
      const [newest, oldest] = await nodes(owner);
      expect((await t.gql(MARK_ONE, { id: oldest.id }, owner.token)).data).toEqual({ markNotificationRead: true });
      expect((await t.gql(MARK_ONE, { id: oldest.id }, owner.token)).data).toEqual({ markNotificationRead: true });
      expect((await nodes(owner)).map((node) => [node.id, node.read])).toEqual([
        [newest.id, false],
        [oldest.id, true],
      ]);

      for (const id of [newest.id, uuidv7(), 'not-an-id']) {
        const res = await t.gql(MARK_ONE, { id }, fan.token);
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'NOTIFICATION_NOT_FOUND' });
      }
      expect((await nodes(owner))[0].read).toBe(false);
    });

    it('refuses anonymous callers with UNAUTHENTICATED', async () => {
      for (const [query, variables] of [
        [NOTIFICATIONS, {}],
        [UNREAD, {}],
        [MARK_ALL, {}],
        [MARK_ONE, { id: ids[0] }],
      ] as const) {
        const res = await t.gql(query, variables);
        expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
        expect(res.data ?? null).toBeNull();
      }
    });
  });

  describe('notificationAdded over graphql-ws', () => {
    it('delivers each member only their own notifications, live', async () => {
      const [alice, bob, carol] = [await signUp(t), await signUp(t), await signUp(t)];
      const engine = t.app.get(PubSubEngine);
      expect(engine).toBeInstanceOf(RedisPubSub);
      const url = await wsUrl(t);
      const [aliceClient, bobClient] = [wsClient(url, `Bearer ${alice.token}`), wsClient(url, `Bearer ${bob.token}`)];
      try {
        let ready = subscribedTo(engine, alice.account.id);
        const aliceFeed = subscribe(aliceClient, NOTIFICATION_ADDED);
        await ready;
        ready = subscribedTo(engine, bob.account.id);
        const bobFeed = subscribe(bobClient, NOTIFICATION_ADDED);
        await ready;

        await follow(carol, alice);
        const [stored] = await nodes(alice);
        expect(await aliceFeed.next()).toEqual({
          kind: 'next',
          result: {
            data: {
              notificationAdded: {
                id: stored.id,
                type: 'FOLLOW',
                read: false,
                account: { id: carol.account.id, handle: carol.username },
              },
            },
          },
        });
        // Bob's first message is his own: Alice's was never sent to him.
        await follow(carol, bob);
        const bobs = await bobFeed.next();
        expect(bobs.kind === 'next' && bobs.result.data).toEqual({
          notificationAdded: expect.objectContaining({
            type: 'FOLLOW',
            account: expect.objectContaining({ id: carol.account.id }),
          }),
        });
        expect(bobFeed.pending).toEqual([]);
        expect(aliceFeed.pending).toEqual([]);
      } finally {
        await Promise.all([aliceClient.dispose(), bobClient.dispose()]);
      }
    });

    it.each([
      ['a forged token', 'Bearer not.a.token'],
      ['no token', undefined],
    ])('refuses a connection with %s (4403)', async (_label, authorization) => {
      const client = wsClient(await wsUrl(t), authorization);
      try {
        const event = await subscribe(client, NOTIFICATION_ADDED).next();
        expect(event).toEqual({ kind: 'error', error: expect.objectContaining({ code: 4403, reason: 'Forbidden' }) });
      } finally {
        await client.dispose();
      }
    });

    it('ends a running subscription once its session is logged out, delivering nothing more', async () => {
      const [member, actor] = [await signUp(t), await signUp(t)];
      const engine = t.app.get(PubSubEngine);
      const client = wsClient(await wsUrl(t), `Bearer ${member.token}`);
      try {
        const ready = subscribedTo(engine, member.account.id);
        const feed = subscribe(client, NOTIFICATION_ADDED);
        await ready;
        expect((await t.gql('mutation { logOut }', {}, member.token)).data).toEqual({ logOut: true });
        await follow(actor, member);
        expect(await feed.next()).toEqual({ kind: 'complete' });
        expect(feed.pending).toEqual([]);
      } finally {
        await client.dispose();
      }
    });

    it('refuses a connection whose session was logged out, and an operation once it is', async () => {
      const member = await signUp(t);
      const loggedOut = await signUp(t);
      expect((await t.gql('mutation { logOut }', {}, loggedOut.token)).data).toEqual({ logOut: true });
      const url = await wsUrl(t);
      const refused = wsClient(url, `Bearer ${loggedOut.token}`);
      const client = wsClient(url, `Bearer ${member.token}`);
      try {
        expect(await subscribe(refused, NOTIFICATION_ADDED).next()).toEqual({
          kind: 'error',
          error: expect.objectContaining({ code: 4403 }),
        });

        // Connected while the session was live (one subscription keeps the socket open); each new
        // operation on it checks the token again.
        const ready = subscribedTo(t.app.get(PubSubEngine), member.account.id);
        subscribe(client, NOTIFICATION_ADDED);
        await ready;
        const query = await subscribe(client, '{ __typename }').next();
        expect(query).toEqual({
          kind: 'error',
          error: [expect.objectContaining({ message: expect.stringMatching(/^Only subscriptions are served/) })],
        });
        expect((await t.gql('mutation { logOut }', {}, member.token)).data).toEqual({ logOut: true });
        const denied = await subscribe(client, NOTIFICATION_ADDED).next();
        expect(denied.kind === 'next' && denied.result.errors?.[0]).toMatchObject({
          extensions: { code: 'UNAUTHENTICATED', reason: 'SESSION_REVOKED' },
        });
      } finally {
        await Promise.all([refused.dispose(), client.dispose()]);
      }
    });
  });
});

describe('notificationAdded without Redis (in-memory engine)', () => {
  it('delivers in one process', async () => {
    const t = await createTestApp({ REDIS_URL: '' });
    try {
      await t.app.listen(0, '127.0.0.1');
      const engine = t.app.get(PubSubEngine);
      expect(engine).toBeInstanceOf(PubSub);
      const [alice, bob] = [await signUp(t), await signUp(t)];
      const client = wsClient(await wsUrl(t), `Bearer ${alice.token}`);
      try {
        const ready = subscribedTo(engine, alice.account.id);
        const feed = subscribe(client, NOTIFICATION_ADDED);
        await ready;
        await publishEvent(t.app, DomainEvent.PostLiked, {
          engagementId: uuidv7(),
          postId: uuidv7(),
          postAuthorId: alice.account.id,
          accountId: bob.account.id,
          accountLocal: true,
          postLocal: true,
        });
        const event = await feed.next();
        expect(event.kind === 'next' && event.result.data).toEqual({
          notificationAdded: expect.objectContaining({
            type: 'LIKE',
            account: { id: bob.account.id, handle: bob.username },
          }),
        });
      } finally {
        await client.dispose();
      }
    } finally {
      await t.close();
    }
  });
});

describe('notificationAdded across processes (Redis)', () => {
  let worker: TestApp;
  let t: TestApp;

  beforeAll(async () => {
    // The worker first: @nestjs/passport registers strategies on one process-wide passport, so the
    // last app built here is the one whose JWT secret authenticates requests.
    worker = await createTestApp();
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await t.close();
    await worker.close();
  });

  it('reaches a subscriber on one server when another process (a worker) makes the notification', async () => {
    const [alice, bob] = [await signUp(t), await signUp(t)];
    const client = wsClient(await wsUrl(t), `Bearer ${alice.token}`);
    try {
      const ready = subscribedTo(t.app.get(PubSubEngine), alice.account.id);
      const feed = subscribe(client, NOTIFICATION_ADDED);
      await ready;
      await publishEvent(worker.app, DomainEvent.PostBoosted, {
        engagementId: uuidv7(),
        postId: uuidv7(),
        postAuthorId: alice.account.id,
        accountId: bob.account.id,
        accountLocal: true,
        postLocal: true,
      });
      const event = await feed.next();
      expect(event.kind === 'next' && event.result.data).toEqual({
        notificationAdded: expect.objectContaining({
          type: 'BOOST',
          read: false,
          account: { id: bob.account.id, handle: bob.username },
        }),
      });
    } finally {
      await client.dispose();
    }
  });
});
