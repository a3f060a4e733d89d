import { DataSource } from 'typeorm';
import { png } from './fixtures/images';
import { signUp, type SignedUp } from './utils/factories';
import { createTestApp, type TestApp } from './utils/test-app';
import {
  LOCAL_READERS,
  type LocalMatrix,
  seenVisibilities,
  setUpLocalMatrix,
  VISIBILITY_MATRIX,
} from './utils/visibility-matrix';

const ORIGIN = 'http://guildhall.test';
const CSP =
  "default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; base-uri 'none'; " +
  "form-action 'none'; frame-ancestors 'none'";

/** The HTML pages browsers get at actor and post URLs (Accept: text/html falls through Fedify to Nest). */
describe('HTML pages', () => {
  let t: TestApp;
  let alice: SignedUp;
  let ids: { note: string; followersOnly: string; article: string; deleted: string; reply: string; direct: string };
  let mediaId: string;

  const page = (path: string) => t.http().get(path).set('accept', 'text/html,application/xhtml+xml');

  const createPost = async (input: Record<string, unknown>, token = alice.token): Promise<string> => {
    const res = await t.gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input },
      token,
    );
    if (!res.data?.createPost) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost.id;
  };

  const expectPageHeaders = (res: { headers: Record<string, string>; text: string }) => {
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(CSP);
    expect(res.headers['content-security-policy']).not.toMatch(/script-src/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers.vary).toMatch(/Accept/);
    expect(res.text).not.toMatch(/<script/i);
  };

  beforeAll(async () => {
    t = await createTestApp();
    alice = await signUp(t, { displayName: '<b>Bold & "quoted"</b>' });
    const profile = await t.gql(
      'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }',
      {
        input: {
          bio: 'I write **things** <script>alert(1)</script>',
          fields: [{ name: 'Site <i>', value: 'https://example.org/alice' }],
        },
      },
      alice.token,
    );
    if (profile.errors) throw new Error(JSON.stringify(profile.errors));
    const upload = await t
      .http()
      .post('/api/v1/media')
      .set('authorization', `Bearer ${alice.token}`)
      .field('description', 'A red "square" & more')
      .attach('file', png(3, 2), { filename: 'photo.png', contentType: 'image/png' });
    expect(upload.status).toBe(200);
    mediaId = (upload.body as { id: string }).id;

    const note = await createPost({ content: 'Hello *public* world', visibility: 'PUBLIC', mediaIds: [mediaId] });
    ids = {
      note,
      followersOnly: await createPost({ content: 'Only for my followers', visibility: 'FOLLOWERS' }),
      direct: await createPost({ content: 'A direct secret', visibility: 'DIRECT' }),
      article: await createPost({
        title: 'On <Tags> & "Quotes"',
        content: 'The **article** body',
        contentWarning: 'Spoilers <here>',
        visibility: 'PUBLIC',
      }),
      deleted: await createPost({ content: 'Soon gone', visibility: 'PUBLIC' }),
      reply: await createPost({ content: 'Replying to myself', visibility: 'PUBLIC', inReplyToId: note }),
    };
    await t.gql('mutation($id: ID!) { deletePost(id: $id) }', { id: ids.deleted }, alice.token);
  });
  afterAll(() => t.close());

  describe('profile', () => {
    it.each(['/@', '/users/'])(
      'serves %s<username> with the escaped name, bio, fields and public posts',
      async (prefix) => {
        const res = await page(`${prefix}${alice.username}`);
        expect(res.status).toBe(200);
        expectPageHeaders(res);
        expect(res.text).toContain('<h1>&lt;b&gt;Bold &amp; &quot;quoted&quot;&lt;/b&gt;</h1>');
        expect(res.text).not.toContain('<b>Bold');
        expect(res.text).toContain(`@${alice.username}@guildhall.test`);
        expect(res.text).toContain(
          `<link rel="alternate" type="application/activity+json" href="${ORIGIN}/users/${alice.username}">`,
        );
        expect(res.text).toContain('<strong>things</strong>');
        expect(res.text).not.toContain('alert(1)</script>');
        expect(res.text).toContain('<dt>Site &lt;i&gt;</dt>');
        expect(res.text).toMatch(/<dd>.*href="https:\/\/example\.org\/alice".*<\/dd>/);
        expect(res.text).toContain('<em>public</em>');
        expect(res.text).toContain(`href="${ORIGIN}/posts/${ids.note}"`);
        expect(res.text).toContain(
          `href="${ORIGIN}/posts/${ids.article}">On &lt;Tags&gt; &amp; &quot;Quotes&quot;</a>`,
        );
        expect(res.text).toContain(`src="${ORIGIN}/media/${mediaId}" alt="A red &quot;square&quot; &amp; more"`);
        expect(res.text).not.toContain('Only for my followers');
        expect(res.text).not.toContain('A direct secret');
        expect(res.text).not.toContain('Soon gone');
        // Every post not deleted counts (as on the actor document), not only the visible ones.
        expect(res.text).toContain('<li><strong>5</strong> posts</li>');
      },
    );

    it('answers 404 pages for an unknown account', async () => {
      const res = await page('/@nobody_here_at_all');
      expect(res.status).toBe(404);
      expectPageHeaders(res);
      expect(res.text).toContain('<h1>Not found</h1>');
      expect((await page('/users/nobody_here_at_all')).status).toBe(404);
      expect((await page(`/users/${alice.username.toUpperCase()}`)).status).toBe(404);
      expect((await page(`/@${alice.username}@elsewhere.example`)).status).toBe(404);
    });

    it('leaves a declined ActivityPub request its JSON 404', async () => {
      const res = await t.http().get('/users/nobody_here_at_all').set('accept', 'application/activity+json');
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it('still answers ActivityPub clients with the actor document', async () => {
      const res = await t.http().get(`/users/${alice.username}`).set('accept', 'application/activity+json');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/activity\+json/);
    });
  });

  describe('post', () => {
    it('serves a note with its author, time and images with alt text', async () => {
      const res = await page(`/posts/${ids.note}`);
      expect(res.status).toBe(200);
      expectPageHeaders(res);
      expect(res.text).toContain('<em>public</em>');
      expect(res.text).toContain(
        `<a href="${ORIGIN}/@${alice.username}"><strong>&lt;b&gt;Bold &amp; &quot;quoted&quot;&lt;/b&gt;</strong></a>`,
      );
      expect(res.text).toContain(`src="${ORIGIN}/media/${mediaId}" alt="A red &quot;square&quot; &amp; more"`);
      expect(res.text).toMatch(/<time datetime="\d{4}-\d\d-\d\dT[^"]+Z">/);
      expect(res.text).toContain(
        `<link rel="alternate" type="application/activity+json" href="${ORIGIN}/posts/${ids.note}">`,
      );
      expect(res.text).not.toContain('<details>');
      expect(res.text).not.toContain('<h1>');
    });

    it('serves an article with its title as <h1> and the content warning as <details>', async () => {
      const res = await page(`/posts/${ids.article}`);
      expect(res.status).toBe(200);
      expectPageHeaders(res);
      expect(res.text).toContain('<h1>On &lt;Tags&gt; &amp; &quot;Quotes&quot;</h1>');
      expect(res.text).toMatch(
        /<details><summary>Spoilers &lt;here&gt;<\/summary><div class="content"><p>The <strong>article<\/strong> body<\/p><\/div><\/details>/,
      );
    });

    it('links a reply to the post it answers', async () => {
      const res = await page(`/posts/${ids.reply}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`In reply to <a href="${ORIGIN}/posts/${ids.note}">a post</a>`);
    });

    it('answers 410 for a deleted post', async () => {
      const res = await page(`/posts/${ids.deleted}`);
      expect(res.status).toBe(410);
      expectPageHeaders(res);
      expect(res.text).toContain('<h1>This post was deleted</h1>');
      expect(res.text).not.toContain('Soon gone');
    });

    it('answers 404 for followers-only and direct posts to an anonymous reader', async () => {
      for (const id of [ids.followersOnly, ids.direct]) {
        const res = await page(`/posts/${id}`);
        expect(res.status).toBe(404);
        expectPageHeaders(res);
        expect(res.text).toContain('<h1>Not found</h1>');
        expect(res.text).not.toMatch(/Only for my followers|A direct secret/);
      }
    });

    it('answers 404 for an unknown or malformed id', async () => {
      for (const id of ['0190a6f4-7d1e-7c3a-9b2e-1234567890ab', 'not-a-uuid', "1'%20OR%201=1"]) {
        const res = await page(`/posts/${id}`);
        expect(res.status).toBe(404);
        expectPageHeaders(res);
      }
    });
  });

  describe('the visibility table (reader by bearer token, as in GraphQL)', () => {
    let matrix: LocalMatrix;
    const asReader = (path: string, token: string | undefined) => {
      const req = page(path);
      if (token) void req.set('authorization', `Bearer ${token}`);
      return req;
    };

    beforeAll(async () => {
      matrix = await setUpLocalMatrix(t);
    });

    it.each(LOCAL_READERS)('serves %s the post pages the table lets them see', async (reader) => {
      const posts = matrix.postIds(reader);
      const seen = await seenVisibilities(async (visibility) => {
        const res = await asReader(`/posts/${posts[visibility]}`, matrix.token(reader));
        if (res.status === 200) {
          expect(res.text).toContain(`${visibility} matrix post`);
          return true;
        }
        // A suspended reader's token is refused (ACCOUNT_SUSPENDED); the others get the same 404 page.
        expect(res.status).toBe(reader === 'suspendedReader' ? 403 : 404);
        expect(res.text).not.toContain('matrix post');
        return false;
      });
      expect(seen).toEqual(VISIBILITY_MATRIX[reader]);
    });

    it.each(LOCAL_READERS)("lists on the author's profile page what the table lets %s see", async (reader) => {
      const author = reader === 'suspendedAuthor' ? matrix.suspendedAuthor : matrix.author;
      const res = await asReader(`/@${author.username}`, matrix.token(reader));
      const listed =
        res.status === 200 ? VISIBILITY_MATRIX.author.filter((v) => res.text.includes(`${v} matrix post`)) : [];
      expect(listed).toEqual(VISIBILITY_MATRIX[reader]);
    });
  });

  describe('a suspended account', () => {
    it('answers 410 for its profile with nothing of it (name, bio, posts) and 404 for its posts; back once lifted', async () => {
      const carol = await signUp(t, { displayName: 'Carol Suspended' });
      await t.gql(
        'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }',
        { input: { bio: 'My very recognisable biography' } },
        carol.token,
      );
      const postId = await createPost({ content: 'A public thought of mine', visibility: 'PUBLIC' }, carol.token);
      expect((await page(`/@${carol.username}`)).text).toContain('My very recognisable biography');
      const db = t.app.get(DataSource);
      await db.query('UPDATE accounts SET suspended_at = now() WHERE id = $1', [carol.account.id]);

      for (const path of [`/@${carol.username}`, `/users/${carol.username}`]) {
        const res = await page(path);
        expect(res.status).toBe(410);
        expectPageHeaders(res);
        expect(res.text).toContain('<h1>This account is not available</h1>');
        expect(res.text).not.toMatch(/recognisable biography|Carol Suspended|A public thought/);
      }
      const post = await page(`/posts/${postId}`);
      expect(post.status).toBe(404);
      expect(post.text).not.toContain('A public thought');

      await db.query('UPDATE accounts SET suspended_at = NULL WHERE id = $1', [carol.account.id]);
      expect((await page(`/@${carol.username}`)).status).toBe(200);
      expect((await page(`/posts/${postId}`)).status).toBe(200);
    });
  });
});
