import { DataSource } from 'typeorm';
import { png } from './fixtures/images';
import { signUp, type SignedUp } from './utils/factories';
import { createTestApp, type TestApp } from './utils/test-app';

/** The features together, as a member uses them: follow, post with media, engage, get notified. */
describe('a day on Guildhall', () => {
  let t: TestApp;
  let alice: SignedUp;
  let bob: SignedUp;

  beforeAll(async () => {
    t = await createTestApp();
    [alice, bob] = await Promise.all([signUp(t), signUp(t)]);
  });
  afterAll(() => t.close());

  const upload = async (who: SignedUp) => {
    const res = await t
      .http()
      .post('/api/v1/media')
      .set('authorization', `Bearer ${who.token}`)
      .field('description', 'a tiny square')
      .attach('file', png(3, 3), { filename: 'x.png', contentType: 'image/png' });
    expect(res.status).toBe(200);
    return (res.body as { id: string }).id;
  };

  it('follows, then sees the followed member’s post with its media in HOME', async () => {
    const follow = await t.gql<{ follow: { state: string } }>(
      'mutation($h: String!) { follow(handle: $h) { state } }',
      { h: bob.username },
      alice.token,
    );
    expect(follow.data).toEqual({ follow: { state: 'ACCEPTED' } });
    const mediaId = await upload(bob);
    const created = await t.gql<{
      createPost: { id: string; media: { id: string; altText: string; width: number }[] };
    }>(
      'mutation($i: CreatePostInput!) { createPost(input: $i) { id media { id altText width } } }',
      { i: { content: `morning @${alice.username}`, mediaIds: [mediaId] } },
      bob.token,
    );
    expect(created.data?.createPost.media).toEqual([{ id: mediaId, altText: 'a tiny square', width: 3 }]);
    const home = await t.gql<{ timeline: { edges: { node: { id: string; media: { url: string }[] } }[] } }>(
      'query { timeline(kind: HOME) { edges { node { id media { url } } } } }',
      {},
      alice.token,
    );
    expect(home.data?.timeline.edges[0].node).toEqual({
      id: created.data?.createPost.id,
      media: [{ url: `http://guildhall.test/media/${mediaId}` }],
    });
  });

  it('refuses someone else’s media and more than four, storing no post', async () => {
    const db = t.app.get(DataSource);
    const count = async () => Number((await db.query<{ n: string }[]>('SELECT count(*) AS n FROM posts'))[0].n);
    const before = await count();
    const foreign = await upload(bob);
    const mine = await Promise.all([1, 2, 3, 4, 5].map(() => upload(alice)));
    const create = (mediaIds: string[]) =>
      t.gql(
        'mutation($i: CreatePostInput!) { createPost(input: $i) { id } }',
        { i: { content: 'hi', mediaIds } },
        alice.token,
      );
    expect((await create([foreign])).errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_OWNER' });
    expect((await create(mine)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await count()).toBe(before);
    // The refused attachments stayed free to use.
    expect((await create(mine.slice(0, 4))).errors).toBeUndefined();
  });

  it('notifies likes, boosts, mentions and replies with the post concerned', async () => {
    const post = await t.gql<{ createPost: { id: string } }>(
      'mutation { createPost(input: { content: "like me" }) { id } }',
      {},
      alice.token,
    );
    const id = post.data!.createPost.id;
    await t.gql('mutation($id: ID!) { likePost(id: $id) { likesCount } }', { id }, bob.token);
    await t.gql('mutation($id: ID!) { boostPost(id: $id) { boostsCount } }', { id }, bob.token);
    await t.gql(
      'mutation($i: CreatePostInput!) { createPost(input: $i) { id } }',
      { i: { content: 'nice', inReplyToId: id } },
      bob.token,
    );
    const res = await t.gql<{
      notifications: {
        edges: { node: { type: string; account: { handle: string }; post: { id: string; content: string } | null } }[];
      };
    }>(
      'query { notifications(first: 10) { edges { node { type account { handle } post { id content } } } } }',
      {},
      alice.token,
    );
    const nodes = res.data!.notifications.edges.map((e) => e.node);
    expect(nodes.slice(0, 3).map((n) => [n.type, n.account.handle, n.post?.id === id])).toEqual([
      ['REPLY', bob.username, false],
      ['BOOST', bob.username, true],
      ['LIKE', bob.username, true],
    ]);
    expect(nodes.map((n) => n.type)).toEqual(expect.arrayContaining(['MENTION']));
    // A deleted post disappears from its notifications too.
    await t.gql('mutation($id: ID!) { deletePost(id: $id) }', { id }, alice.token);
    const after = await t.gql<{ notifications: { edges: { node: { type: string; post: unknown } }[] } }>(
      'query { notifications(first: 3) { edges { node { type post { id } } } } }',
      {},
      alice.token,
    );
    expect(after.data!.notifications.edges.find((e) => e.node.type === 'LIKE')?.node.post).toBeNull();
  });

  it('answers REST routes without a token with a 401 body, not a 500', async () => {
    const res = await t.http().post('/api/v1/media').attach('file', png(2, 2), 'a.png');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', reason: 'UNAUTHENTICATED' });
  });
});
