import { DataSource } from 'typeorm';
import { DomainEvent, RateLimiterService, type PostEngagementEvent } from '@guildhall/core';
import { writtenEvents } from './utils/events';
import { signUp, type SignedUp } from './utils/factories';
import { insertBlock, insertFollow } from './utils/graph';
import { createTestApp, type TestApp } from './utils/test-app';

const FIELDS = 'id likesCount boostsCount viewerHasLiked viewerHasBoosted viewerHasBookmarked';
const GET = `query($id: ID!) { post(id: $id) { ${FIELDS} } }`;
const BOOKMARKS = `query($first: Int, $after: String) { bookmarks(first: $first, after: $after) {
  edges { cursor node { id viewerHasBookmarked viewerHasLiked } } pageInfo { hasNextPage endCursor } } }`;

type Action = 'likePost' | 'unlikePost' | 'boostPost' | 'unboostPost' | 'bookmarkPost' | 'unbookmarkPost';
interface Post {
  id: string;
  likesCount: number;
  boostsCount: number;
  viewerHasLiked: boolean;
  viewerHasBoosted: boolean;
  viewerHasBookmarked: boolean;
}

const ENGAGEMENT_EVENTS = [
  DomainEvent.PostLiked,
  DomainEvent.PostUnliked,
  DomainEvent.PostBoosted,
  DomainEvent.PostUnboosted,
];
describe('likes, boosts and bookmarks', () => {
  let t: TestApp;
  let db: DataSource;
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;

  const create = async (who: SignedUp, input: Record<string, unknown> = {}) => {
    const res = await t.gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { content: 'a post', ...input } },
      who.token,
    );
    if (!res.data?.createPost) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost.id;
  };
  const act = async (action: Action, id: string, who?: SignedUp) => {
    const res = await t.gql<Record<Action, Post>>(
      `mutation($id: ID!) { ${action}(id: $id) { ${FIELDS} } }`,
      { id },
      who?.token,
    );
    return { post: res.data?.[action], code: res.errors?.[0]?.extensions.code };
  };
  const get = async (id: string, who?: SignedUp) => (await t.gql<{ post: Post }>(GET, { id }, who?.token)).data?.post;
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.query<{ n: string }[]>(sql, params))[0].n);
  const likes = (postId: string) => count('SELECT count(*) AS n FROM likes WHERE post_id = $1', [postId]);
  const liveBoosts = (postId: string) =>
    count('SELECT count(*) AS n FROM posts WHERE boost_of_id = $1 AND deleted_at IS NULL', [postId]);
  /** The engagement events written to the outbox about the post (all of them, or those named). */
  const eventsFor = async (postId: string, name?: string) =>
    (await writtenEvents(t.app, ENGAGEMENT_EVENTS))
      .map((e) => e as unknown as { name: string; payload: PostEngagementEvent })
      .filter((e) => e.payload.postId === postId && (!name || e.name === name));

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    [alice, bob, carol] = await Promise.all([signUp(t), signUp(t), signUp(t)]);
  });
  afterAll(() => t.close());

  it('likes and unlikes: counts, viewer state, idempotency and one event per real change', async () => {
    const id = await create(alice);
    const liked = await act('likePost', id, bob);
    expect(liked.post).toEqual({
      id,
      likesCount: 1,
      boostsCount: 0,
      viewerHasLiked: true,
      viewerHasBoosted: false,
      viewerHasBookmarked: false,
    });
    expect((await act('likePost', id, bob)).post).toMatchObject({ likesCount: 1, viewerHasLiked: true });
    expect(await get(id, alice)).toMatchObject({ likesCount: 1, viewerHasLiked: false });
    expect(await get(id)).toMatchObject({ likesCount: 1, viewerHasLiked: false, viewerHasBoosted: false });
    expect(await get(id, bob)).toMatchObject({ likesCount: 1, viewerHasLiked: true });
    const [row] = await db.query<{ id: string }[]>('SELECT id FROM likes WHERE post_id = $1 AND account_id = $2', [
      id,
      bob.account.id,
    ]);
    expect(await eventsFor(id)).toEqual([
      {
        name: DomainEvent.PostLiked,
        payload: {
          engagementId: row.id,
          postId: id,
          postAuthorId: alice.account.id,
          accountId: bob.account.id,
          accountLocal: true,
          postLocal: true,
        },
      },
    ]);

    expect((await act('unlikePost', id, bob)).post).toMatchObject({ likesCount: 0, viewerHasLiked: false });
    expect((await act('unlikePost', id, bob)).post).toMatchObject({ likesCount: 0, viewerHasLiked: false });
    expect((await act('unlikePost', id, carol)).post).toMatchObject({ likesCount: 0 });
    expect(await likes(id)).toBe(0);
    expect((await eventsFor(id)).map((e) => e.name)).toEqual([DomainEvent.PostLiked, DomainEvent.PostUnliked]);
    expect((await eventsFor(id, DomainEvent.PostUnliked))[0].payload.engagementId).toBe(row.id);
  });

  it('counts exactly under concurrency', async () => {
    const id = await create(alice);
    const likers = await Promise.all(Array.from({ length: 25 }, () => signUp(t)));
    const results = await Promise.all(likers.map((who) => act('likePost', id, who)));
    expect(results.every((r) => r.post?.viewerHasLiked === true)).toBe(true);
    expect((await get(id))?.likesCount).toBe(25);
    expect(await likes(id)).toBe(25);
    expect(await eventsFor(id, DomainEvent.PostLiked)).toHaveLength(25);

    const same = await create(alice);
    await Promise.all(Array.from({ length: 10 }, () => act('likePost', same, bob)));
    expect((await get(same))?.likesCount).toBe(1);
    expect(await likes(same)).toBe(1);
    expect(await eventsFor(same)).toHaveLength(1);

    // Like and unlike racing, several rounds: the counter always equals the rows.
    const raced = await create(alice);
    for (let round = 0; round < 3; round += 1) {
      await Promise.all(
        likers.slice(0, 10).flatMap((who) => [act('likePost', raced, who), act('unlikePost', raced, who)]),
      );
      const rows = await likes(raced);
      expect((await get(raced))?.likesCount).toBe(rows);
      const liked =
        (await eventsFor(raced, DomainEvent.PostLiked)).length -
        (await eventsFor(raced, DomainEvent.PostUnliked)).length;
      expect(liked).toBe(rows);
    }

    const boosted = await create(alice);
    await Promise.all([
      ...likers.slice(0, 5).map((who) => act('boostPost', boosted, who)),
      ...Array.from({ length: 5 }, () => act('boostPost', boosted, bob)),
    ]);
    expect((await get(boosted))?.boostsCount).toBe(6);
    expect(await liveBoosts(boosted)).toBe(6);
    expect(await eventsFor(boosted, DomainEvent.PostBoosted)).toHaveLength(6);
  });

  it('boosts and unboosts: the boost row, the original returned, acting through a boost', async () => {
    const id = await create(alice, { visibility: 'UNLISTED' });
    const boosted = await act('boostPost', id, bob);
    expect(boosted.post).toMatchObject({ id, boostsCount: 1, viewerHasBoosted: true });
    const rows = await db.query<Record<string, unknown>[]>(
      'SELECT id, account_id, local, visibility, content, deleted_at FROM posts WHERE boost_of_id = $1',
      [id],
    );
    expect(rows).toEqual([
      {
        id: expect.any(String),
        account_id: bob.account.id,
        local: true,
        visibility: 'unlisted',
        content: '',
        deleted_at: null,
      },
    ]);
    const boostId = rows[0].id as string;
    expect(await eventsFor(id)).toEqual([
      {
        name: DomainEvent.PostBoosted,
        payload: {
          engagementId: boostId,
          postId: id,
          postAuthorId: alice.account.id,
          accountId: bob.account.id,
          accountLocal: true,
          postLocal: true,
        },
      },
    ]);

    // Through the boost row: the same original, still one boost; a like lands on the original.
    expect((await act('boostPost', boostId, bob)).post).toMatchObject({ id, boostsCount: 1 });
    expect((await act('likePost', boostId, carol)).post).toMatchObject({ id, likesCount: 1, viewerHasLiked: true });
    expect(await get(boostId, carol)).toMatchObject({ id: boostId, viewerHasLiked: true, viewerHasBoosted: false });
    expect(await get(boostId, bob)).toMatchObject({ viewerHasBoosted: true });

    expect((await act('unboostPost', id, bob)).post).toMatchObject({ id, boostsCount: 0, viewerHasBoosted: false });
    expect((await act('unboostPost', id, bob)).post).toMatchObject({ boostsCount: 0 });
    const [tomb] = await db.query<{ deleted_at: Date | null }[]>('SELECT deleted_at FROM posts WHERE id = $1', [
      boostId,
    ]);
    expect(tomb.deleted_at).toBeInstanceOf(Date);
    expect(await get(boostId, bob)).toBeNull();

    const again = await act('boostPost', id, bob);
    expect(again.post).toMatchObject({ boostsCount: 1, viewerHasBoosted: true });
    expect(await count('SELECT count(*) AS n FROM posts WHERE boost_of_id = $1', [id])).toBe(2);
    expect((await eventsFor(id)).map((e) => e.name)).toEqual([
      DomainEvent.PostBoosted,
      DomainEvent.PostLiked,
      DomainEvent.PostUnboosted,
      DomainEvent.PostBoosted,
    ]);
    expect((await eventsFor(id, DomainEvent.PostUnboosted))[0].payload.engagementId).toBe(boostId);
  });

  it('refuses to boost FOLLOWERS and DIRECT posts, even their author, and stores nothing', async () => {
    await insertFollow(t, bob.account.id, alice.account.id);
    for (const visibility of ['FOLLOWERS', 'DIRECT']) {
      const id = await create(alice, { visibility, content: `for @${bob.username}` });
      for (const who of [bob, alice]) expect((await act('boostPost', id, who)).code).toBe('FORBIDDEN');
      expect(await count('SELECT count(*) AS n FROM posts WHERE boost_of_id = $1', [id])).toBe(0);
      expect(await get(id, alice)).toMatchObject({ boostsCount: 0 });
      expect(await eventsFor(id)).toEqual([]);
      // Liking is fine for those who see it.
      expect((await act('likePost', id, bob)).post).toMatchObject({ likesCount: 1 });
    }
  });

  it('answers NOT_FOUND for posts the viewer cannot see, and stores nothing', async () => {
    const hidden = await create(alice, { visibility: 'FOLLOWERS' });
    const deleted = await create(alice);
    await t.gql('mutation($id: ID!) { deletePost(id: $id) }', { id: deleted }, alice.token);
    const blocker = await signUp(t);
    const blocked = await create(blocker);
    await insertBlock(t, blocker.account.id, carol.account.id);
    const actions: Action[] = ['likePost', 'unlikePost', 'boostPost', 'unboostPost', 'bookmarkPost', 'unbookmarkPost'];
    for (const id of [hidden, deleted, blocked, '0190a000-0000-7000-8000-000000000000', 'not-an-id']) {
      for (const action of actions)
        expect([id, action, (await act(action, id, carol)).code]).toEqual([id, action, 'NOT_FOUND']);
    }
    for (const id of [hidden, deleted, blocked]) {
      expect(await likes(id)).toBe(0);
      expect(await count('SELECT count(*) AS n FROM bookmarks WHERE post_id = $1', [id])).toBe(0);
      expect(await count('SELECT count(*) AS n FROM posts WHERE boost_of_id = $1', [id])).toBe(0);
      expect(await count('SELECT likes_count + boosts_count AS n FROM posts WHERE id = $1', [id])).toBe(0);
      expect(await eventsFor(id)).toEqual([]);
    }
  });

  it('requires a token for every write and for bookmarks', async () => {
    const id = await create(alice);
    for (const action of [
      'likePost',
      'unlikePost',
      'boostPost',
      'unboostPost',
      'bookmarkPost',
      'unbookmarkPost',
    ] as const) {
      expect((await act(action, id)).code).toBe('UNAUTHENTICATED');
    }
    expect((await t.gql(BOOKMARKS, {})).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await get(id, alice)).toMatchObject({ likesCount: 0, boostsCount: 0 });
  });

  it('lists bookmarks newest first, pages them, hides what became invisible', async () => {
    const reader = await signUp(t);
    const ids = [await create(alice), await create(bob), await create(carol), await create(alice)];
    for (const id of ids)
      expect((await act('bookmarkPost', id, reader)).post).toMatchObject({ id, viewerHasBookmarked: true });
    expect((await act('bookmarkPost', ids[0], reader)).post).toMatchObject({ viewerHasBookmarked: true });
    expect(await count('SELECT count(*) AS n FROM bookmarks WHERE account_id = $1', [reader.account.id])).toBe(4);
    await act('unbookmarkPost', ids[1], reader);
    expect((await act('unbookmarkPost', ids[1], reader)).post).toMatchObject({ viewerHasBookmarked: false });
    await t.gql('mutation($id: ID!) { deletePost(id: $id) }', { id: ids[3] }, alice.token);
    await act('likePost', ids[2], reader);

    type Page = {
      bookmarks: {
        edges: { cursor: string; node: { id: string; viewerHasBookmarked: boolean; viewerHasLiked: boolean } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const first = (await t.gql<Page>(BOOKMARKS, { first: 1 }, reader.token)).data!.bookmarks;
    expect(first.edges.map((e) => e.node)).toEqual([{ id: ids[2], viewerHasBookmarked: true, viewerHasLiked: true }]);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[0].cursor });
    const second = (await t.gql<Page>(BOOKMARKS, { first: 1, after: first.pageInfo.endCursor }, reader.token)).data!
      .bookmarks;
    expect(second.edges.map((e) => e.node.id)).toEqual([ids[0]]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const third = (await t.gql<Page>(BOOKMARKS, { after: second.pageInfo.endCursor }, reader.token)).data!.bookmarks;
    expect(third).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });

    expect((await t.gql<Page>(BOOKMARKS, {}, bob.token)).data!.bookmarks.edges).toEqual([]);
    const invalid = await t.gql(BOOKMARKS, { after: 'bm90LWEtY3Vyc29y' }, reader.token);
    expect(invalid.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await t.gql(BOOKMARKS, { first: 41 }, reader.token)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('resolves viewer state for a page of posts with one query per field', async () => {
    const reader = await signUp(t);
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) ids.push(await create(alice));
    for (const id of ids) await act('bookmarkPost', id, reader);
    for (const id of ids.slice(0, 5)) await act('likePost', id, reader);
    const query = jest.spyOn(db, 'query');
    try {
      const page = await t.gql<{ bookmarks: { edges: { node: { id: string; viewerHasLiked: boolean } }[] } }>(
        'query { bookmarks(first: 20) { edges { node { id viewerHasLiked viewerHasBoosted viewerHasBookmarked } } } }',
        {},
        reader.token,
      );
      expect(
        page
          .data!.bookmarks.edges.filter((e) => e.node.viewerHasLiked)
          .map((e) => e.node.id)
          .sort(),
      ).toEqual(ids.slice(0, 5).sort());
      const sql = query.mock.calls.map(([text]) => text);
      expect(sql.filter((text) => text.includes('FROM likes')).length).toBe(1);
      expect(sql.filter((text) => text.includes('boost_of_id = ANY')).length).toBe(1);
      expect(sql.filter((text) => text.includes('FROM bookmarks WHERE account_id')).length).toBe(1);
    } finally {
      query.mockRestore();
    }
  });

  it('rate-limits engagement per account', async () => {
    const spammer = await signUp(t);
    const id = await create(alice);
    const limiter = t.app.get(RateLimiterService);
    for (let i = 0; i < 10; i += 1) {
      await Promise.all(
        Array.from({ length: 100 }, () =>
          limiter.hit(`engage:${spammer.account.id}`, { max: 1000, windowSeconds: 3600 }),
        ),
      );
    }
    expect((await act('likePost', id, spammer)).code).toBe('RATE_LIMITED');
    expect(await likes(id)).toBe(0);
    expect((await act('likePost', id, bob)).post).toMatchObject({ likesCount: 1 });
  });
});
