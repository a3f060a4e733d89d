import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { insertFollow } from './utils/graph';
import { createTestApp, type TestApp } from './utils/test-app';
import {
  LOCAL_READERS,
  type LocalMatrix,
  seenVisibilities,
  setUpLocalMatrix,
  VISIBILITY_MATRIX,
} from './utils/visibility-matrix';

const CREATE = `mutation($input: CreatePostInput!) { createPost(input: $input) {
  id uri url title content summary contentWarning sensitive language visibility isArticle
  likesCount boostsCount repliesCount tags source author { handle } mentions { handle } inReplyTo { id } } }`;
const GET = `query($id: ID!) { post(id: $id) { id content repliesCount editedAt source edits { content } } }`;

interface Post {
  id: string;
  [key: string]: unknown;
}

describe('posts and articles', () => {
  let t: TestApp;
  let db: DataSource;
  let alice: SignedUp;
  let bob: SignedUp;

  const create = async (who: SignedUp, input: Record<string, unknown>) => {
    const res = await t.gql<{ createPost: Post }>(CREATE, { input }, who.token);
    if (!res.data?.createPost) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost;
  };
  const get = async (id: string, who?: SignedUp) =>
    (await t.gql<{ post: Post | null }>(GET, { id }, who?.token)).data?.post ?? null;
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await db.query<{ n: string }[]>(sql, params))[0].n);

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    alice = await signUp(t);
    bob = await signUp(t);
  });
  afterAll(() => t.close());

  it('publishes a note: Markdown rendered and sanitized, mentions and hashtags linked', async () => {
    const post = await create(alice, {
      content: `Hello **world** @${bob.username} #Guild_Hall <script>alert(1)</script>`,
      language: 'en',
    });
    expect(post).toMatchObject({
      uri: `http://guildhall.test/posts/${post.id}`,
      url: `http://guildhall.test/posts/${post.id}`,
      title: null,
      visibility: 'PUBLIC',
      isArticle: false,
      sensitive: false,
      language: 'en',
      likesCount: 0,
      boostsCount: 0,
      repliesCount: 0,
      tags: ['guild_hall'],
      author: { handle: alice.username },
      mentions: [{ handle: bob.username }],
      source: `Hello **world** @${bob.username} #Guild_Hall <script>alert(1)</script>`,
    });
    expect(post.content).toBe(
      `<p>Hello <strong>world</strong> <span class="h-card" translate="no"><a href="http://guildhall.test/@${bob.username}" class="u-url mention">@<span>${bob.username}</span></a></span> ` +
        `<a href="http://guildhall.test/tags/guild_hall" class="mention hashtag" rel="tag">#<span>Guild_Hall</span></a> </p>`, // the script tag is gone, its surrounding space stays
    );
    expect(await count('SELECT posts_count AS n FROM accounts WHERE id = $1', [alice.account.id])).toBe(1);
  });

  it('publishes an article with a title and a generated excerpt; hides the source from others', async () => {
    const article = await create(alice, {
      title: 'On owning the platform',
      content: `# Why\n\n${'Members own it. '.repeat(30)}`,
      contentWarning: 'long read',
    });
    expect(article).toMatchObject({
      isArticle: true,
      title: 'On owning the platform',
      sensitive: true,
      contentWarning: 'long read',
    });
    expect(article.summary).toMatch(/^Why Members own it\. .*…$/);
    expect((article.summary as string).length).toBe(280);
    const seenByBob = await t.gql<{ post: { source: string | null } }>(
      'query($id: ID!) { post(id: $id) { source } }',
      { id: article.id },
      bob.token,
    );
    expect(seenByBob.data?.post.source).toBeNull();
  });

  it('refuses bad input with BAD_USER_INPUT and stores nothing', async () => {
    const before = await count('SELECT count(*) AS n FROM posts');
    const cases: [Record<string, unknown>, string][] = [
      [{ content: '   ' }, 'content must not be empty'],
      [{ content: 'x'.repeat(5001) }, 'content must be at most 5000 characters for a note'],
      [{ content: 'hi', language: 'english' }, 'language must be an ISO 639-1 code'],
      [{ content: 'hi', inReplyToId: 'not-an-id' }, 'inReplyToId must be a post id'],
      [{ content: 'hi', title: 'x'.repeat(201) }, 'title must be'],
    ];
    for (const [input, message] of cases) {
      const res = await t.gql(CREATE, { input }, alice.token);
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message).toContain(message);
    }
    const badEnum = await t.gql(CREATE, { input: { content: 'hi', visibility: 'SECRET' } }, alice.token);
    expect(badEnum.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await t.gql(CREATE, { input: { content: 'hi' } })).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await count('SELECT count(*) AS n FROM posts')).toBe(before);
  });

  it('threads replies, counts them, and refuses replies to posts you cannot see', async () => {
    const parent = await create(alice, { content: 'parent' });
    const reply = await create(bob, { content: 'a reply', inReplyToId: parent.id });
    expect(reply.inReplyTo).toEqual({ id: parent.id });
    const second = await create(alice, { content: 'second reply', inReplyToId: parent.id });
    const page = await t.gql<{
      post: {
        repliesCount: number;
        replies: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      };
    }>(
      'query($id: ID!, $after: String) { post(id: $id) { repliesCount replies(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }',
      { id: parent.id },
    );
    expect(page.data?.post.repliesCount).toBe(2);
    expect(page.data?.post.replies.edges.map((e) => e.node.id)).toEqual([reply.id]);
    expect(page.data?.post.replies.pageInfo.hasNextPage).toBe(true);
    const next = await t.gql<{
      post: { replies: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean } } };
    }>(
      'query($id: ID!, $after: String) { post(id: $id) { replies(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage } } } }',
      { id: parent.id, after: page.data?.post.replies.pageInfo.endCursor },
    );
    expect(next.data?.post.replies.edges.map((e) => e.node.id)).toEqual([second.id]);
    expect(next.data?.post.replies.pageInfo.hasNextPage).toBe(false);
    const badCursor = await t.gql(
      'query($id: ID!) { post(id: $id) { replies(after: "garbage") { edges { cursor } } } }',
      { id: parent.id },
    );
    expect(badCursor.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');

    const hidden = await create(alice, { content: 'followers only', visibility: 'FOLLOWERS' });
    const before = await count('SELECT count(*) AS n FROM posts');
    for (const target of [hidden.id, '01890000-0000-7000-8000-000000000000']) {
      const res = await t.gql(CREATE, { input: { content: 'sneaky', inReplyToId: target } }, bob.token);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'POST_NOT_FOUND' });
    }
    expect(await count('SELECT count(*) AS n FROM posts')).toBe(before);
    expect(await count('SELECT replies_count AS n FROM posts WHERE id = $1', [hidden.id])).toBe(0);
  });

  it('edits keep a history; only the author may edit', async () => {
    const post = await create(alice, { content: 'first version #old' });
    const edited = await t.gql<{
      updatePost: { content: string; editedAt: string; tags: string[]; edits: { content: string }[] };
    }>(
      'mutation($id: ID!, $input: UpdatePostInput!) { updatePost(id: $id, input: $input) { content editedAt tags edits { content } } }',
      { id: post.id, input: { content: 'second version #new' } },
      alice.token,
    );
    expect(edited.data?.updatePost).toMatchObject({
      tags: ['new'],
      edits: [{ content: expect.stringContaining('first version') as string }],
    });
    expect(edited.data?.updatePost.content).toContain('second version');
    expect(edited.data?.updatePost.editedAt).not.toBeNull();
    const byBob = await t.gql(
      'mutation($id: ID!, $input: UpdatePostInput!) { updatePost(id: $id, input: $input) { id } }',
      { id: post.id, input: { content: 'hijacked' } },
      bob.token,
    );
    expect(byBob.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_AUTHOR' });
    expect((await get(post.id, alice))?.content).toContain('second version');
  });

  it('deletes to a tombstone: gone from every read, counts restored, only by the author', async () => {
    const parent = await create(bob, { content: 'parent' });
    const reply = await create(alice, { content: 'to be deleted', inReplyToId: parent.id });
    const postsBefore = await count('SELECT posts_count AS n FROM accounts WHERE id = $1', [alice.account.id]);
    const byBob = await t.gql('mutation($id: ID!) { deletePost(id: $id) }', { id: reply.id }, bob.token);
    expect(byBob.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const deleted = await t.gql('mutation($id: ID!) { deletePost(id: $id) }', { id: reply.id }, alice.token);
    expect(deleted.data).toEqual({ deletePost: true });
    expect(await get(reply.id, alice)).toBeNull();
    expect(await get(reply.id)).toBeNull();
    expect((await get(parent.id))?.repliesCount).toBe(0);
    expect(await count('SELECT posts_count AS n FROM accounts WHERE id = $1', [alice.account.id])).toBe(
      postsBefore - 1,
    );
    const [row] = await db.query<{ content: string; source: string | null; deleted_at: Date | null }[]>(
      'SELECT content, source, deleted_at FROM posts WHERE id = $1',
      [reply.id],
    );
    expect(row).toMatchObject({ content: '', source: null });
    expect(row.deleted_at).not.toBeNull();
    const again = await t.gql('mutation($id: ID!) { deletePost(id: $id) }', { id: reply.id }, alice.token);
    expect(again.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  describe('visibility matrix', () => {
    let author: SignedUp;
    let follower: SignedUp;
    let stranger: SignedUp;
    let matrix: LocalMatrix;

    beforeAll(async () => {
      matrix = await setUpLocalMatrix(t);
      [author, follower, stranger] = await Promise.all([signUp(t), signUp(t), signUp(t)]);
      await insertFollow(t, follower.account.id, author.account.id);
    });

    it.each(LOCAL_READERS)('%s sees exactly what the visibility table says', async (reader) => {
      const ids = matrix.postIds(reader);
      const seen = await seenVisibilities(async (visibility) => {
        const res = await t.gql<{ post: Post | null }>(GET, { id: ids[visibility] }, matrix.token(reader));
        if (reader === 'suspendedReader') {
          expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ACCOUNT_SUSPENDED' });
        }
        if (!res.data?.post) return false;
        expect(res.data.post.id).toBe(ids[visibility]);
        return true;
      });
      expect(seen).toEqual(VISIBILITY_MATRIX[reader]);
    });

    it('hides replies the reader may not see from the replies connection', async () => {
      const root = await create(stranger, { content: 'root' });
      await create(author, { content: 'public reply', inReplyToId: root.id });
      await create(author, { content: 'followers reply', inReplyToId: root.id, visibility: 'FOLLOWERS' });
      const q = 'query($id: ID!) { post(id: $id) { repliesCount replies { edges { node { content } } } } }';
      const asStranger = await t.gql<{ post: { replies: { edges: unknown[] } } }>(q, { id: root.id }, stranger.token);
      const asFollower = await t.gql<{ post: { replies: { edges: unknown[] } } }>(q, { id: root.id }, follower.token);
      expect(asStranger.data?.post.replies.edges).toHaveLength(1);
      expect(asFollower.data?.post.replies.edges).toHaveLength(2);
      // The count tells nobody about replies they may not see.
      expect((asStranger.data?.post as unknown as { repliesCount: number }).repliesCount).toBe(1);
    });
  });
});
