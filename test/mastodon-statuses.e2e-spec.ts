import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { createRestAPIClient, type mastodon } from 'masto';
import { DataSource } from 'typeorm';
import { CONTENT_QUEUE, PinService, PostService } from '@guildhall/content';
import { png } from './fixtures/images';
import { eventually } from './utils/eventually';
import { signUp, type SignedUp } from './utils/factories';
import { insertFollow } from './utils/graph';
import { appToken } from './utils/mastodon';
import { expectMastodonResponse } from './utils/mastodon-schema';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const POST = /* GraphQL */ `
  query ($id: ID!) {
    post(id: $id) {
      id
      content
      visibility
      contentWarning
      likesCount
      boostsCount
      viewerHasLiked
      viewerHasBoosted
      viewerHasBookmarked
    }
  }
`;
const LIKE = /* GraphQL */ `
  mutation ($id: ID!) {
    likePost(id: $id) {
      id
      likesCount
    }
  }
`;

/** One field of each item of a JSON array body. */
const pluck = (items: unknown, field: string): string[] =>
  (items as Record<string, string>[]).map((item) => item[field]);

interface Member extends SignedUp {
  rest: mastodon.rest.Client;
  appToken: string;
}

describe('Mastodon statuses', () => {
  let t: TestApp & { origin: string };
  let db: DataSource;
  let alice: Member;
  let bob: Member;
  let carol: Member;

  async function member(): Promise<Member> {
    const signed = await signUp(t);
    const token = await appToken(t, signed);
    return { ...signed, appToken: token, rest: createRestAPIClient({ url: t.origin, accessToken: token }) };
  }

  const api = (method: 'get' | 'post' | 'put' | 'delete', path: string, token?: string) => {
    const req = t.http()[method](path);
    if (token) void req.set('authorization', `Bearer ${token}`);
    return req;
  };
  const postCount = async (accountId: string) =>
    Number(
      (
        await db.query<{ n: string }[]>(
          'SELECT count(*) AS n FROM posts WHERE account_id = $1 AND deleted_at IS NULL',
          [accountId],
        )
      )[0].n,
    );
  const upload = async (token: string) => {
    const res = await api('post', '/api/v1/media', token).attach('file', png(3, 2), {
      filename: 'a.png',
      contentType: 'image/png',
    });
    // The media helper owns this route's status (Mastodon: 200, or 202 while processing).
    expect([200, 201, 202]).toContain(res.status);
    return res.body.id as string;
  };
  const gqlPost = async (id: string, token?: string) =>
    (await t.gql<{ post: Record<string, unknown> | null }>(POST, { id }, token)).data?.post;

  beforeAll(async () => {
    t = await createListeningTestApp({}, { withWorker: true });
    db = t.app.get(DataSource);
    [alice, bob, carol] = [await member(), await member(), await member()];
  });
  afterAll(() => t.close());

  describe('POST /api/v1/statuses', () => {
    it('publishes through masto.js with Mastodon visibility, spoiler and language, seen the same in GraphQL', async () => {
      const status = await alice.rest.v1.statuses.create({
        status: 'Hello #Guildhall',
        visibility: 'unlisted',
        spoilerText: 'greeting',
        language: 'en',
      });
      expect(status).toMatchObject({
        visibility: 'unlisted',
        spoilerText: 'greeting',
        sensitive: true,
        language: 'en',
        content: `<p>Hello <a href="${t.origin}/tags/guildhall" class="mention hashtag" rel="tag">#<span>Guildhall</span></a></p>`,
        favouritesCount: 0,
        reblogsCount: 0,
        repliesCount: 0,
        favourited: false,
        reblogged: false,
        bookmarked: false,
        pinned: false,
        muted: false,
        editedAt: null,
        inReplyToId: null,
        reblog: null,
        tags: [{ name: 'guildhall', url: `${t.origin}/tags/guildhall` }],
      });
      expect(status.account.id).toBe(alice.account.id);
      expect(status.url).toBe(`${t.origin}/posts/${status.id}`);
      expect(await gqlPost(status.id)).toMatchObject({
        id: status.id,
        visibility: 'UNLISTED',
        contentWarning: 'greeting',
        content: status.content,
      });
    });

    it('renders mentions with Mastodon classes and lists them', async () => {
      const status = await alice.rest.v1.statuses.create({ status: `hi @${bob.username}` });
      expect(status.content).toBe(
        `<p>hi <span class="h-card" translate="no"><a href="${t.origin}/@${bob.username}" class="u-url mention">@<span>${bob.username}</span></a></span></p>`,
      );
      expect(status.mentions).toEqual([
        { id: bob.account.id, username: bob.username, acct: bob.username, url: `${t.origin}/@${bob.username}` },
      ]);
    });

    it('publishes a poll through masto.js; another member votes and both APIs count it', async () => {
      const status = await alice.rest.v1.statuses.create({
        status: 'Which glaze?',
        poll: { options: ['celadon', 'tenmoku', 'shino'], expiresIn: 3600, multiple: true },
      });
      expect(status.poll).toMatchObject({
        expired: false,
        multiple: true,
        votesCount: 0,
        votersCount: 0,
        options: [
          { title: 'celadon', votesCount: 0 },
          { title: 'tenmoku', votesCount: 0 },
          { title: 'shino', votesCount: 0 },
        ],
      });
      expect(Date.parse(status.poll!.expiresAt!) - Date.now()).toBeGreaterThan(3_500_000);
      const voted = await bob.rest.v1.polls.$select(status.poll!.id).votes.create({ choices: [0, 2] });
      expect(voted).toMatchObject({ votesCount: 2, votersCount: 1, voted: true, ownVotes: [0, 2] });
      const graph = await t.gql<{ post: { poll: { options: { title: string; votesCount: number }[] } } }>(
        'query($id: ID!) { post(id: $id) { poll { options { title votesCount } } } }',
        { id: status.id },
        alice.token,
      );
      expect(graph.data?.post.poll.options.map((o) => o.votesCount)).toEqual([1, 0, 1]);
    });

    it('takes a form body with media only and attaches the upload', async () => {
      const mediaId = await upload(alice.appToken);
      const res = await api('post', '/api/v1/statuses', alice.appToken)
        .type('form')
        .send(`media_ids[]=${mediaId}&visibility=private&sensitive=true`);
      expect(res.status).toBe(200);
      expectMastodonResponse('POST', '/api/v1/statuses', 200, res.body);
      expect(res.body.visibility).toBe('private');
      expect(res.body.content).toBe('');
      expect(res.body).toMatchObject({ sensitive: true, spoiler_text: '' });
      expect(res.body.media_attachments).toHaveLength(1);
      expect(res.body.media_attachments[0]).toMatchObject({
        id: mediaId,
        type: 'image',
        url: `${t.origin}/media/${mediaId}`,
      });
      expect((await gqlPost(res.body.id, alice.token))?.visibility).toBe('FOLLOWERS');
    });

    it.each([
      [{ status: '' }, "Validation failed: Text can't be blank"],
      [{ status: '   ' }, "Validation failed: Text can't be blank"],
      [{ status: 'x'.repeat(5001) }, 'Validation failed: Text character limit of 5000 exceeded'],
      [{ status: 'hi', visibility: 'everyone' }, 'Validation failed: Visibility is not included in the list'],
      [{ status: 'hi', language: 'english' }, 'Validation failed: Language is not a valid ISO 639-1 code'],
      [{ status: 'hi', poll: { options: ['a'], expires_in: 3600 } }, 'A poll needs at least 2 non-blank options'],
      [{ status: 'hi', poll: { options: ['a', 'a'], expires_in: 3600 } }, 'Poll options must be distinct'],
    ])('refuses %j with 422 and publishes nothing', async (body, message) => {
      const before = await postCount(alice.account.id);
      const res = await api('post', '/api/v1/statuses', alice.appToken).send(body);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ error: message });
      expect(await postCount(alice.account.id)).toBe(before);
    });

    it("refuses another member's media with 422 and leaves it unattached", async () => {
      const bobsMedia = await upload(bob.appToken);
      const before = await postCount(alice.account.id);
      const res = await api('post', '/api/v1/statuses', alice.appToken).send({
        status: 'mine?',
        media_ids: [bobsMedia],
      });
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('Validation failed: That media belongs to someone else');
      expect(await postCount(alice.account.id)).toBe(before);
      const [row] = await db.query<{ post_id: string | null }[]>(
        'SELECT post_id FROM media_attachments WHERE id = $1',
        [bobsMedia],
      );
      expect(row.post_id).toBeNull();
    });

    it('answers 404 for a reply to a post the author may not see', async () => {
      const direct = await bob.rest.v1.statuses.create({ status: 'secret', visibility: 'direct' });
      const res = await api('post', '/api/v1/statuses', alice.appToken).send({
        status: 'hm',
        in_reply_to_id: direct.id,
      });
      expect(res.status).toBe(404);
    });

    it('publishes once per Idempotency-Key', async () => {
      const before = await postCount(alice.account.id);
      const send = () =>
        api('post', '/api/v1/statuses', alice.appToken).set('Idempotency-Key', 'key-1').send({ status: 'only once' });
      const [first, second] = await Promise.all([send(), send()]);
      const third = await send();
      expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
      expect(second.body.id).toBe(first.body.id);
      expect(third.body.id).toBe(first.body.id);
      expect(await postCount(alice.account.id)).toBe(before + 1);
      // Another member's same key is theirs.
      const bobs = await api('post', '/api/v1/statuses', bob.appToken)
        .set('Idempotency-Key', 'key-1')
        .send({ status: 'b' });
      expect(bobs.body.id).not.toBe(first.body.id);
    });

    it('lets a key older than an hour name a new status, and the hourly purge forgets it', async () => {
      const old = await alice.rest.v1.statuses.create({ status: 'an hour ago' });
      await db.query(
        `INSERT INTO post_idempotency_keys (account_id, key, post_id, created_at) VALUES ($1, 'old-key', $2, now() - interval '61 minutes')`,
        [alice.account.id, old.id],
      );
      const res = await api('post', '/api/v1/statuses', alice.appToken)
        .set('Idempotency-Key', 'old-key')
        .send({ status: 'new' });
      expect(res.status).toBe(200);
      expect(res.body.id).not.toBe(old.id);
      await db.query(
        `INSERT INTO post_idempotency_keys (account_id, key, post_id, created_at) VALUES ($1, 'stale', $2, now() - interval '2 hours')`,
        [alice.account.id, old.id],
      );
      await t.app.get(PostService).purgeExpiredIdempotencyKeys();
      const keys = await db.query<{ key: string }[]>(
        `SELECT key FROM post_idempotency_keys WHERE account_id = $1 AND key IN ('old-key', 'stale')`,
        [alice.account.id],
      );
      expect(keys).toEqual([{ key: 'old-key' }]);
    });

    it('needs write:statuses', async () => {
      const readOnly = await appToken(t, alice, 'read');
      const res = await api('post', '/api/v1/statuses', readOnly).send({ status: 'no' });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: 'This action is outside the authorized scopes' });
      const anonymous = await api('post', '/api/v1/statuses').send({ status: 'no' });
      expect(anonymous.status).toBe(401);
    });
  });

  describe('reading', () => {
    it('shows a status under the visibility rule (404 for what the reader may not see)', async () => {
      const open = await alice.rest.v1.statuses.create({ status: 'open' });
      const followers = await alice.rest.v1.statuses.create({ status: 'friends', visibility: 'private' });
      await insertFollow(t, carol.account.id, alice.account.id);
      const shown = await api('get', `/api/v1/statuses/${open.id}`);
      expect(shown.body.content).toBe('<p>open</p>');
      expectMastodonResponse('GET', `/api/v1/statuses/${open.id}`, 200, shown.body);
      const hidden = await api('get', `/api/v1/statuses/${followers.id}`);
      expect(hidden.status).toBe(404);
      expect(hidden.body).toEqual({ error: 'Record not found' });
      expect((await api('get', `/api/v1/statuses/${followers.id}`, bob.appToken)).status).toBe(404);
      expect((await carol.rest.v1.statuses.$select(followers.id).fetch()).content).toBe('<p>friends</p>');
      expect((await api('get', '/api/v1/statuses/not-an-id')).status).toBe(404);
      const many = await api('get', `/api/v1/statuses?id[]=${followers.id}&id[]=${open.id}`, bob.appToken);
      expect(pluck(many.body, 'id')).toEqual([open.id]);
      const both = await carol.rest.v1.statuses.fetch({ id: [followers.id, open.id] });
      expect(both.map((s) => s.id)).toEqual([followers.id, open.id]);
    });

    it('answers a thread as ancestors and descendants, each visible to the reader', async () => {
      const root = await alice.rest.v1.statuses.create({ status: 'root' });
      const reply = await bob.rest.v1.statuses.create({ status: 'reply', inReplyToId: root.id });
      const nested = await alice.rest.v1.statuses.create({ status: 'nested', inReplyToId: reply.id });
      const second = await carol.rest.v1.statuses.create({ status: 'second', inReplyToId: root.id });
      const secret = await carol.rest.v1.statuses.create({
        status: 'secret',
        inReplyToId: root.id,
        visibility: 'private',
      });
      const asAnyone = await api('get', `/api/v1/statuses/${root.id}/context`);
      expect(asAnyone.body.ancestors).toEqual([]);
      expectMastodonResponse('GET', `/api/v1/statuses/${root.id}/context`, 200, asAnyone.body);
      expect(pluck(asAnyone.body.descendants, 'id')).toEqual([reply.id, nested.id, second.id]);
      const asCarol = await carol.rest.v1.statuses.$select(nested.id).context.fetch();
      expect(asCarol.ancestors.map((s) => s.id)).toEqual([root.id, reply.id]);
      expect(asCarol.descendants).toEqual([]);
      const rootAsCarol = await carol.rest.v1.statuses.$select(root.id).context.fetch();
      expect(rootAsCarol.descendants.map((s) => s.id)).toEqual([reply.id, nested.id, second.id, secret.id]);
      expect((await api('get', `/api/v1/statuses/${secret.id}/context`)).status).toBe(404);
    });
  });

  describe('editing and deleting', () => {
    it('edits through masto.js, keeps the history oldest first and the source for the author only', async () => {
      const status = await alice.rest.v1.statuses.create({ status: 'first draft', spoilerText: 'cw' });
      const edited = await alice.rest.v1.statuses
        .$select(status.id)
        .update({ status: 'second **draft**', language: 'de' });
      expect(edited).toMatchObject({
        id: status.id,
        content: '<p>second <strong>draft</strong></p>',
        spoilerText: '',
        language: 'de',
      });
      expect(edited.editedAt).not.toBeNull();
      const history = await alice.rest.v1.statuses.$select(status.id).history.list();
      expect(history.map((v) => [v.content, v.spoilerText, v.sensitive])).toEqual([
        ['<p>first draft</p>', 'cw', true],
        ['<p>second <strong>draft</strong></p>', '', false],
      ]);
      expect(history[1].createdAt).toBe(edited.editedAt);
      const rawHistory = await api('get', `/api/v1/statuses/${status.id}/history`, alice.appToken);
      expectMastodonResponse('GET', `/api/v1/statuses/${status.id}/history`, 200, rawHistory.body);
      const rawSource = await api('get', `/api/v1/statuses/${status.id}/source`, alice.appToken);
      expectMastodonResponse('GET', `/api/v1/statuses/${status.id}/source`, 200, rawSource.body);
      expect(await alice.rest.v1.statuses.$select(status.id).source.fetch()).toEqual({
        id: status.id,
        text: 'second **draft**',
        spoilerText: '',
      });
      expect((await api('get', `/api/v1/statuses/${status.id}/source`, bob.appToken)).status).toBe(404);
      expect((await gqlPost(status.id))?.content).toBe('<p>second <strong>draft</strong></p>');
    });

    it("refuses to edit another's status (403), an empty text or another's media (422), changing nothing", async () => {
      const mediaId = await upload(alice.appToken);
      const status = await alice.rest.v1.statuses.create({ status: 'keep', mediaIds: [mediaId] });
      const byBob = await api('put', `/api/v1/statuses/${status.id}`, bob.appToken).send({ status: 'mine' });
      expect(byBob.status).toBe(403);
      const empty = await api('put', `/api/v1/statuses/${status.id}`, alice.appToken).send({
        status: '',
        media_ids: [],
      });
      expect(empty.status).toBe(422);
      expect(empty.body).toEqual({ error: 'content must not be empty' });
      const bobsMedia = await upload(bob.appToken);
      const foreign = await api('put', `/api/v1/statuses/${status.id}`, alice.appToken).send({
        status: 'changed',
        media_ids: [mediaId, bobsMedia],
      });
      expect(foreign.status).toBe(422);
      expect(foreign.body).toEqual({ error: 'Validation failed: That media belongs to someone else' });
      const unchanged = await api('get', `/api/v1/statuses/${status.id}`);
      expect(unchanged.body).toMatchObject({ content: '<p>keep</p>', edited_at: null });
      expect(pluck(unchanged.body.media_attachments, 'id')).toEqual([mediaId]);
    });

    it('edits the media: replaces, reorders and detaches uploads, keeping the text when only media are sent', async () => {
      const [first, second] = [await upload(alice.appToken), await upload(alice.appToken)];
      const status = await alice.rest.v1.statuses.create({ status: 'album', mediaIds: [first] });
      const both = await api('put', `/api/v1/statuses/${status.id}`, alice.appToken).send({
        status: 'album',
        media_ids: [second, first],
      });
      expect(both.status).toBe(200);
      expect(pluck(both.body.media_attachments, 'id')).toEqual([second, first]);
      const mediaOnly = await api('put', `/api/v1/statuses/${status.id}`, alice.appToken)
        .type('form')
        .send(`status=&media_ids[]=${second}`);
      expect(mediaOnly.status).toBe(200);
      expect(mediaOnly.body.content).toBe('');
      expect(mediaOnly.body).toMatchObject({ sensitive: false, spoiler_text: '' });
      const marked = await api('put', `/api/v1/statuses/${status.id}`, alice.appToken).send({
        status: 'album',
        sensitive: true,
        media_ids: [second],
      });
      expect(marked.body).toMatchObject({ sensitive: true, spoiler_text: '' });
      expect(pluck(mediaOnly.body.media_attachments, 'id')).toEqual([second]);
      const rows = await db.query<{ id: string; post_id: string | null }[]>(
        'SELECT id, post_id FROM media_attachments WHERE id = ANY($1) ORDER BY position',
        [[first, second]],
      );
      expect(Object.fromEntries(rows.map((row) => [row.id, row.post_id]))).toEqual({
        [first]: null,
        [second]: status.id,
      });
      const history = await api('get', `/api/v1/statuses/${status.id}/history`);
      expect(pluck(history.body, 'content')).toEqual(['<p>album</p>', '<p>album</p>', '', '<p>album</p>']);
    });

    it('deletes answering the source for redraft; others get 403 and it stays', async () => {
      const status = await alice.rest.v1.statuses.create({ status: 'to *go*' });
      expect((await api('delete', `/api/v1/statuses/${status.id}`, bob.appToken)).status).toBe(403);
      expect((await api('get', `/api/v1/statuses/${status.id}`)).status).toBe(200);
      const before = await postCount(alice.account.id);
      const removed = await alice.rest.v1.statuses.$select(status.id).remove();
      expect(removed).toMatchObject({ id: status.id, text: 'to *go*', content: '<p>to <em>go</em></p>' });
      expect(await postCount(alice.account.id)).toBe(before - 1);
      expect((await api('get', `/api/v1/statuses/${status.id}`)).status).toBe(404);
      expect(await gqlPost(status.id)).toBeNull();
    });
  });

  describe('actions', () => {
    it('favourites through REST as GraphQL sees it, and a GraphQL like shows in REST', async () => {
      const status = await bob.rest.v1.statuses.create({ status: 'like me' });
      const liked = await alice.rest.v1.statuses.$select(status.id).favourite();
      expect(liked).toMatchObject({ id: status.id, favourited: true, favouritesCount: 1 });
      expect(await gqlPost(status.id, alice.token)).toMatchObject({ likesCount: 1, viewerHasLiked: true });
      // Again: nothing changes.
      expect((await alice.rest.v1.statuses.$select(status.id).favourite()).favouritesCount).toBe(1);
      const unliked = await alice.rest.v1.statuses.$select(status.id).unfavourite();
      expect(unliked).toMatchObject({ favourited: false, favouritesCount: 0 });
      expect(await gqlPost(status.id, alice.token)).toMatchObject({ likesCount: 0, viewerHasLiked: false });

      expect((await t.gql(LIKE, { id: status.id }, carol.token)).data).toEqual({
        likePost: { id: status.id, likesCount: 1 },
      });
      expect(await carol.rest.v1.statuses.$select(status.id).fetch()).toMatchObject({
        favourited: true,
        favouritesCount: 1,
      });
    });

    it('reblogs answering the boost that wraps the original, and unreblogs', async () => {
      const status = await bob.rest.v1.statuses.create({ status: 'boost me' });
      const boost = await alice.rest.v1.statuses.$select(status.id).reblog();
      expect(boost.id).not.toBe(status.id);
      expect(boost.account.id).toBe(alice.account.id);
      expect(boost.reblog).toMatchObject({ id: status.id, reblogged: true, reblogsCount: 1 });
      expect(boost.reblogged).toBe(true);
      expect(await gqlPost(status.id, alice.token)).toMatchObject({ boostsCount: 1, viewerHasBoosted: true });
      const rebloggedBy = await api('get', `/api/v1/statuses/${status.id}/reblogged_by`);
      expect(pluck(rebloggedBy.body, 'id')).toEqual([alice.account.id]);
      expectMastodonResponse('GET', `/api/v1/statuses/${status.id}/reblogged_by`, 200, rebloggedBy.body);
      const undone = await alice.rest.v1.statuses.$select(status.id).unreblog();
      expect(undone).toMatchObject({ id: status.id, reblogged: false, reblogsCount: 0 });
      expect(await gqlPost(status.id, alice.token)).toMatchObject({ boostsCount: 0, viewerHasBoosted: false });
      const privateOne = await bob.rest.v1.statuses.create({ status: 'mine', visibility: 'private' });
      await insertFollow(t, alice.account.id, bob.account.id);
      expect((await api('post', `/api/v1/statuses/${privateOne.id}/reblog`, alice.appToken)).status).toBe(403);
    });

    it('bookmarks and unbookmarks', async () => {
      const status = await bob.rest.v1.statuses.create({ status: 'keep this' });
      expect((await alice.rest.v1.statuses.$select(status.id).bookmark()).bookmarked).toBe(true);
      expect((await gqlPost(status.id, alice.token))?.viewerHasBookmarked).toBe(true);
      expect((await alice.rest.v1.statuses.$select(status.id).unbookmark()).bookmarked).toBe(false);
      const raw = await api('post', `/api/v1/statuses/${status.id}/bookmark`, alice.appToken);
      expect(raw.body.bookmarked).toBe(true);
      expectMastodonResponse('POST', `/api/v1/statuses/${status.id}/bookmark`, 200, raw.body);
      await alice.rest.v1.statuses.$select(status.id).unbookmark();
      expect((await gqlPost(status.id, alice.token))?.viewerHasBookmarked).toBe(false);
    });

    it('pins up to five own public or unlisted statuses', async () => {
      const pinner = await member();
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push(await pinner.rest.v1.statuses.create({ status: `pin ${i}` }));
      for (const status of statuses.slice(0, 5)) {
        expect((await pinner.rest.v1.statuses.$select(status.id).pin()).pinned).toBe(true);
      }
      const sixth = await api('post', `/api/v1/statuses/${statuses[5].id}/pin`, pinner.appToken);
      expect(sixth.status).toBe(422);
      expect(sixth.body).toEqual({ error: 'You have already pinned the maximum number of posts (5)' });
      // Pinning a pinned one again is fine.
      expect((await api('post', `/api/v1/statuses/${statuses[0].id}/pin`, pinner.appToken)).body.pinned).toBe(true);
      const pins = t.app.get(PinService);
      expect((await pins.pinnedPosts(pinner.account.id, null)).map((p) => p.id)).toEqual(
        statuses
          .slice(0, 5)
          .map((s) => s.id)
          .reverse(),
      );
      expect((await pinner.rest.v1.statuses.$select(statuses[0].id).unpin()).pinned).toBe(false);
      expect((await pinner.rest.v1.statuses.$select(statuses[5].id).pin()).pinned).toBe(true);

      const others = await api('post', `/api/v1/statuses/${statuses[1].id}/pin`, alice.appToken);
      expect(others.status).toBe(422);
      expect(others.body).toEqual({ error: 'You can only pin your own posts' });
      const direct = await pinner.rest.v1.statuses.create({ status: 'dm', visibility: 'direct' });
      expect((await api('post', `/api/v1/statuses/${direct.id}/pin`, pinner.appToken)).status).toBe(422);
      const noScope = await appToken(t, pinner, 'read write:statuses');
      expect((await api('post', `/api/v1/statuses/${direct.id}/pin`, noScope)).status).toBe(403);
    });

    it('mutes the whole conversation', async () => {
      const root = await bob.rest.v1.statuses.create({ status: 'thread' });
      const reply = await carol.rest.v1.statuses.create({ status: 'answer', inReplyToId: root.id });
      expect((await alice.rest.v1.statuses.$select(reply.id).mute()).muted).toBe(true);
      expect((await alice.rest.v1.statuses.$select(root.id).fetch()).muted).toBe(true);
      expect((await bob.rest.v1.statuses.$select(root.id).fetch()).muted).toBe(false);
      expect((await alice.rest.v1.statuses.$select(root.id).unmute()).muted).toBe(false);
      expect((await alice.rest.v1.statuses.$select(reply.id).fetch()).muted).toBe(false);
    });

    it('lists who favourited, paged with a Link header', async () => {
      const status = await alice.rest.v1.statuses.create({ status: 'popular' });
      const fans = [bob, carol, await member()];
      for (const fan of fans) await fan.rest.v1.statuses.$select(status.id).favourite();
      const first = await api('get', `/api/v1/statuses/${status.id}/favourited_by?limit=2`);
      expect(pluck(first.body, 'id')).toEqual([fans[2].account.id, fans[1].account.id]);
      expectMastodonResponse('GET', `/api/v1/statuses/${status.id}/favourited_by`, 200, first.body);
      const next = /<([^>]+)>; rel="next"/.exec(first.headers.link)![1];
      expect(next).toContain(`${t.origin}/api/v1/statuses/${status.id}/favourited_by?limit=2&max_id=`);
      const second = await api('get', next.slice(t.origin.length));
      expect(pluck(second.body, 'id')).toEqual([fans[0].account.id]);
      const viaMasto = await alice.rest.v1.statuses.$select(status.id).favouritedBy.list();
      expect(viaMasto.map((a) => a.id)).toEqual(fans.map((f) => f.account.id).reverse());
      const hidden = await bob.rest.v1.statuses.create({ status: 'dm', visibility: 'direct' });
      expect((await api('get', `/api/v1/statuses/${hidden.id}/favourited_by`)).status).toBe(404);
    });

    it('answers 404 for actions on statuses the member may not see', async () => {
      const direct = await bob.rest.v1.statuses.create({ status: 'psst', visibility: 'direct' });
      for (const action of ['favourite', 'reblog', 'bookmark', 'mute', 'pin']) {
        const res = await api('post', `/api/v1/statuses/${direct.id}/${action}`, alice.appToken);
        expect([action, res.status]).toEqual([action, 404]);
      }
      expect(await gqlPost(direct.id, bob.token)).toMatchObject({ likesCount: 0, boostsCount: 0 });
    });
  });

  describe('scheduled statuses', () => {
    const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

    it('schedules, lists, moves and cancels; too soon is 422', async () => {
      const at = inMinutes(60);
      const before = await postCount(alice.account.id);
      const scheduled = await alice.rest.v1.statuses.create({
        status: 'later',
        scheduledAt: at,
        visibility: 'unlisted',
      });
      expect(scheduled).toMatchObject({
        scheduledAt: at,
        params: { text: 'later', visibility: 'unlisted', inReplyToId: null, mediaIds: null },
        mediaAttachments: [],
      });
      expect(await postCount(alice.account.id)).toBe(before);
      const listed = await alice.rest.v1.scheduledStatuses.list();
      expect(listed.map((s) => s.id)).toContain(scheduled.id);
      expect((await api('get', `/api/v1/scheduled_statuses/${scheduled.id}`, bob.appToken)).status).toBe(404);
      const moved = await alice.rest.v1.scheduledStatuses.$select(scheduled.id).update({ scheduledAt: inMinutes(120) });
      expect(new Date(moved.scheduledAt).getTime()).toBeGreaterThan(new Date(at).getTime());
      const job = await t.app.get<Queue>(getQueueToken(CONTENT_QUEUE)).getJob(scheduled.id);
      expect(job?.delay).toBeGreaterThan(100 * 60_000);
      const soon = await api('post', '/api/v1/statuses', alice.appToken).send({
        status: 'x',
        scheduled_at: inMinutes(2),
      });
      expect(soon.status).toBe(422);
      expect(soon.body).toEqual({ error: 'The scheduled date must be at least 5 minutes in the future' });
      await alice.rest.v1.scheduledStatuses.$select(scheduled.id).remove();
      expect((await api('get', `/api/v1/scheduled_statuses/${scheduled.id}`, alice.appToken)).status).toBe(404);
      expect(await t.app.get<Queue>(getQueueToken(CONTENT_QUEUE)).getJob(scheduled.id)).toBeUndefined();
    });

    it('publishes at its time through the delayed job, with its media', async () => {
      const mediaId = await upload(alice.appToken);
      const res = await api('post', '/api/v1/statuses', alice.appToken).send({
        status: 'from the future',
        media_ids: [mediaId],
        scheduled_at: inMinutes(30),
      });
      expect(res.status).toBe(200);
      expect(pluck(res.body.media_attachments, 'id')).toEqual([mediaId]);
      // Not checked with expectMastodonResponse: Mastodon documents params.application_id (deprecated)
      // and in_reply_to_id as integers, and Guildhall's ids are UUIDs.
      const before = await postCount(alice.account.id);
      const job = await t.app.get<Queue>(getQueueToken(CONTENT_QUEUE)).getJob(res.body.id);
      await job!.promote();
      const [published] = await eventually(
        () =>
          db.query<{ id: string; content: string }[]>(
            'SELECT p.id, p.content FROM posts p JOIN media_attachments m ON m.post_id = p.id WHERE m.id = $1',
            [mediaId],
          ),
        (rows) => expect(rows).toHaveLength(1),
      );
      expect(published.content).toBe('<p>from the future</p>');
      expect(await postCount(alice.account.id)).toBe(before + 1);
      // The worker removes the scheduled row just after the post commits.
      await eventually(
        async () => (await api('get', `/api/v1/scheduled_statuses/${res.body.id}`, alice.appToken)).status,
        (status) => expect(status).toBe(404),
      );
      expect((await alice.rest.v1.statuses.$select(published.id).fetch()).mediaAttachments[0].id).toBe(mediaId);
    });
  });
});
