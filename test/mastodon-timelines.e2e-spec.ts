import { createRestAPIClient, type mastodon } from 'masto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { uuidv7 } from '@guildhall/core';
import { StatusSerializer } from '@guildhall/mastodon-api';
import { signUp, type SignedUp } from './utils/factories';
import { insertBlock, insertFollow } from './utils/graph';
import { appToken } from './utils/mastodon';
import { expectMastodonResponse } from './utils/mastodon-schema';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const CREATE = 'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }';
const HOME = `query($first: Int) { timeline(kind: HOME, first: $first) { edges { node { id } } } }`;

/** Unique to this run: other suites share the database and may use any common tag. */
const TAG = `mtl_${Math.random().toString(36).slice(2, 8)}`;
const TAG2 = `${TAG}_two`;

/** Newest first, as every timeline orders posts (by their time-ordered ids). */
const newestFirst = (ids: string[]) => [...ids].sort().reverse();

async function collect<T extends { id: string }>(paginator: mastodon.Paginator<T[], unknown>): Promise<string[][]> {
  const pages: string[][] = [];
  for await (const page of paginator) pages.push(page.map((item) => item.id));
  return pages;
}

describe('Mastodon timelines, bookmarks and favourites', () => {
  let t: TestApp & { origin: string };
  let db: DataSource;
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;
  let muted: SignedUp;
  let blocked: SignedUp;
  let suspended: SignedUp;
  let masto: mastodon.rest.Client;
  let anonymous: mastodon.rest.Client;
  const p: Record<string, string> = {};

  const post = async (who: SignedUp, content: string, extra: Record<string, unknown> = {}) => {
    const res = await t.gql<{ createPost: { id: string } }>(CREATE, { input: { content, ...extra } }, who.token);
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost.id;
  };
  const gql = async (query: string, variables: Record<string, unknown>, who: SignedUp) => {
    const res = await t.gql(query, variables, who.token);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };

  beforeAll(async () => {
    t = await createListeningTestApp();
    db = t.app.get(DataSource);
    [alice, bob, carol, muted, blocked, suspended] = await Promise.all(Array.from({ length: 6 }, () => signUp(t)));
    for (const followee of [bob, muted, blocked]) await insertFollow(t, alice.account.id, followee.account.id);
    await db.query('INSERT INTO mutes (id, account_id, target_id) VALUES ($1, $2, $3)', [
      uuidv7(),
      alice.account.id,
      muted.account.id,
    ]);
    p.aliceOwn = await post(alice, 'alice own');
    p.bobPublic = await post(bob, `bob public #${TAG}`);
    p.bobUnlisted = await post(bob, 'bob unlisted', { visibility: 'UNLISTED' });
    p.bobFollowers = await post(bob, 'bob followers', { visibility: 'FOLLOWERS' });
    p.carolFollowers = await post(carol, 'carol followers only', { visibility: 'FOLLOWERS' });
    p.carolPublic = await post(carol, `carol public #${TAG.toUpperCase()} #${TAG2}`);
    p.mutedPublic = await post(muted, `muted public #${TAG}`);
    p.blockedPublic = await post(blocked, `blocked public #${TAG}`);
    p.suspendedPublic = await post(suspended, `suspended public #${TAG}`);
    await db.query('UPDATE accounts SET suspended_at = now() WHERE id = $1', [suspended.account.id]);
    await insertBlock(t, alice.account.id, blocked.account.id);
    // Bob boosts Carol's public post (through the API) and, as a forged row, her followers-only
    // post: Alice does not follow Carol, so that boost must stay out of her home.
    await gql('mutation($id: ID!) { boostPost(id: $id) { id } }', { id: p.carolPublic }, bob);
    const [{ id: bobBoostRow }] = await db.query<{ id: string }[]>(
      'SELECT id FROM posts WHERE account_id = $1 AND boost_of_id = $2 AND deleted_at IS NULL',
      [bob.account.id, p.carolPublic],
    );
    p.bobBoost = bobBoostRow;
    p.hiddenBoost = uuidv7();
    await db.query(
      `INSERT INTO posts (id, account_id, local, visibility, boost_of_id, content) VALUES ($1, $2, true, 'followers', $3, '')`,
      [p.hiddenBoost, bob.account.id, p.carolFollowers],
    );
    // A followed remote account's public post, with an image, as federation stores them.
    const [{ id: danaId }] = await db.query<{ id: string }[]>(
      `INSERT INTO accounts (username, domain, uri, url)
       VALUES ($1, 'remote.example', $2, 'https://remote.example/@dana') RETURNING id`,
      [`dana_${TAG}`, `https://remote.example/users/dana_${TAG}`],
    );
    await insertFollow(t, alice.account.id, danaId);
    p.remotePublic = uuidv7();
    await db.query(
      `INSERT INTO posts (id, account_id, local, uri, visibility, content) VALUES ($1, $2, false, $3, 'public', '<p>remote</p>')`,
      [p.remotePublic, danaId, `https://remote.example/notes/${TAG}`],
    );
    await db.query(
      `INSERT INTO media_attachments (id, account_id, post_id, mime_type, remote_url) VALUES ($1, $2, $3, 'image/png', $4)`,
      [uuidv7(), danaId, p.remotePublic, `https://remote.example/media/${TAG}.png`],
    );
    masto = createRestAPIClient({ url: t.origin, accessToken: await appToken(t, alice, 'read write') });
    anonymous = createRestAPIClient({ url: t.origin });
  });
  afterAll(() => t.close());

  const homeIds = () =>
    newestFirst([p.aliceOwn, p.bobPublic, p.bobUnlisted, p.bobFollowers, p.bobBoost, p.remotePublic]);

  describe('GET /api/v1/timelines/home', () => {
    it('pages through home with masto.js following the Link header: own, followed, boosts, remote', async () => {
      const pages = await collect(masto.v1.timelines.home.list({ limit: 2 }));
      expect(pages.flat()).toEqual(homeIds());
      expect(pages.slice(0, 3).map((page) => page.length)).toEqual([2, 2, 2]);
      // The boost renders as Mastodon's reblog of Carol's post; the remote post carries its image.
      const statuses = await masto.v1.timelines.home.list({ limit: 40 });
      const boost = statuses.find((status) => status.id === p.bobBoost)!;
      expect(boost.account.id).toBe(bob.account.id);
      expect(boost.reblog?.id).toBe(p.carolPublic);
      expect(boost.reblog?.account.id).toBe(carol.account.id);
      const remote = statuses.find((status) => status.id === p.remotePublic)!;
      expect(remote.account.acct).toBe(`dana_${TAG}@remote.example`);
      expect(remote.mediaAttachments.map((m) => m.remoteUrl)).toEqual([`https://remote.example/media/${TAG}.png`]);
      expect(statuses.find((status) => status.id === p.bobFollowers)?.visibility).toBe('private');
    });

    it('reads a full page with a boost in one prepared statement for a reader without filters (ADR 0066)', async () => {
      const spy = jest.spyOn(Client.prototype, 'query');
      const statementsOf = async (limit: number) => {
        spy.mockClear();
        const statuses = await masto.v1.timelines.home.list({ limit });
        // The session check is left out: whether it runs depends on the session cache (ADR 0053).
        const statements = spy.mock.calls
          .map(([query]) => (typeof query === 'string' ? { text: query } : (query as { name?: string; text: string })))
          .filter((query) => !query.text.includes('AS session_id'));
        return { statuses, statements };
      };
      try {
        // Home holds 6 statuses, the boost fourth: a page of 4 is full (a look-ahead row came).
        const full = await statementsOf(4);
        const boost = full.statuses.find((status) => status.id === p.bobBoost)!;
        expect(boost.reblog?.id).toBe(p.carolPublic);
        expect(boost.reblog?.account.id).toBe(carol.account.id);
        // The page, the boost's original with its author and media, and the filters (none): one statement.
        expect(full.statements.map((query) => query.text.replace(/\s+/g, ' ').slice(0, 60))).toHaveLength(1);
        expect(full.statements[0].name).toMatch(/^gh_[0-9a-f]{24}$/);
        expect(full.statements[0].text).toContain('AS o_media');
        // A short page also asks whether posts lie past the window it walked (ADR 0059): one probe.
        const short = await statementsOf(40);
        expect(short.statuses.map((status) => status.id)).toEqual(homeIds());
        expect(short.statements).toHaveLength(2);
        expect(short.statements[0].name).toMatch(/^gh_[0-9a-f]{24}$/);
        expect(short.statements[1].text).toMatch(
          /^SELECT EXISTS \(SELECT 1 FROM posts bw WHERE true\s+ORDER BY bw\.id DESC OFFSET 2000 LIMIT 1\)/,
        );
      } finally {
        spy.mockRestore();
      }
    });

    it('is the same page as GraphQL HOME', async () => {
      const rest = (await masto.v1.timelines.home.list({ limit: 20 })).map((status) => status.id);
      const graph = (await gql(HOME, { first: 20 }, alice)) as { timeline: { edges: { node: { id: string } }[] } };
      expect(rest).toEqual(graph.timeline.edges.map((edge) => edge.node.id));
    });

    it('leaves out strangers’ followers-only posts and their boosts, muted and blocked accounts', async () => {
      const seen = (await masto.v1.timelines.home.list({ limit: 40 })).map((status) => status.id);
      for (const hidden of [p.carolFollowers, p.hiddenBoost, p.mutedPublic, p.blockedPublic, p.carolPublic]) {
        expect(seen).not.toContain(hidden);
      }
    });

    it('pages by max_id, since_id and min_id (min_id: the page just above, still newest first)', async () => {
      const all = homeIds();
      const older = await masto.v1.timelines.home.list({ maxId: all[1], limit: 2 });
      expect(older.map((s) => s.id)).toEqual(all.slice(2, 4));
      const since = await masto.v1.timelines.home.list({ sinceId: all[4], limit: 2 });
      expect(since.map((s) => s.id)).toEqual(all.slice(0, 2));
      const above = await masto.v1.timelines.home.list({ minId: all[4], limit: 2 });
      expect(above.map((s) => s.id)).toEqual(all.slice(2, 4));
      // Following `prev` from an old page walks back up to the newest.
      const upward = await collect(masto.v1.timelines.home.list({ maxId: all[3], limit: 2 }).setDirection('prev'));
      // As on Mastodon, `prev` is on every page that has posts: the last one asked for is empty.
      expect(upward).toEqual([all.slice(4, 6), all.slice(2, 4), all.slice(0, 2), []]);
    });

    it('sets Link with next (max_id) and prev (min_id), keeping the other parameters', async () => {
      const all = homeIds();
      const res = await fetch(`${t.origin}/api/v1/timelines/home?limit=2&max_id=${all[0]}`, {
        headers: { authorization: `Bearer ${await appToken(t, alice, 'read')}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('link')).toBe(
        `<${t.origin}/api/v1/timelines/home?limit=2&max_id=${all[2]}>; rel="next", ` +
          `<${t.origin}/api/v1/timelines/home?limit=2&min_id=${all[1]}>; rel="prev"`,
      );
    });

    it('needs a token with read:statuses; clamps limit; ignores a max_id that is not an id', async () => {
      expect((await t.http().get('/api/v1/timelines/home')).status).toBe(401);
      const writeOnly = await appToken(t, alice, 'write');
      const forbidden = await t.http().get('/api/v1/timelines/home').set('authorization', `Bearer ${writeOnly}`);
      expect(forbidden.status).toBe(403);
      expect(forbidden.body).toEqual({ error: 'This action is outside the authorized scopes' });
      const reader = await appToken(t, alice, 'read:statuses');
      const clamped = await t
        .http()
        .get('/api/v1/timelines/home?limit=1000&max_id=nonsense')
        .set('authorization', `Bearer ${reader}`);
      expect(clamped.status).toBe(200);
      expect((clamped.body as { id: string }[]).map((s) => s.id)).toEqual(homeIds());
    });
  });

  describe('GET /api/v1/timelines/public', () => {
    it('serves anonymous readers public local posts: no unlisted, boosts, remote or suspended posts', async () => {
      const local = (await anonymous.v1.timelines.public.list({ local: true, limit: 40 })).map((s) => s.id);
      expect(local).toEqual(expect.arrayContaining([p.carolPublic, p.bobPublic, p.mutedPublic, p.blockedPublic]));
      for (const absent of [p.bobUnlisted, p.bobFollowers, p.bobBoost, p.remotePublic, p.suspendedPublic]) {
        expect(local).not.toContain(absent);
      }
      expect(local).toEqual(newestFirst(local));
    });

    it('remote=true is only other servers’ posts; only_media only posts with media', async () => {
      const remote = (await anonymous.v1.timelines.public.list({ remote: true, limit: 40 })).map((s) => s.id);
      expect(remote).toContain(p.remotePublic);
      expect(remote).not.toContain(p.carolPublic);
      const both = (await anonymous.v1.timelines.public.list({ remote: true, local: true, limit: 40 })).map(
        (s) => s.id,
      );
      expect(both).toEqual(expect.arrayContaining([p.remotePublic, p.carolPublic]));
      const media = (await anonymous.v1.timelines.public.list({ onlyMedia: true, limit: 40 })).map((s) => s.id);
      expect(media).toContain(p.remotePublic);
      expect(media).not.toContain(p.carolPublic);
    });

    it('hides muted and blocked accounts from the signed-in reader', async () => {
      const seen = (await masto.v1.timelines.public.list({ limit: 40 })).map((s) => s.id);
      expect(seen).toContain(p.carolPublic);
      expect(seen).not.toContain(p.mutedPublic);
      expect(seen).not.toContain(p.blockedPublic);
    });
  });

  describe('GET /api/v1/timelines/tag/:hashtag', () => {
    it('pages through a hashtag, any case, with masto.js', async () => {
      const pages = await collect(anonymous.v1.timelines.tag.$select(TAG.toUpperCase()).list({ limit: 1 }));
      expect(pages.flat()).toEqual(newestFirst([p.bobPublic, p.carolPublic, p.mutedPublic, p.blockedPublic]));
      expect(pages.every((page) => page.length === 1)).toBe(true);
    });

    it('narrows with all[], none[] and widens with any[]', async () => {
      const tag = anonymous.v1.timelines.tag.$select(TAG);
      const ids = async (params: Record<string, unknown>) =>
        (await tag.list({ limit: 40, ...params })).map((s) => s.id);
      expect(await ids({ all: [TAG2] })).toEqual([p.carolPublic]);
      expect(await ids({ none: [TAG2] })).toEqual(newestFirst([p.bobPublic, p.mutedPublic, p.blockedPublic]));
      const other = await post(carol, `only the second #${TAG2}`);
      expect(await ids({ any: [TAG2] })).toEqual(
        newestFirst([other, p.bobPublic, p.carolPublic, p.mutedPublic, p.blockedPublic]),
      );
      expect(await ids({ any: [TAG2], local: true, onlyMedia: true })).toEqual([]);
    });

    it('reads a leading "#" and answers an empty page for a name that cannot be a hashtag', async () => {
      const hashed = await t.http().get(`/api/v1/timelines/tag/%23${TAG2}`);
      expect((hashed.body as { id: string }[]).map((s) => s.id)).toContain(p.carolPublic);
      const res = await t.http().get('/api/v1/timelines/tag/no%20spaces');
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });
  });

  describe('GET /api/v1/bookmarks and /api/v1/favourites', () => {
    it('pages by the like’s and the bookmark’s id, newest first, and matches GraphQL', async () => {
      for (const id of [p.bobPublic, p.remotePublic, p.carolPublic]) {
        await gql('mutation($id: ID!) { likePost(id: $id) { id } }', { id }, alice);
      }
      for (const id of [p.carolPublic, p.bobPublic]) {
        await gql('mutation($id: ID!) { bookmarkPost(id: $id) { id } }', { id }, alice);
      }
      // Newest like (bookmark) first, by the row's time-ordered id.
      const rowsOf = (table: string) =>
        db.query<{ id: string; post_id: string }[]>(
          `SELECT id, post_id FROM ${table} WHERE account_id = $1 ORDER BY id DESC`,
          [alice.account.id],
        );
      const likes = await rowsOf('likes');
      const liked = likes.map((row) => row.post_id);
      expect(new Set(liked)).toEqual(new Set([p.bobPublic, p.remotePublic, p.carolPublic]));
      const favourites = await collect(masto.v1.favourites.list({ limit: 2 }));
      expect(favourites).toEqual([liked.slice(0, 2), liked.slice(2)]);
      const bookmarked = (await rowsOf('bookmarks')).map((row) => row.post_id);
      const bookmarks = await collect(masto.v1.bookmarks.list({ limit: 1 }));
      expect(bookmarks).toEqual(bookmarked.map((id) => [id]));
      const graph = (await gql('query { bookmarks(first: 10) { edges { node { id } } } }', {}, alice)) as {
        bookmarks: { edges: { node: { id: string } }[] };
      };
      expect(graph.bookmarks.edges.map((edge) => edge.node.id)).toEqual(bookmarked);
      // Home renders the same flags (read with the timeline), a boost's about its original.
      const home = await masto.v1.timelines.home.list({ limit: 40 });
      const flags = (id: string) => {
        const status = home.find((s) => s.id === id)!;
        const shown = status.reblog ?? status;
        return [shown.id, shown.favourited, shown.bookmarked, shown.reblogged, shown.tags.map((tag) => tag.name)];
      };
      expect(flags(p.bobPublic)).toEqual([p.bobPublic, true, true, false, [TAG]]);
      expect(flags(p.bobBoost)).toEqual([p.carolPublic, true, true, false, [TAG, TAG2].sort()]);
      expect(flags(p.bobUnlisted)).toEqual([p.bobUnlisted, false, false, false, []]);
      const mentioning = await post(bob, `hello @${alice.username}`);
      const [newest] = await masto.v1.timelines.home.list({ limit: 1 });
      expect(newest.id).toBe(mentioning);
      expect(newest.mentions.map((m) => [m.id, m.acct])).toEqual([[alice.account.id, alice.username]]);
      const [first] = await masto.v1.bookmarks.list({ limit: 1 });
      expect(first).toMatchObject({ id: bookmarked[0], favourited: true, bookmarked: true });

      const likeRow = likes[1];
      const res = await t
        .http()
        .get('/api/v1/favourites?limit=1')
        .set('authorization', `Bearer ${await appToken(t, alice, 'read:favourites')}`);
      expect(res.headers.link).toContain(`max_id=`);
      const next = await t
        .http()
        .get(`/api/v1/favourites?max_id=${likeRow.id}`)
        .set('authorization', `Bearer ${await appToken(t, alice, 'read:favourites')}`);
      expect((next.body as { id: string }[]).map((s) => s.id)).toEqual([liked[2]]);
      const above = await t
        .http()
        .get(`/api/v1/favourites?min_id=${likeRow.id}`)
        .set('authorization', `Bearer ${await appToken(t, alice, 'read:favourites')}`);
      expect((above.body as { id: string }[]).map((s) => s.id)).toEqual([liked[0]]);
    });

    it('needs read:bookmarks and read:favourites', async () => {
      const token = await appToken(t, alice, 'read:statuses');
      for (const path of ['/api/v1/bookmarks', '/api/v1/favourites']) {
        const res = await t.http().get(path).set('authorization', `Bearer ${token}`);
        expect(res.status).toBe(403);
      }
    });
  });

  describe('GET /api/v1/conversations', () => {
    it('groups direct posts by thread, tracks unread, marks read and hides until a new post', async () => {
      const [ann, ben, cat] = await Promise.all([signUp(t), signUp(t), signUp(t)]);
      const annApi = createRestAPIClient({ url: t.origin, accessToken: await appToken(t, ann, 'read write') });
      const benApi = createRestAPIClient({ url: t.origin, accessToken: await appToken(t, ben, 'read write') });
      const root = await post(ann, `hi @${ben.username}`, { visibility: 'DIRECT' });
      await post(ann, `public, not a conversation @${ben.username}`);
      const other = await post(ben, `another thread @${ann.username}`, { visibility: 'DIRECT' });

      const benView = await benApi.v1.conversations.list({ limit: 1 });
      expect(benView).toHaveLength(1);
      expect(benView[0]).toMatchObject({ id: other, unread: false, lastStatus: { id: other } });
      const benAll = await collect(benApi.v1.conversations.list({ limit: 1 }));
      expect(benAll).toEqual([[other], [root]]);
      const [, first] = await benApi.v1.conversations.list();
      expect(first).toMatchObject({ id: root, unread: true, lastStatus: { id: root, visibility: 'direct' } });
      expect(first.accounts.map((a) => a.id)).toEqual([ann.account.id]);

      const reply = await post(ben, `@${ann.username} hello back`, { visibility: 'DIRECT', inReplyToId: root });
      const [annLatest] = await annApi.v1.conversations.list();
      expect(annLatest).toMatchObject({ id: root, unread: true, lastStatus: { id: reply } });
      expect(annLatest.accounts.map((a) => a.id)).toEqual([ben.account.id]);
      // Ben's copy is still unread from Ann's first post (his own reply does not change that).
      const read = await benApi.v1.conversations.$select(root).read();
      expect(read).toMatchObject({ id: root, unread: false });
      expect((await benApi.v1.conversations.list()).map((c) => [c.id, c.unread])).toEqual([
        [root, false],
        [other, false],
      ]);

      // Someone outside it sees nothing and can change nothing.
      const catToken = await appToken(t, cat, 'read write');
      expect((await t.http().get('/api/v1/conversations').set('authorization', `Bearer ${catToken}`)).body).toEqual([]);
      for (const [method, path] of [
        ['post', `/api/v1/conversations/${root}/read`],
        ['delete', `/api/v1/conversations/${root}`],
        ['post', '/api/v1/conversations/nonsense/read'],
      ] as const) {
        const res = await t.http()[method](path).set('authorization', `Bearer ${catToken}`);
        expect([path, res.status, res.body]).toEqual([path, 404, { error: 'Record not found' }]);
      }
      expect((await annApi.v1.conversations.list())[0]).toMatchObject({ id: root, unread: true });

      await annApi.v1.conversations.$select(root).remove();
      expect((await annApi.v1.conversations.list()).map((c) => c.id)).toEqual([other]);
      const later = await post(ben, `@${ann.username} still there?`, { visibility: 'DIRECT', inReplyToId: reply });
      expect((await annApi.v1.conversations.list())[0]).toMatchObject({
        id: root,
        unread: true,
        lastStatus: { id: later },
      });

      const raw = await t
        .http()
        .get('/api/v1/conversations')
        .set('authorization', `Bearer ${await appToken(t, ann, 'read')}`);
      expectMastodonResponse('GET', '/api/v1/conversations', 200, raw.body);
      const noScope = await appToken(t, ann, 'read:lists');
      expect((await t.http().get('/api/v1/conversations').set('authorization', `Bearer ${noScope}`)).status).toBe(403);
    });
  });

  it("renders Mastodon's entities: every timeline, bookmarks and favourites match its published schema", async () => {
    const token = await appToken(t, alice, 'read');
    for (const path of [
      '/api/v1/timelines/home?limit=40',
      '/api/v1/timelines/public?limit=40',
      '/api/v1/timelines/public?remote=true',
      `/api/v1/timelines/tag/${TAG}`,
      '/api/v1/bookmarks',
      '/api/v1/favourites',
    ]) {
      const res = await t.http().get(path).set('authorization', `Bearer ${token}`);
      expect([path, res.status]).toEqual([path, 200]);
      expect((res.body as unknown[]).length).toBeGreaterThan(0);
      expectMastodonResponse('GET', path, 200, res.body);
    }
  });
  it('renders every home status exactly as GET /api/v1/statuses/:id does, from the row or through the loaders', async () => {
    // Rows carrying everything are rendered from the row; a poll, a muted conversation and a
    // mention of an account not on the page go through the loaders. Both must give the status
    // the single-status route gives, field for field.
    const [fay, gus, hal, ivy] = await Promise.all([signUp(t), signUp(t), signUp(t), signUp(t)]);
    for (const followee of [gus, hal]) await insertFollow(t, fay.account.id, followee.account.id);
    const client = async (who: SignedUp) => {
      const token = await appToken(t, who, 'read write');
      return (method: 'get' | 'post', path: string, body?: object) =>
        t.http()[method](path).set('authorization', `Bearer ${token}`).send(body);
    };
    const [fayApi, gusApi, halApi] = await Promise.all([client(fay), client(gus), client(hal)]);
    const created = async (by: typeof fayApi, body: object) => {
      const res = await by('post', '/api/v1/statuses', body);
      expect(res.status).toBe(200);
      return (res.body as mastodon.v1.Status).id;
    };
    const halPost = await created(halApi, { status: `hal's #${TAG2} post` });
    const mentionsOnPage = await created(gusApi, { status: `hello @${hal.username} #${TAG}` });
    const mentionsOffPage = await created(gusApi, { status: `and @${ivy.username} too` });
    await db.query(
      `INSERT INTO media_attachments (id, account_id, post_id, mime_type, storage_key, width, height, alt_text, position)
       VALUES ($1, $2, $3, 'image/png', $4, 640, 480, 'a picture', 0)`,
      [uuidv7(), gus.account.id, mentionsOnPage, `test/${TAG}.png`],
    );
    const withPoll = await created(fayApi, { status: 'pick', poll: { options: ['x', 'y'], expires_in: 3600 } });
    const pinned = await created(fayApi, { status: 'pinned' });
    const muted = await created(fayApi, { status: 'muted thread' });
    const boostRes = await halApi('post', `/api/v1/statuses/${mentionsOnPage}/reblog`);
    expect(boostRes.status).toBe(200);
    const boost = (boostRes.body as mastodon.v1.Status).id;
    for (const path of [
      `/api/v1/statuses/${halPost}/favourite`,
      `/api/v1/statuses/${halPost}/bookmark`,
      `/api/v1/statuses/${mentionsOnPage}/favourite`,
      `/api/v1/statuses/${pinned}/pin`,
    ]) {
      expect((await fayApi('post', path)).status).toBe(200);
    }

    // Which rows went through the loaders, and every status against the single-status route.
    const serializer = t.app.get(StatusSerializer);
    const readHome = async () => {
      const finished = jest.spyOn(
        serializer as unknown as { primeAndSerialize: (row: { id: string }) => unknown },
        'primeAndSerialize',
      );
      try {
        const res = await fayApi('get', '/api/v1/timelines/home?limit=20');
        expect(res.status).toBe(200);
        const home = res.body as (mastodon.v1.Status & Record<string, unknown>)[];
        expect(home.map((status) => status.id)).toEqual(
          newestFirst([halPost, mentionsOnPage, mentionsOffPage, withPoll, pinned, muted, boost]),
        );
        for (const listed of home) {
          const single = await fayApi('get', `/api/v1/statuses/${listed.id}`);
          expect(single.status).toBe(200);
          expect(listed).toEqual(single.body);
        }
        const throughLoaders = newestFirst(finished.mock.calls.map(([row]) => row.id));
        return { home: new Map(home.map((status) => [status.id, status])), throughLoaders };
      } finally {
        finished.mockRestore();
      }
    };

    // Only the poll and the mention of Ivy (not on the page) need the loaders.
    const before = await readHome();
    expect(before.throughLoaders).toEqual(newestFirst([mentionsOffPage, withPoll]));
    expect(before.home.get(halPost)).toMatchObject({
      favourited: true,
      bookmarked: true,
      reblogged: false,
      pinned: false,
      muted: false,
      tags: [{ name: TAG2 }],
    });
    expect(before.home.get(pinned)).toMatchObject({ pinned: true, muted: false });
    expect(before.home.get(withPoll)!.poll).toMatchObject({ options: [{ title: 'x' }, { title: 'y' }] });
    expect(before.home.get(mentionsOnPage)).toMatchObject({
      favourited: true,
      mentions: [{ id: hal.account.id, acct: hal.username }],
      tags: [{ name: TAG }],
      media_attachments: [{ type: 'image', description: 'a picture', meta: { original: { width: 640, height: 480 } } }],
    });
    expect(before.home.get(mentionsOffPage)).toMatchObject({ mentions: [{ id: ivy.account.id, acct: ivy.username }] });
    expect(before.home.get(boost)).toMatchObject({
      account: { id: hal.account.id },
      reblog: { id: mentionsOnPage, favourited: true, mentions: [{ id: hal.account.id }] },
      favourited: true,
      content: '',
    });

    // Once Fay mutes a conversation, whether each post is in it takes a lookup: every row.
    expect((await fayApi('post', `/api/v1/statuses/${muted}/mute`)).status).toBe(200);
    const after = await readHome();
    expect(after.throughLoaders).toEqual(
      newestFirst([halPost, mentionsOnPage, mentionsOffPage, withPoll, pinned, muted, boost]),
    );
    expect(after.home.get(muted)).toMatchObject({ muted: true });
    expect(after.home.get(pinned)).toMatchObject({ muted: false });
  });

  it('shows pins, polls and muted conversations on the home timeline as on the status itself', async () => {
    const [dana, erin] = await Promise.all([signUp(t), signUp(t)]);
    await insertFollow(t, dana.account.id, erin.account.id);
    const client = async (who: SignedUp) => {
      const token = await appToken(t, who, 'read write');
      return (method: 'get' | 'post', path: string, body?: object) =>
        t.http()[method](path).set('authorization', `Bearer ${token}`).send(body);
    };
    const [api, erinApi] = await Promise.all([client(dana), client(erin)]);
    const created = async (by: typeof api, body: object) => {
      const res = await by('post', '/api/v1/statuses', body);
      expect(res.status).toBe(200);
      return res.body as mastodon.v1.Status;
    };
    const pinned = (await created(api, { status: 'pinned one' })).id;
    const poll = await created(erinApi, { status: 'which?', poll: { options: ['a', 'b'], expires_in: 3600 } });
    const root = (await created(api, { status: 'a thread' })).id;
    const reply = (await created(api, { status: 'in the thread', in_reply_to_id: root })).id;
    const plain = (await created(api, { status: 'plain' })).id;
    expect((await api('post', `/api/v1/statuses/${pinned}/pin`)).status).toBe(200);
    expect((await api('post', `/api/v1/statuses/${root}/mute`)).status).toBe(200);
    expect((await api('post', `/api/v1/polls/${poll.poll!.id}/votes`, { choices: [1] })).status).toBe(200);

    const home = (await api('get', '/api/v1/timelines/home?limit=10')).body as mastodon.v1.Status[];
    const byId = new Map(home.map((status) => [status.id, status]));
    for (const id of [pinned, poll.id, root, reply, plain]) {
      const single = (await api('get', `/api/v1/statuses/${id}`)).body as mastodon.v1.Status;
      const listed = byId.get(id)!;
      expect({ id, pinned: listed.pinned, muted: listed.muted, poll: listed.poll }).toEqual({
        id,
        pinned: single.pinned,
        muted: single.muted,
        poll: single.poll,
      });
    }
    expect(byId.get(pinned)!.pinned).toBe(true);
    expect([byId.get(root)!.muted, byId.get(reply)!.muted, byId.get(plain)!.muted]).toEqual([true, true, false]);
    // Raw JSON (snake_case): the viewer's own vote, counted.
    expect(byId.get(poll.id)!.poll as unknown).toMatchObject({ own_votes: [1], voted: true, votes_count: 1 });
    expect(byId.get(plain)!.poll).toBeNull();
  });
});
