import request from 'supertest';
import { png } from './fixtures/images';
import { signUp, type SignedUp } from './utils/factories';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const AS_JSON = 'application/activity+json';
const LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"';
const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';

const CREATE_POST = /* GraphQL */ `
  mutation ($i: CreatePostInput!) {
    createPost(input: $i) {
      id
      uri
    }
  }
`;

type Json = Record<string, unknown>;

/** Local posts as a Mastodon server fetches them: Note / Article documents, Tombstones. */
describe('federation objects (/posts/{id})', () => {
  let t: TestApp & { origin: string };
  let alice: SignedUp;
  let bob: SignedUp;
  const get = (path: string, accept = AS_JSON) => request(t.origin).get(path).set('accept', accept);
  const fetchObject = async (id: string, accept = AS_JSON) => {
    const res = await get(`/posts/${id}`, accept);
    const json = /json/.test(String(res.headers['content-type']));
    return { res, doc: (json ? JSON.parse(res.text) : {}) as Json };
  };
  const actor = (u: SignedUp) => `${t.origin}/users/${u.username}`;
  const followers = (u: SignedUp) => `${actor(u)}/followers`;

  async function post(author: SignedUp, input: Record<string, unknown>): Promise<{ id: string; uri: string }> {
    const res = await t.gql<{ createPost: { id: string; uri: string } }>(
      CREATE_POST,
      { i: { visibility: 'PUBLIC', ...input } },
      author.token,
    );
    if (!res.data?.createPost) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost;
  }

  beforeAll(async () => {
    t = await createListeningTestApp();
    alice = await signUp(t);
    bob = await signUp(t);
  });
  afterAll(() => t.close());

  it('serves a public note with its mention, hashtag, content warning, reply and image', async () => {
    const parent = await post(bob, { content: 'the parent' });
    const upload = await request(t.origin)
      .post('/api/v1/media')
      .set('authorization', `Bearer ${alice.token}`)
      .field('description', 'a small pink square')
      .attach('file', png(3, 2), { filename: 'pink.png', contentType: 'image/png' });
    expect(upload.status).toBe(200);
    const mediaId = (upload.body as { id: string }).id;

    const note = await post(alice, {
      content: `Hello @${bob.username} #Guildhall`,
      contentWarning: 'spoilers',
      language: 'en',
      inReplyToId: parent.id,
      mediaIds: [mediaId],
    });
    const url = `${t.origin}/posts/${note.id}`;
    expect(note.uri).toBe(url);

    const { res, doc } = await fetchObject(note.id);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/activity\+json/);
    expect(res.headers.vary).toMatch(/Accept/i);
    expect(doc.id).toBe(url);
    expect(doc.type).toBe('Note');
    expect(doc.attributedTo).toBe(actor(alice));
    expect(doc.url).toBe(url);
    expect(doc.to).toBe(PUBLIC);
    expect(doc.cc).toEqual([followers(alice), actor(bob)]);
    expect(doc.inReplyTo).toBe(`${t.origin}/posts/${parent.id}`);
    expect(doc.summary).toBe('spoilers');
    expect(doc.sensitive).toBe(true);
    expect(typeof doc.content).toBe('string');
    expect(doc.content).toContain(`href="${t.origin}/tags/guildhall"`);
    expect(doc.contentMap).toEqual({ en: doc.content });
    expect(typeof doc.published).toBe('string');
    expect(doc.updated).toBeUndefined();
    expect(doc.tag).toEqual([
      { type: 'Mention', href: actor(bob), name: `@${bob.username}` },
      { type: 'Hashtag', href: `${t.origin}/tags/guildhall`, name: '#guildhall' },
    ]);
    expect(doc.attachment).toEqual({
      type: 'Document',
      mediaType: 'image/png',
      url: `${t.origin}/media/${mediaId}`,
      name: 'a small pink square',
      width: 3,
      height: 2,
    });
    expect(doc['@context']).toEqual(expect.arrayContaining(['https://www.w3.org/ns/activitystreams']));

    // ld+json with the AS profile is AS2 too; the same document.
    const ld = await fetchObject(note.id, LD_JSON);
    expect(ld.res.status).toBe(200);
    expect(ld.doc.id).toBe(url);
  });

  it('serves a titled post as an Article with its name and excerpt, and no CW fields', async () => {
    const article = await post(alice, { title: 'On Guilds', content: 'A long **essay** about guilds.' });
    const { res, doc } = await fetchObject(article.id);
    expect(res.status).toBe(200);
    expect(doc.type).toBe('Article');
    expect(doc.name).toBe('On Guilds');
    expect(doc.summary).toBe('A long essay about guilds.');
    expect(doc.sensitive).toBe(false);
    expect(doc.id).toBe(`${t.origin}/posts/${article.id}`);
    expect(doc.to).toBe(PUBLIC);
    expect(doc.cc).toBe(followers(alice));
    expect(doc.inReplyTo).toBeUndefined();
    expect(doc.contentMap).toBeUndefined();
  });

  it('addresses an unlisted post to followers, cc Public', async () => {
    const unlisted = await post(alice, { content: 'quietly', visibility: 'UNLISTED' });
    const { res, doc } = await fetchObject(unlisted.id);
    expect(res.status).toBe(200);
    expect(doc.to).toBe(followers(alice));
    expect(doc.cc).toBe(PUBLIC);
    expect(doc.sensitive).toBe(false);
    expect(doc.summary).toBeUndefined();
  });

  it('answers 404 for followers-only and direct posts (no authorized fetch yet), and unknown ids', async () => {
    const followersOnly = await post(alice, { content: 'friends only', visibility: 'FOLLOWERS' });
    const direct = await post(alice, { content: `psst @${bob.username}`, visibility: 'DIRECT' });
    expect((await fetchObject(followersOnly.id)).res.status).toBe(404);
    expect((await fetchObject(direct.id)).res.status).toBe(404);
    expect((await fetchObject('0190f2a4-0000-7000-8000-000000000000')).res.status).toBe(404);
    expect((await fetchObject('not-a-uuid')).res.status).toBe(404);
  });

  it('answers 404 for a boost id (a boost is not an object of its own)', async () => {
    const original = await post(bob, { content: 'boost me' });
    const boost = await t.gql<{ boostPost: { id: string } }>(
      'mutation($id: ID!) { boostPost(id: $id) { id } }',
      { id: original.id },
      alice.token,
    );
    const [row] = await t.app
      .get<import('typeorm').DataSource>((await import('typeorm')).DataSource)
      .query<{ id: string }[]>('SELECT id FROM posts WHERE boost_of_id = $1', [original.id]);
    expect(boost.errors).toBeUndefined();
    expect((await fetchObject(row.id)).res.status).toBe(404);
  });

  it('answers 410 with a Tombstone for a deleted post', async () => {
    const doomed = await post(alice, { content: 'soon gone' });
    const deleted = await t.gql('mutation($id: ID!) { deletePost(id: $id) }', { id: doomed.id }, alice.token);
    expect(deleted.errors).toBeUndefined();
    const { res, doc } = await fetchObject(doomed.id);
    expect(res.status).toBe(410);
    expect(res.headers['content-type']).toMatch(/^application\/activity\+json/);
    expect(doc).toEqual({
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${t.origin}/posts/${doomed.id}`,
      type: 'Tombstone',
      formerType: 'Note',
      deleted: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('remembers that a deleted article was an article', async () => {
    const article = await post(alice, { title: 'Gone soon', content: 'long form' });
    await t.gql('mutation($id: ID!) { deletePost(id: $id) }', { id: article.id }, alice.token);
    const { res, doc } = await fetchObject(article.id);
    expect(res.status).toBe(410);
    expect(doc).toMatchObject({ type: 'Tombstone', formerType: 'Article' });
    const [row] = await t.app
      .get<import('typeorm').DataSource>((await import('typeorm')).DataSource)
      .query<{ title: string; content: string }[]>('SELECT title, content FROM posts WHERE id = $1', [article.id]);
    expect(row).toEqual({ title: '', content: '' });
  });

  it('adds `updated` after an edit', async () => {
    const edited = await post(alice, { content: 'first draft' });
    const res = await t.gql<{ updatePost: { id: string } }>(
      'mutation($id: ID!, $i: UpdatePostInput!) { updatePost(id: $id, input: $i) { id } }',
      { id: edited.id, i: { content: 'second draft' } },
      alice.token,
    );
    expect(res.errors).toBeUndefined();
    const { doc } = await fetchObject(edited.id);
    expect(doc.content).toBe('<p>second draft</p>');
    expect(typeof doc.updated).toBe('string');
    expect(Date.parse(doc.updated as string)).toBeGreaterThanOrEqual(Date.parse(doc.published as string));
  });

  it('lets browsers through to Nest (no ActivityPub JSON for text/html)', async () => {
    const page = await post(alice, { content: 'for humans' });
    const res = await get(`/posts/${page.id}`, 'text/html');
    expect(res.headers['content-type'] ?? '').not.toMatch(/activity\+json/);
  });
});
