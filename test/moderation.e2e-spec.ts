import { createHash } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { uuidv7 } from '@guildhall/core';
import { DOMAIN_PURGE_QUEUE, domainPurgeJobId, ReportService } from '@guildhall/federation';
import { LOG_IN, signUp, VIEWER, type SignedUp } from './utils/factories';
import { insertFollow } from './utils/graph';
import { createTestApp, type GraphqlError, type TestApp } from './utils/test-app';

const CREATE_POST = 'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }';
const LIKE = 'mutation($id: ID!) { likePost(id: $id) { id } }';
const POST = 'query($id: ID!) { post(id: $id) { id likesCount boostsCount repliesCount } }';
const ACCOUNT =
  'query($handle: String!) { account(handle: $handle) { id handle followersCount followingCount suspendedAt } }';
const LOCAL_TIMELINE = '{ timeline(kind: LOCAL, first: 40) { edges { node { id } } } }';
const PURGE = 'purge { status accountsPurged postsPurged startedAt finishedAt }';
const BLOCK_DOMAIN = `mutation($domain: String!, $reason: String) {
  blockDomain(domain: $domain, reason: $reason) { domain reason createdAt createdBy { handle } ${PURGE} } }`;
const UNBLOCK_DOMAIN = 'mutation($domain: String!) { unblockDomain(domain: $domain) }';
const DOMAIN_BLOCKS = '{ domainBlocks { domain reason createdBy { handle } } }';
const DOMAIN_PURGES = `{ domainBlocks { domain ${PURGE} } }`;
const FOLLOW = 'mutation($handle: String!) { follow(handle: $handle) { state } }';
const BOBS_FOLLOWERS =
  'query($handle: String!) { account(handle: $handle) { followers(first: 40) { edges { node { handle } } } } }';
const BOBS_NOTIFICATIONS =
  '{ notifications(first: 40) { edges { node { type account { handle } } } } unreadNotificationsCount }';
const SUSPEND = 'mutation($handle: String!) { suspendAccount(handle: $handle) { handle suspendedAt } }';
const UNSUSPEND = 'mutation($handle: String!) { unsuspendAccount(handle: $handle) { handle suspendedAt } }';
const REPORT = `mutation($input: ReportInput!) {
  report(input: $input) { id comment sourceDomain resolvedAt targetAccount { handle } reporter { handle } posts { id } } }`;
const REPORTS = `query($resolved: Boolean, $first: Int, $after: String) {
  reports(resolved: $resolved, first: $first, after: $after) {
    edges { cursor node { id comment sourceDomain resolvedAt
      targetAccount { handle } reporter { handle } resolvedBy { handle } posts { id } } }
    pageInfo { hasNextPage endCursor } } }`;
const RESOLVE = `mutation($id: ID!, $action: ReportAction!) {
  resolveReport(id: $id, action: $action) { id resolvedAt resolvedBy { handle } } }`;

interface ReportNode {
  id: string;
  comment: string;
  sourceDomain: string | null;
  resolvedAt: string | null;
  targetAccount: { handle: string } | null;
  reporter: { handle: string } | null;
  resolvedBy: { handle: string } | null;
  posts: { id: string }[];
}

/** A domain unique to this run: suites share the database. */
const run = Math.random().toString(36).slice(2, 8);
const SPAM = `spam-${run}.example`;

const errorOf = (res: { errors?: GraphqlError[] }) => res.errors?.[0]?.extensions;

describe('moderation', () => {
  let t: TestApp;
  let db: DataSource;
  let moderator: SignedUp;
  let alice: SignedUp;
  let bob: SignedUp;

  const gqlOk = async <T>(query: string, variables: Record<string, unknown>, who?: SignedUp): Promise<T> => {
    const res = await t.gql<T>(query, variables, who?.token);
    if (!res.data || res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const post = async (who: SignedUp, content: string, extra: Record<string, unknown> = {}) =>
    (await gqlOk<{ createPost: { id: string } }>(CREATE_POST, { input: { content, ...extra } }, who)).createPost.id;
  const count = async (sql: string, params: unknown[]) => Number((await db.query<{ n: string }[]>(sql, params))[0].n);

  /** What federation would have stored for a remote actor. */
  const remoteAccount = async (username: string, domain: string): Promise<string> => {
    const [row] = await db.query<{ id: string }[]>(
      'INSERT INTO accounts (username, domain, uri) VALUES ($1, $2, $3) RETURNING id',
      [username, domain, `https://${domain}/users/${username}`],
    );
    return row.id;
  };
  const remotePost = async (accountId: string, domain: string, extra: Record<string, unknown> = {}) => {
    const id = uuidv7();
    const columns = { id, account_id: accountId, local: false, uri: `https://${domain}/notes/${id}`, ...extra };
    const names = Object.keys(columns);
    await db.query(
      `INSERT INTO posts (${names.join(', ')}, visibility, content)
       VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}, 'public', 'remote words')`,
      Object.values(columns),
    );
    return id;
  };
  const remoteLike = (accountId: string, postId: string) =>
    db.query('INSERT INTO likes (id, account_id, post_id, uri) VALUES ($1, $2, $3, $4)', [
      uuidv7(),
      accountId,
      postId,
      `https://like.example/${uuidv7()}`,
    ]);

  beforeAll(async () => {
    // With the worker: domain blocks purge in the background, two accounts a batch.
    t = await createTestApp({ FEDERATION_PURGE_BATCH: '2' }, { withWorker: true });
    db = t.app.get(DataSource);
    [moderator, alice, bob] = await Promise.all([signUp(t), signUp(t), signUp(t)]);
    // Roles are read from the database on every request: the token in hand becomes a moderator's.
    await db.query(`UPDATE users SET role = 'moderator' WHERE account_id = $1`, [moderator.account.id]);
  });
  afterAll(() => t.close());

  describe('domain blocks', () => {
    let localPost: string;
    let spammer: string;
    let other: string;

    interface Purge {
      status: string;
      accountsPurged: number;
      postsPurged: number;
      startedAt: string | null;
      finishedAt: string | null;
    }
    const purgeOf = async (domain: string): Promise<Purge | undefined> =>
      (
        await gqlOk<{ domainBlocks: { domain: string; purge: Purge }[] }>(DOMAIN_PURGES, {}, moderator)
      ).domainBlocks.find((block) => block.domain === domain)?.purge;
    /** Polls the block's purge until `done` holds. */
    const purgeUntil = async (domain: string, done: (purge: Purge | undefined) => boolean): Promise<Purge> => {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const purge = await purgeOf(domain);
        if (done(purge)) return purge!;
        if (Date.now() > deadline) throw new Error(`purge of ${domain}: ${JSON.stringify(purge)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const purgeDone = (domain: string) => purgeUntil(domain, (purge) => purge?.status === 'DONE');

    beforeAll(async () => {
      spammer = await remoteAccount('spammer', SPAM);
      const second = await remoteAccount('second', `sub.${SPAM}:8443`);
      // Its WebFinger domain is elsewhere; its actor id is on the blocked domain.
      const aliased = await remoteAccount('aliased', `alias-${run}.example`);
      await db.query('UPDATE accounts SET uri = $2 WHERE id = $1', [aliased, `https://${SPAM}/actors/aliased`]);
      other = await remoteAccount('friend', `fine-${run}.example`);

      localPost = await post(alice, 'a local post everyone liked');
      await gqlOk(LIKE, { id: localPost }, bob);
      await post(bob, 'a local reply', { inReplyToId: localPost });
      // As the inbox would have counted them: +3 likes, +1 boost, +1 reply.
      await remoteLike(spammer, localPost);
      await remoteLike(second, localPost);
      await remoteLike(other, localPost);
      await remotePost(spammer, SPAM, { boost_of_id: localPost });
      await remotePost(aliased, SPAM, { in_reply_to_id: localPost, in_reply_to_account_id: alice.account.id });
      await db.query(
        'UPDATE posts SET likes_count = likes_count + 3, boosts_count = 1, replies_count = replies_count + 1 WHERE id = $1',
        [localPost],
      );

      // Followers: bob and three remote accounts; alice follows the spammer.
      for (const follower of [bob.account.id, spammer, second, other])
        await insertFollow(t, follower, alice.account.id);
      await insertFollow(t, alice.account.id, spammer);
      await db.query('UPDATE accounts SET followers_count = 4, following_count = 1 WHERE id = $1', [alice.account.id]);

      // Alice boosted and liked a spam post; the spammer notified her; she reported the spammer.
      const spamPost = await remotePost(spammer, SPAM);
      await db.query(
        `INSERT INTO posts (id, account_id, local, visibility, boost_of_id, content) VALUES ($1, $2, true, 'public', $3, '')`,
        [uuidv7(), alice.account.id, spamPost],
      );
      await db.query('INSERT INTO likes (id, account_id, post_id) VALUES ($1, $2, $3)', [
        uuidv7(),
        alice.account.id,
        spamPost,
      ]);
      await db.query(
        `INSERT INTO notifications (id, account_id, type, from_account_id, dedupe_key) VALUES ($1, $2, 'follow', $3, $4)`,
        [uuidv7(), alice.account.id, spammer, `follow:${spammer}`],
      );
      await gqlOk(REPORT, { input: { handle: `spammer@${SPAM}`, comment: 'spam' } }, alice);

      const before = await gqlOk<{ post: Record<string, number> }>(POST, { id: localPost });
      expect(before.post).toMatchObject({ likesCount: 4, boostsCount: 1, repliesCount: 2 });
    });

    it('refuses members with FORBIDDEN, changing nothing', async () => {
      const res = await t.gql(BLOCK_DOMAIN, { domain: SPAM }, alice.token);
      expect(errorOf(res)).toMatchObject({ code: 'FORBIDDEN' });
      expect(await count('SELECT count(*) AS n FROM domain_blocks WHERE domain = $1', [SPAM])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM accounts WHERE id = $1', [spammer])).toBe(1);
      expect(errorOf(await t.gql(DOMAIN_BLOCKS, {}, alice.token))).toMatchObject({ code: 'FORBIDDEN' });
      expect(errorOf(await t.gql(UNBLOCK_DOMAIN, { domain: SPAM }, alice.token))).toMatchObject({ code: 'FORBIDDEN' });
    });

    it.each([
      ['not a host name', 'https://spam.example/users', 'INVALID_DOMAIN'],
      ['empty', '  ', 'INVALID_DOMAIN'],
      ['our own host', 'Guildhall.Test', 'OWN_DOMAIN'],
      ['our own host on 443', 'guildhall.test:443', 'OWN_DOMAIN'],
    ])('refuses %s with BAD_USER_INPUT', async (_what, domain, reason) => {
      const blocks = await count('SELECT count(*) AS n FROM domain_blocks', []);
      const res = await t.gql(BLOCK_DOMAIN, { domain }, moderator.token);
      expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', reason });
      expect(await count('SELECT count(*) AS n FROM domain_blocks', [])).toBe(blocks);
    });

    it('blocks the domain and purges its accounts, recounting local posts and accounts', async () => {
      const res = await gqlOk<{ blockDomain: Record<string, unknown> }>(
        BLOCK_DOMAIN,
        { domain: `  ${SPAM.toUpperCase()}. `, reason: 'spam wave' },
        moderator,
      );
      // Recorded and in force at once; the purge waits for the worker.
      expect(res.blockDomain).toMatchObject({
        domain: SPAM,
        reason: 'spam wave',
        createdBy: { handle: moderator.username },
        purge: { status: 'PENDING', accountsPurged: 0, postsPurged: 0, startedAt: null, finishedAt: null },
      });
      const purge = await purgeDone(SPAM);
      // Three accounts (two batches); the spammer's boost and post, the aliased account's reply.
      expect(purge).toMatchObject({ accountsPurged: 3, postsPurged: 3 });
      expect(Date.parse(purge.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(purge.startedAt!));

      // The domain, its subdomain with a port, and the actor whose id is on it: gone with their rows.
      expect(
        await count(`SELECT count(*) AS n FROM accounts WHERE domain LIKE $1 OR domain LIKE $2 OR uri LIKE $3`, [
          SPAM,
          `%.${SPAM}%`,
          `https://${SPAM}/%`,
        ]),
      ).toBe(0);
      expect(await count('SELECT count(*) AS n FROM posts WHERE uri LIKE $1', [`https://${SPAM}/%`])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM accounts WHERE id = $1', [other])).toBe(1);
      expect(await count('SELECT count(*) AS n FROM likes WHERE post_id = $1', [localPost])).toBe(2);
      expect(
        await count('SELECT count(*) AS n FROM posts WHERE account_id = $1 AND boost_of_id IS NOT NULL', [
          alice.account.id,
        ]),
      ).toBe(0);
      expect(await count('SELECT count(*) AS n FROM notifications WHERE from_account_id = $1', [spammer])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM reports WHERE target_account_id = $1', [spammer])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM follows WHERE follower_id = $1', [alice.account.id])).toBe(0);

      const after = await gqlOk<{ post: Record<string, number> }>(POST, { id: localPost });
      expect(after.post).toMatchObject({ likesCount: 2, boostsCount: 0, repliesCount: 1 });
      const account = await gqlOk<{ account: Record<string, number> }>(ACCOUNT, { handle: alice.username });
      expect(account.account).toMatchObject({ followersCount: 2, followingCount: 0 });

      const list = await gqlOk<{ domainBlocks: { domain: string; reason: string }[] }>(DOMAIN_BLOCKS, {}, moderator);
      expect(list.domainBlocks).toContainEqual({
        domain: SPAM,
        reason: 'spam wave',
        createdBy: { handle: moderator.username },
      });
    });

    it('is idempotent: blocking again keeps one block and its first reason, and purges again', async () => {
      const again = await gqlOk<{ blockDomain: { domain: string; reason: string } }>(
        BLOCK_DOMAIN,
        { domain: SPAM, reason: 'another reason' },
        moderator,
      );
      expect(again.blockDomain).toMatchObject({
        domain: SPAM,
        reason: 'spam wave',
        purge: { status: 'PENDING', accountsPurged: 3, postsPurged: 3, finishedAt: null },
      });
      expect(await count('SELECT count(*) AS n FROM domain_blocks WHERE domain = $1', [SPAM])).toBe(1);
      // Nothing was left: the counts are the first purge's.
      expect(await purgeDone(SPAM)).toMatchObject({ accountsPurged: 3, postsPurged: 3 });
      const post = await gqlOk<{ post: Record<string, number> }>(POST, { id: localPost });
      expect(post.post).toMatchObject({ likesCount: 2, boostsCount: 0, repliesCount: 1 });
    });

    it('answers 403 to an inbox POST from the domain or a subdomain, before verifying the signature', async () => {
      for (const host of [SPAM, `sub.${SPAM}:8443`]) {
        const body = JSON.stringify({
          '@context': 'https://www.w3.org/ns/activitystreams',
          id: `https://${host}/activities/1`,
          type: 'Follow',
          actor: `https://${host}/users/spammer`,
          object: `http://guildhall.test/users/${alice.username}`,
        });
        const res = await t
          .http()
          .post('/inbox')
          .set('content-type', 'application/activity+json')
          .set('date', new Date().toUTCString())
          .set('digest', `SHA-256=${createHash('sha256').update(body).digest('base64')}`)
          .set(
            'signature',
            `keyId="https://${host}/users/spammer#main-key",algorithm="rsa-sha256",` +
              `headers="(request-target) host date digest",signature="AAAA"`,
          )
          .send(body);
        expect(res.status).toBe(403);
      }
    });

    /** A Follow signed with a key we cannot have: only the door's domain check can answer 403. */
    const inboxPostFrom = (host: string) => {
      const body = JSON.stringify({
        '@context': 'https://www.w3.org/ns/activitystreams',
        id: `https://${host}/activities/1`,
        type: 'Follow',
        actor: `https://${host}/users/spammer`,
        object: `http://guildhall.test/users/${alice.username}`,
      });
      return t
        .http()
        .post('/inbox')
        .set('content-type', 'application/activity+json')
        .set('date', new Date().toUTCString())
        .set('digest', `SHA-256=${createHash('sha256').update(body).digest('base64')}`)
        .set(
          'signature',
          // A header is ASCII: an IDN host is sent as the URL parser writes it (punycode, dot kept).
          `keyId="https://${new URL(`https://${host}`).host}/users/spammer#main-key",algorithm="rsa-sha256",` +
            `headers="(request-target) host date digest",signature="AAAA"`,
        )
        .send(body);
    };

    it('refuses the blocked domain however its host is spelled: upper case, trailing dot, port', async () => {
      for (const host of [`${SPAM.toUpperCase()}.`, `Sub.${SPAM}.:8443`, `${SPAM}.`]) {
        const res = await inboxPostFrom(host);
        expect({ host, status: res.status }).toEqual({ host, status: 403 });
      }
    });

    it('stores an IDN block as punycode and refuses its Unicode, upper-case and trailing-dot spellings', async () => {
      const idn = `bücher-${run}.example`;
      const res = await gqlOk<{ blockDomain: { domain: string } }>(
        BLOCK_DOMAIN,
        { domain: `${idn.toUpperCase()}.`, reason: 'idn' },
        moderator,
      );
      const stored = res.blockDomain.domain;
      expect(stored).toBe(new URL(`https://${idn}`).hostname);
      expect(stored.startsWith('xn--')).toBe(true);
      for (const host of [`${idn.toUpperCase()}.`, `${stored.toUpperCase()}.`, `www.${idn}.`]) {
        const post = await inboxPostFrom(host);
        expect({ host, status: post.status }).toEqual({ host, status: 403 });
      }
      expect(await gqlOk(UNBLOCK_DOMAIN, { domain: idn }, moderator)).toEqual({ unblockDomain: true });
    });

    it('unblocks: true once, then false', async () => {
      expect(await gqlOk(UNBLOCK_DOMAIN, { domain: SPAM }, moderator)).toEqual({ unblockDomain: true });
      expect(await gqlOk(UNBLOCK_DOMAIN, { domain: SPAM }, moderator)).toEqual({ unblockDomain: false });
      const list = await gqlOk<{ domainBlocks: { domain: string }[] }>(DOMAIN_BLOCKS, {}, moderator);
      expect(list.domainBlocks.map((block) => block.domain)).not.toContain(SPAM);
    });

    it('purges a batch at a time, each batch committed and recounted on its own', async () => {
      const bulk = `bulk-${run}.example`;
      const carol = await signUp(t);
      const [likedByAll, likedByThird] = [await post(carol, 'liked by all five'), await post(carol, 'liked by one')];
      const accounts: string[] = [];
      for (let i = 0; i < 5; i += 1) accounts.push(await remoteAccount(`bulk${i}`, bulk));
      accounts.sort(); // The purge goes in id order: batches are [0, 1], [2, 3], [4].
      for (const account of accounts) {
        await remotePost(account, bulk);
        await remotePost(account, bulk);
        await remoteLike(account, likedByAll);
        await insertFollow(t, account, carol.account.id);
      }
      await remoteLike(accounts[2], likedByThird);
      await insertFollow(t, carol.account.id, accounts[4]);
      await db.query('UPDATE posts SET likes_count = 5 WHERE id = $1', [likedByAll]);
      await db.query('UPDATE posts SET likes_count = 1 WHERE id = $1', [likedByThird]);
      await db.query('UPDATE accounts SET followers_count = 5, following_count = 1 WHERE id = $1', [carol.account.id]);

      // Holding a post the second batch must lock: the first batch commits, the second waits.
      const holder = db.createQueryRunner();
      await holder.connect();
      try {
        await holder.startTransaction();
        await holder.query('SELECT id FROM posts WHERE id = $1 FOR UPDATE', [likedByThird]);
        await gqlOk(BLOCK_DOMAIN, { domain: bulk }, moderator);
        const running = await purgeUntil(bulk, (purge) => purge?.status === 'RUNNING');
        expect(running).toMatchObject({ accountsPurged: 2, postsPurged: 4, finishedAt: null });
        expect(running.startedAt).not.toBeNull();
        expect(await count('SELECT count(*) AS n FROM accounts WHERE domain = $1', [bulk])).toBe(3);
        const halfway = await gqlOk<{ post: Record<string, number> }>(POST, { id: likedByAll });
        expect(halfway.post.likesCount).toBe(3);
        const carolHalfway = await gqlOk<{ account: Record<string, number> }>(ACCOUNT, { handle: carol.username });
        expect(carolHalfway.account).toMatchObject({ followersCount: 3, followingCount: 1 });
      } finally {
        await holder.rollbackTransaction();
        await holder.release();
      }

      expect(await purgeDone(bulk)).toMatchObject({ accountsPurged: 5, postsPurged: 10 });
      expect(await count('SELECT count(*) AS n FROM accounts WHERE domain = $1', [bulk])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM posts WHERE uri LIKE $1', [`https://${bulk}/%`])).toBe(0);
      for (const [id, likes] of [
        [likedByAll, 0],
        [likedByThird, 0],
      ] as const) {
        expect((await gqlOk<{ post: Record<string, number> }>(POST, { id })).post.likesCount).toBe(likes);
      }
      const carolAfter = await gqlOk<{ account: Record<string, number> }>(ACCOUNT, { handle: carol.username });
      expect(carolAfter.account).toMatchObject({ followersCount: 0, followingCount: 0 });
    });

    it('does not purge a domain unblocked before its purge ran', async () => {
      const late = `late-${run}.example`;
      const account = await remoteAccount('late', late);
      const lateNote = await remotePost(account, late);
      await remoteLike(account, localPost);
      const likes = await count('SELECT count(*) AS n FROM likes WHERE post_id = $1', [localPost]);
      const queue = t.app.get<Queue>(getQueueToken(DOMAIN_PURGE_QUEUE));
      await queue.pause();
      try {
        const res = await gqlOk<{ blockDomain: { purge: Purge } }>(BLOCK_DOMAIN, { domain: late }, moderator);
        expect(res.blockDomain.purge.status).toBe('PENDING');
        expect(await gqlOk(UNBLOCK_DOMAIN, { domain: late }, moderator)).toEqual({ unblockDomain: true });
      } finally {
        await queue.resume();
      }
      // The job runs, finds no block, and is removed as completed.
      const jobId = domainPurgeJobId({ domain: late, run: 1 });
      const deadline = Date.now() + 20_000;
      while (await queue.getJob(jobId)) {
        if (Date.now() > deadline) throw new Error(`job ${jobId} still there`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await count('SELECT count(*) AS n FROM accounts WHERE id = $1', [account])).toBe(1);
      expect(await count('SELECT count(*) AS n FROM posts WHERE id = $1', [lateNote])).toBe(1);
      expect(await count('SELECT count(*) AS n FROM likes WHERE post_id = $1', [localPost])).toBe(likes);
    });
  });

  describe('account suspension', () => {
    let carol: SignedUp;
    let carolPost: string;

    const localTimeline = async (who?: SignedUp) =>
      (await gqlOk<{ timeline: { edges: { node: { id: string } }[] } }>(LOCAL_TIMELINE, {}, who)).timeline.edges.map(
        (edge) => edge.node.id,
      );

    /** bob's followers, and who his notifications are from (a follow and a like from carol among them). */
    const bobsFollowers = async () =>
      (
        await gqlOk<{ account: { followers: { edges: { node: { handle: string } }[] } } }>(BOBS_FOLLOWERS, {
          handle: bob.username,
        })
      ).account.followers.edges.map((edge) => edge.node.handle);
    const bobsNotifications = async () => {
      const res = await gqlOk<{
        notifications: { edges: { node: { type: string; account: { handle: string } } }[] };
        unreadNotificationsCount: number;
      }>(BOBS_NOTIFICATIONS, {}, bob);
      return {
        fromCarol: res.notifications.edges
          .filter((edge) => edge.node.account.handle === carol.username)
          .map((edge) => edge.node.type)
          .sort(),
        unread: res.unreadNotificationsCount,
      };
    };

    beforeAll(async () => {
      carol = await signUp(t);
      carolPost = await post(carol, 'carol writes something');
      expect(await localTimeline()).toContain(carolPost);
      await gqlOk(FOLLOW, { handle: bob.username }, carol);
      await gqlOk(LIKE, { id: await post(bob, 'bob writes something carol likes') }, carol);
      expect(await bobsFollowers()).toContain(carol.username);
      expect((await bobsNotifications()).fromCarol).toEqual(['FOLLOW', 'LIKE']);
    });

    it('refuses members with FORBIDDEN', async () => {
      const res = await t.gql(SUSPEND, { handle: carol.username }, bob.token);
      expect(errorOf(res)).toMatchObject({ code: 'FORBIDDEN' });
      expect(
        await count('SELECT count(*) AS n FROM accounts WHERE id = $1 AND suspended_at IS NULL', [carol.account.id]),
      ).toBe(1);
    });

    it('refuses an unknown account with NOT_FOUND, yourself with BAD_USER_INPUT', async () => {
      expect(errorOf(await t.gql(SUSPEND, { handle: 'nobody_at_all' }, moderator.token))).toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(errorOf(await t.gql(SUSPEND, { handle: moderator.username }, moderator.token))).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'CANNOT_SUSPEND_SELF',
      });
    });

    it('lets only an admin suspend an admin', async () => {
      const admin = await signUp(t);
      await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
      expect(errorOf(await t.gql(SUSPEND, { handle: admin.username }, moderator.token))).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'CANNOT_SUSPEND_STAFF',
      });
    });

    it("lets only an admin lift an admin's suspension, or suspend and unsuspend staff", async () => {
      const [admin, member, otherModerator] = await Promise.all([signUp(t), signUp(t), signUp(t)]);
      await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
      await db.query(`UPDATE users SET role = 'moderator' WHERE account_id = $1`, [otherModerator.account.id]);
      const suspended = (id: string) =>
        count('SELECT count(*) AS n FROM accounts WHERE id = $1 AND suspended_at IS NOT NULL', [id]);

      await gqlOk(SUSPEND, { handle: member.username }, admin);
      await gqlOk(SUSPEND, { handle: otherModerator.username }, admin);
      expect(errorOf(await t.gql(UNSUSPEND, { handle: member.username }, moderator.token))).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'SUSPENDED_BY_ADMIN',
      });
      expect(errorOf(await t.gql(UNSUSPEND, { handle: otherModerator.username }, moderator.token))).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'CANNOT_SUSPEND_STAFF',
      });
      // A moderator re-suspending does not take the admin's suspension back down to moderators.
      await gqlOk(SUSPEND, { handle: member.username }, moderator);
      expect(errorOf(await t.gql(UNSUSPEND, { handle: member.username }, moderator.token))).toMatchObject({
        reason: 'SUSPENDED_BY_ADMIN',
      });
      expect([await suspended(member.account.id), await suspended(otherModerator.account.id)]).toEqual([1, 1]);

      const lifted = await gqlOk<{ unsuspendAccount: { suspendedAt: string | null } }>(
        UNSUSPEND,
        { handle: member.username },
        admin,
      );
      expect(lifted.unsuspendAccount.suspendedAt).toBeNull();
      await gqlOk(UNSUSPEND, { handle: otherModerator.username }, admin);
      expect([await suspended(member.account.id), await suspended(otherModerator.account.id)]).toEqual([0, 0]);

      // A moderator's own suspension of a member is a moderator's to lift; staff stay out of reach.
      await gqlOk(SUSPEND, { handle: member.username }, moderator);
      await gqlOk(UNSUSPEND, { handle: member.username }, moderator);
      expect(await suspended(member.account.id)).toBe(0);
      expect(errorOf(await t.gql(UNSUSPEND, { handle: admin.username }, moderator.token))).toMatchObject({
        reason: 'CANNOT_SUSPEND_STAFF',
      });
    });

    it('hides the account, its posts, follows and notifications, refuses its token and its log-in', async () => {
      const unreadBefore = (await bobsNotifications()).unread;
      const res = await gqlOk<{ suspendAccount: { handle: string; suspendedAt: string | null } }>(
        SUSPEND,
        { handle: carol.username },
        moderator,
      );
      expect(res.suspendAccount.handle).toBe(carol.username);
      expect(res.suspendAccount.suspendedAt).not.toBeNull();

      expect(await localTimeline()).not.toContain(carolPost);
      expect(await localTimeline(bob)).not.toContain(carolPost);
      expect(await gqlOk(POST, { id: carolPost })).toEqual({ post: null });
      expect(await gqlOk(POST, { id: carolPost }, bob)).toEqual({ post: null });
      expect(await gqlOk(ACCOUNT, { handle: carol.username }, bob)).toEqual({ account: null });
      // Nor in follower lists or notifications (kept, hidden: they come back with the account).
      expect(await bobsFollowers()).not.toContain(carol.username);
      expect(await bobsNotifications()).toEqual({ fromCarol: [], unread: unreadBefore - 2 });
      const seen = await gqlOk<{ account: { handle: string; suspendedAt: string | null } }>(
        ACCOUNT,
        { handle: carol.username },
        moderator,
      );
      expect(seen.account.suspendedAt).toBe(res.suspendAccount.suspendedAt);

      expect(errorOf(await t.gql(VIEWER, {}, carol.token))).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'ACCOUNT_SUSPENDED',
      });
      const logIn = await t.gql(LOG_IN, { input: { usernameOrEmail: carol.username, password: carol.password } });
      expect(errorOf(logIn)).toMatchObject({ code: 'FORBIDDEN', reason: 'ACCOUNT_SUSPENDED' });
      expect(
        await count(
          'SELECT count(*) AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.account_id = $1 AND s.revoked_at IS NULL',
          [carol.account.id],
        ),
      ).toBe(0);
    });

    it('lifts the suspension: posts, account, follows and notifications are back, a new log-in works, the old session stays ended', async () => {
      const res = await gqlOk<{ unsuspendAccount: { suspendedAt: string | null } }>(
        UNSUSPEND,
        { handle: carol.username },
        moderator,
      );
      expect(res.unsuspendAccount.suspendedAt).toBeNull();
      expect(await localTimeline()).toContain(carolPost);
      expect(await gqlOk(POST, { id: carolPost }, bob)).toMatchObject({ post: { id: carolPost } });
      expect(await gqlOk(ACCOUNT, { handle: carol.username }, bob)).toMatchObject({
        account: { handle: carol.username, suspendedAt: null },
      });
      expect(await bobsFollowers()).toContain(carol.username);
      expect((await bobsNotifications()).fromCarol).toEqual(['FOLLOW', 'LIKE']);

      expect(errorOf(await t.gql(VIEWER, {}, carol.token))).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'SESSION_REVOKED',
      });
      const logIn = await gqlOk<{ logIn: { token: string } }>(LOG_IN, {
        input: { usernameOrEmail: carol.username, password: carol.password },
      });
      expect(await gqlOk(VIEWER, {}, { ...carol, token: logIn.logIn.token })).toEqual({
        viewer: { id: carol.account.id, handle: carol.username },
      });
    });
  });

  describe('reports', () => {
    let dave: SignedUp;
    let davePost: string;
    let reportId: string;

    beforeAll(async () => {
      dave = await signUp(t);
      davePost = await post(dave, 'something reportable');
    });

    it('lets a member report an account and some of its posts', async () => {
      const res = await gqlOk<{ report: ReportNode }>(
        REPORT,
        { input: { handle: dave.username, postIds: [davePost], comment: '  rude  ' } },
        bob,
      );
      expect(res.report).toMatchObject({
        comment: 'rude',
        sourceDomain: null,
        resolvedAt: null,
        targetAccount: { handle: dave.username },
        reporter: { handle: bob.username },
        posts: [{ id: davePost }],
      });
      reportId = res.report.id;
    });

    it('refuses posts of another account, yourself, and unknown accounts', async () => {
      const bobPost = await post(bob, 'not dave’s');
      expect(
        errorOf(await t.gql(REPORT, { input: { handle: dave.username, postIds: [bobPost], comment: '' } }, bob.token)),
      ).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_REPORTED_POSTS' });
      expect(errorOf(await t.gql(REPORT, { input: { handle: bob.username, comment: '' } }, bob.token))).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'CANNOT_REPORT_SELF',
      });
      expect(
        errorOf(await t.gql(REPORT, { input: { handle: 'nobody_at_all', comment: '' } }, bob.token)),
      ).toMatchObject({ code: 'NOT_FOUND' });
    });

    it('does not let a member list or resolve reports', async () => {
      expect(errorOf(await t.gql(REPORTS, {}, bob.token))).toMatchObject({ code: 'FORBIDDEN' });
      expect(errorOf(await t.gql(RESOLVE, { id: reportId, action: 'DISMISS' }, bob.token))).toMatchObject({
        code: 'FORBIDDEN',
      });
    });

    it('lets a moderator list open reports and dismiss one, once', async () => {
      const open = await gqlOk<{ reports: { edges: { node: ReportNode }[] } }>(
        REPORTS,
        { resolved: false, first: 40 },
        moderator,
      );
      expect(open.reports.edges.map((edge) => edge.node).find((node) => node.id === reportId)).toEqual({
        id: reportId,
        comment: 'rude',
        sourceDomain: null,
        resolvedAt: null,
        targetAccount: { handle: dave.username },
        reporter: { handle: bob.username },
        resolvedBy: null,
        posts: [{ id: davePost }],
      });

      const resolved = await gqlOk<{ resolveReport: ReportNode }>(
        RESOLVE,
        { id: reportId, action: 'DISMISS' },
        moderator,
      );
      expect(resolved.resolveReport.resolvedAt).not.toBeNull();
      expect(resolved.resolveReport.resolvedBy).toEqual({ handle: moderator.username });
      expect(errorOf(await t.gql(RESOLVE, { id: reportId, action: 'DISMISS' }, moderator.token))).toMatchObject({
        code: 'CONFLICT',
        reason: 'REPORT_ALREADY_RESOLVED',
      });
      expect(errorOf(await t.gql(RESOLVE, { id: uuidv7(), action: 'DISMISS' }, moderator.token))).toMatchObject({
        code: 'NOT_FOUND',
      });

      const openIds = (
        await gqlOk<{ reports: { edges: { node: ReportNode }[] } }>(REPORTS, { resolved: false, first: 40 }, moderator)
      ).reports.edges.map((edge) => edge.node.id);
      expect(openIds).not.toContain(reportId);
      const resolvedIds = (
        await gqlOk<{ reports: { edges: { node: ReportNode }[] } }>(REPORTS, { resolved: true, first: 40 }, moderator)
      ).reports.edges.map((edge) => edge.node.id);
      expect(resolvedIds).toContain(reportId);
    });

    it('suspends the account when the moderator resolves with SUSPEND_ACCOUNT', async () => {
      const res = await gqlOk<{ report: ReportNode }>(
        REPORT,
        { input: { handle: dave.username, comment: 'again' } },
        bob,
      );
      await gqlOk(RESOLVE, { id: res.report.id, action: 'SUSPEND_ACCOUNT' }, moderator);
      expect(await gqlOk(ACCOUNT, { handle: dave.username }, bob)).toEqual({ account: null });
      expect(await gqlOk(POST, { id: davePost }, bob)).toEqual({ post: null });
    });

    it('files a remote Flag once per uri, about local accounts only', async () => {
      const reports = t.app.get(ReportService);
      const source = `flagger-${run}.example`;
      const reporterId = await remoteAccount('flagger', source);
      const uri = `https://${source}/flags/${uuidv7()}`;
      const flag = {
        uri,
        reporterId,
        sourceDomain: source,
        targetAccountId: alice.account.id,
        postIds: [uuidv7()],
        comment: 'from afar',
      };
      const first = await reports.fileRemote(flag);
      const second = await reports.fileRemote(flag);
      expect(first).toMatchObject({ uri, sourceDomain: source, targetAccountId: alice.account.id, postIds: [] });
      expect(second?.id).toBe(first?.id);
      expect(await count('SELECT count(*) AS n FROM reports WHERE uri = $1', [uri])).toBe(1);
      expect(await reports.fileRemote({ ...flag, uri: `${uri}-2`, targetAccountId: reporterId })).toBeNull();

      const listed = await gqlOk<{ reports: { edges: { node: ReportNode }[] } }>(
        REPORTS,
        { resolved: false, first: 40 },
        moderator,
      );
      expect(listed.reports.edges.find((edge) => edge.node.id === first?.id)?.node).toMatchObject({
        sourceDomain: source,
        comment: 'from afar',
        reporter: { handle: `flagger@${source}` },
        targetAccount: { handle: alice.username },
      });
    });

    it('limits a member to 10 reports an hour', async () => {
      const erin = await signUp(t);
      for (let i = 0; i < 10; i++) await gqlOk(REPORT, { input: { handle: alice.username, comment: `#${i}` } }, erin);
      expect(
        errorOf(await t.gql(REPORT, { input: { handle: alice.username, comment: 'one more' } }, erin.token)),
      ).toMatchObject({
        code: 'RATE_LIMITED',
      });
    });
  });

  describe('post deletion by staff', () => {
    const DELETE_POST = 'mutation($id: ID!) { deletePost(id: $id) }';
    const live = (id: string) =>
      count('SELECT count(*) AS n FROM posts WHERE id = $1 AND deleted_at IS NULL AND content <> $2', [id, '']);

    it("lets a moderator delete a member's post but not an admin's or another moderator's; an admin deletes any", async () => {
      const [admin, otherModerator, member] = await Promise.all([signUp(t), signUp(t), signUp(t)]);
      await db.query(`UPDATE users SET role = 'admin' WHERE account_id = $1`, [admin.account.id]);
      await db.query(`UPDATE users SET role = 'moderator' WHERE account_id = $1`, [otherModerator.account.id]);
      const [adminPost, moderatorPost, memberPost] = await Promise.all([
        post(admin, 'an admin writes'),
        post(otherModerator, 'a moderator writes'),
        post(member, 'a member writes'),
      ]);

      for (const id of [adminPost, moderatorPost]) {
        expect(errorOf(await t.gql(DELETE_POST, { id }, moderator.token))).toMatchObject({
          code: 'FORBIDDEN',
          reason: 'NOT_AUTHOR',
        });
      }
      expect([await live(adminPost), await live(moderatorPost)]).toEqual([1, 1]);
      expect(await gqlOk(POST, { id: adminPost }, bob)).toEqual({
        post: { id: adminPost, likesCount: 0, boostsCount: 0, repliesCount: 0 },
      });

      expect(await gqlOk(DELETE_POST, { id: memberPost }, moderator)).toEqual({ deletePost: true });
      expect(await live(memberPost)).toBe(0);
      // Members still delete nobody's posts but their own; admins anyone's.
      expect(errorOf(await t.gql(DELETE_POST, { id: moderatorPost }, bob.token))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await gqlOk(DELETE_POST, { id: moderatorPost }, admin)).toEqual({ deletePost: true });
      expect(await live(moderatorPost)).toBe(0);
    });
  });
});
