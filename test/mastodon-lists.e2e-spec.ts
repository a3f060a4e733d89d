import { createRestAPIClient, type mastodon } from 'masto';
import { DataSource } from 'typeorm';
import { uuidv7 } from '@guildhall/core';
import { signUp, type SignedUp } from './utils/factories';
import { insertBlock, insertFollow } from './utils/graph';
import { appToken } from './utils/mastodon';
import { expectMastodonResponse } from './utils/mastodon-schema';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const CREATE = 'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }';
const HOME = `query { timeline(kind: HOME, first: 40) { edges { node { id } } } }`;

const newestFirst = (ids: string[]) => [...ids].sort().reverse();

async function collect<T extends { id: string }>(paginator: mastodon.Paginator<T[], unknown>): Promise<string[][]> {
  const pages: string[][] = [];
  for await (const page of paginator) pages.push(page.map((item) => item.id));
  return pages;
}

describe('Mastodon lists', () => {
  let t: TestApp & { origin: string };
  let db: DataSource;
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;
  let dave: SignedUp;
  let stranger: SignedUp;
  let aliceToken: string;
  let masto: mastodon.rest.Client;

  const post = async (who: SignedUp, content: string, extra: Record<string, unknown> = {}) => {
    const res = await t.gql<{ createPost: { id: string } }>(CREATE, { input: { content, ...extra } }, who.token);
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost.id;
  };
  const counts = async () => {
    const [row] = await db.query<{ lists: string; members: string }[]>(
      `SELECT (SELECT count(*) FROM lists WHERE account_id = $1) AS lists,
              (SELECT count(*) FROM list_accounts la JOIN lists l ON l.id = la.list_id WHERE l.account_id = $1) AS members`,
      [alice.account.id],
    );
    return { lists: Number(row.lists), members: Number(row.members) };
  };
  const api = (method: 'get' | 'post' | 'put' | 'delete', path: string, token = aliceToken) =>
    t.http()[method](path).set('authorization', `Bearer ${token}`);

  beforeAll(async () => {
    t = await createListeningTestApp();
    db = t.app.get(DataSource);
    [alice, bob, carol, dave, stranger] = await Promise.all(Array.from({ length: 5 }, () => signUp(t)));
    for (const followee of [bob, carol, dave]) await insertFollow(t, alice.account.id, followee.account.id);
    aliceToken = await appToken(t, alice, 'read write');
    masto = createRestAPIClient({ url: t.origin, accessToken: aliceToken });
  });
  afterAll(() => t.close());

  it('creates, reads, renames and deletes a list with masto.js', async () => {
    const created = await masto.v1.lists.create({ title: '  Friends  ', exclusive: false });
    expect(created).toEqual({ id: expect.any(String), title: 'Friends', repliesPolicy: 'list', exclusive: false });
    expect(await masto.v1.lists.$select(created.id).fetch()).toEqual(created);
    const updated = await masto.v1.lists.$select(created.id).update({
      title: 'Close friends',
      repliesPolicy: 'followed',
      exclusive: true,
    } as mastodon.rest.v1.UpdateListParams);
    expect(updated).toEqual({ id: created.id, title: 'Close friends', repliesPolicy: 'followed', exclusive: true });
    expect((await masto.v1.lists.list()).map((list) => list.id)).toContain(created.id);
    await masto.v1.lists.$select(created.id).remove();
    const gone = await api('get', `/api/v1/lists/${created.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error: 'Record not found' });
  });

  it('takes form bodies too, and a PUT changes only what it names', async () => {
    const res = await api('post', '/api/v1/lists').type('form').send('title=Work&replies_policy=none&exclusive=1');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ title: 'Work', replies_policy: 'none', exclusive: true });
    const put = await api('put', `/api/v1/lists/${res.body.id}`).send({ title: 'Work stuff' });
    expect(put.body).toEqual({ id: res.body.id, title: 'Work stuff', replies_policy: 'none', exclusive: true });
    await api('delete', `/api/v1/lists/${res.body.id}`).expect(200, {});
  });

  it.each([
    [{ title: '' }, "Title can't be blank"],
    [{ title: '   ' }, "Title can't be blank"],
    [{}, "Title can't be blank"],
    [{ title: 'x'.repeat(257) }, 'Title is too long'],
    [{ title: 'ok', replies_policy: 'everyone' }, 'Replies policy must be one of followed, list, none'],
  ])('refuses to create %j with 422 and creates nothing', async (body, message) => {
    const before = await counts();
    const res = await api('post', '/api/v1/lists').send(body);
    expect(res.status).toBe(422);
    expect(res.body.error).toContain(message);
    expect(await counts()).toEqual(before);
  });

  it('refuses a bad update with 422 and changes nothing', async () => {
    const list = await masto.v1.lists.create({ title: 'Stable' });
    for (const body of [{ title: '' }, { replies_policy: 'all' }]) {
      const res = await api('put', `/api/v1/lists/${list.id}`).send(body);
      expect(res.status).toBe(422);
    }
    expect(await masto.v1.lists.$select(list.id).fetch()).toEqual(list);
  });

  it('manages members: only followed accounts, all or none; pages them with Link', async () => {
    const list = await masto.v1.lists.create({ title: 'Members' });
    const members = masto.v1.lists.$select(list.id).accounts;
    await members.create({ accountIds: [bob.account.id, carol.account.id] });
    await members.create({ accountIds: [dave.account.id] });
    // Newest membership first, two a page, masto.js following the Link header.
    expect(await collect(members.list({ limit: 2 }))).toEqual([
      [dave.account.id, expect.any(String)],
      [expect.any(String)],
    ]);
    const everyone = await api('get', `/api/v1/lists/${list.id}/accounts?limit=0`);
    expect(everyone.headers.link).toBeUndefined();
    expect(new Set((everyone.body as { id: string }[]).map((a) => a.id))).toEqual(
      new Set([bob.account.id, carol.account.id, dave.account.id]),
    );
    expect((everyone.body as { acct: string }[]).map((a) => a.acct)).toContain(bob.username);

    const before = await counts();
    const notFollowed = await api('post', `/api/v1/lists/${list.id}/accounts`).send({
      account_ids: [stranger.account.id],
    });
    expect(notFollowed.status).toBe(422);
    expect(notFollowed.body).toEqual({ error: 'You must follow an account to add it to a list' });
    // One bad account refuses the whole call: the followed one is not added either.
    const mixed = await api('post', `/api/v1/lists/${list.id}/accounts`)
      .type('form')
      .send(`account_ids[]=${bob.account.id}&account_ids[]=${stranger.account.id}`);
    expect(mixed.status).toBe(422);
    const again = await api('post', `/api/v1/lists/${list.id}/accounts`).send({ account_ids: [bob.account.id] });
    expect(again.status).toBe(422);
    expect(again.body).toEqual({ error: 'Account has already been taken' });
    const none = await api('post', `/api/v1/lists/${list.id}/accounts`).send({});
    expect(none.status).toBe(422);
    expect(await counts()).toEqual(before);

    await members.remove({ accountIds: [carol.account.id] });
    const left = await api('get', `/api/v1/lists/${list.id}/accounts`);
    expect(new Set((left.body as { id: string }[]).map((a) => a.id))).toEqual(
      new Set([bob.account.id, dave.account.id]),
    );
    // The query string works for DELETE too (clients that send no body).
    await api('delete', `/api/v1/lists/${list.id}/accounts?account_ids[]=${dave.account.id}`).expect(200, {});
    const containing = await api('get', `/api/v1/accounts/${bob.account.id}/lists`);
    expect(containing.body).toEqual([{ id: list.id, title: 'Members', replies_policy: 'list', exclusive: false }]);
    expectMastodonResponse('GET', `/api/v1/accounts/${bob.account.id}/lists`, 200, containing.body);
    expectMastodonResponse('GET', `/api/v1/lists/${list.id}/accounts`, 200, left.body);
    for (const path of ['/api/v1/lists', `/api/v1/lists/${list.id}`]) {
      expectMastodonResponse('GET', path, 200, (await api('get', path).expect(200)).body);
    }
    expect((await api('get', `/api/v1/accounts/${dave.account.id}/lists`)).body).toEqual([]);
    expect((await api('get', `/api/v1/accounts/${uuidv7()}/lists`)).status).toBe(404);
  });

  it('keeps every list private: another member gets 404 and changes nothing', async () => {
    const list = await masto.v1.lists.create({ title: 'Private' });
    await masto.v1.lists.$select(list.id).accounts.create({ accountIds: [bob.account.id] });
    const otherToken = await appToken(t, stranger, 'read write');
    await insertFollow(t, stranger.account.id, carol.account.id);
    const before = await counts();
    for (const [method, path, body] of [
      ['get', `/api/v1/lists/${list.id}`, undefined],
      ['put', `/api/v1/lists/${list.id}`, { title: 'Mine now' }],
      ['delete', `/api/v1/lists/${list.id}`, undefined],
      ['get', `/api/v1/lists/${list.id}/accounts`, undefined],
      ['post', `/api/v1/lists/${list.id}/accounts`, { account_ids: [carol.account.id] }],
      ['delete', `/api/v1/lists/${list.id}/accounts`, { account_ids: [bob.account.id] }],
      ['get', `/api/v1/timelines/list/${list.id}`, undefined],
      ['get', '/api/v1/lists/not-a-uuid', undefined],
    ] as const) {
      const res = await api(method, path, otherToken).send(body);
      expect([method, path, res.status, res.body]).toEqual([method, path, 404, { error: 'Record not found' }]);
    }
    expect(await counts()).toEqual(before);
    expect((await masto.v1.lists.$select(list.id).fetch()).title).toBe('Private');
    expect((await api('get', '/api/v1/lists', otherToken)).body).toEqual([]);
  });

  it('needs read:lists to read and write:lists to change', async () => {
    const readOnly = await appToken(t, alice, 'read:lists');
    expect((await api('get', '/api/v1/lists', readOnly)).status).toBe(200);
    const refused = await api('post', '/api/v1/lists', readOnly).send({ title: 'Nope' });
    expect(refused.status).toBe(403);
    const statusesOnly = await appToken(t, alice, 'read:statuses');
    expect((await api('get', '/api/v1/lists', statusesOnly)).status).toBe(403);
    expect((await t.http().get('/api/v1/lists')).status).toBe(401);
  });

  it('is the same list through GraphQL and REST, with the same rules', async () => {
    const created = await t.gql<{
      createList: { id: string; title: string; repliesPolicy: string; exclusive: boolean };
    }>(
      'mutation($input: ListInput!) { createList(input: $input) { id title repliesPolicy exclusive } }',
      { input: { title: 'From GraphQL', repliesPolicy: 'FOLLOWED' } },
      alice.token,
    );
    const id = created.data!.createList.id;
    expect(created.data!.createList).toEqual({
      id,
      title: 'From GraphQL',
      repliesPolicy: 'FOLLOWED',
      exclusive: false,
    });
    expect(await masto.v1.lists.$select(id).fetch()).toEqual({
      id,
      title: 'From GraphQL',
      repliesPolicy: 'followed',
      exclusive: false,
    });
    await masto.v1.lists.$select(id).update({ title: 'Renamed over REST' });
    const listed = await t.gql<{ lists: { id: string; title: string }[] }>(
      'query { lists { id title } }',
      {},
      alice.token,
    );
    expect(listed.data!.lists).toContainEqual({ id, title: 'Renamed over REST' });

    const ADD = 'mutation($id: ID!, $input: ListAccountsInput!) { addListAccounts(id: $id, input: $input) { id } }';
    const before = await counts();
    const refused = await t.gql(ADD, { id, input: { accountIds: [stranger.account.id] } }, alice.token);
    expect(refused.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const foreign = await t.gql(ADD, { id, input: { accountIds: [carol.account.id] } }, stranger.token);
    expect(foreign.errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect(await counts()).toEqual(before);
    expect((await t.gql(ADD, { id, input: { accountIds: [dave.account.id] } }, alice.token)).errors).toBeUndefined();
    const davePost = await post(dave, 'for both APIs');
    const viaGraphql = await t.gql<{ listTimeline: { edges: { node: { id: string } }[] } }>(
      'query($id: ID!) { listTimeline(id: $id, first: 40) { edges { node { id } } } }',
      { id },
      alice.token,
    );
    const viaRest = (await masto.v1.timelines.list.$select(id).list({ limit: 40 })).map((status) => status.id);
    expect(viaRest[0]).toBe(davePost);
    expect(viaGraphql.data!.listTimeline.edges.map((edge) => edge.node.id)).toEqual(viaRest);
    const deleted = await t.gql<{ deleteList: boolean }>(
      'mutation($id: ID!) { deleteList(id: $id) }',
      { id },
      alice.token,
    );
    expect(deleted.data).toEqual({ deleteList: true });
    expect((await api('get', `/api/v1/lists/${id}`)).status).toBe(404);
  });

  describe('list timeline', () => {
    let list: mastodon.v1.List;
    const p: Record<string, string> = {};
    let eve: SignedUp;

    beforeAll(async () => {
      eve = await signUp(t);
      await insertFollow(t, alice.account.id, eve.account.id);
      list = await masto.v1.lists.create({ title: 'Timeline' });
      await masto.v1.lists.$select(list.id).accounts.create({ accountIds: [bob.account.id, carol.account.id] });
      p.bob1 = await post(bob, 'bob one');
      p.carol1 = await post(carol, 'carol one');
      p.carolFollowers = await post(carol, 'carol followers', { visibility: 'FOLLOWERS' });
      p.dave1 = await post(dave, 'dave is not on the list');
      p.strangerPost = await post(stranger, 'a stranger');
      // Replies by members: to a member, to someone Alice follows (Eve), to a stranger, to themselves.
      p.replyToMember = await post(bob, 'to carol', { inReplyToId: p.carol1 });
      p.eveRoot = await post(eve, 'eve root');
      p.replyToFollowed = await post(carol, 'to eve', { inReplyToId: p.eveRoot });
      p.replyToStranger = await post(bob, 'to a stranger', { inReplyToId: p.strangerPost });
      p.selfReply = await post(bob, 'to myself', { inReplyToId: p.bob1 });
      // Carol boosts the stranger's post: a member's boost is on the list.
      await t.gql('mutation($id: ID!) { boostPost(id: $id) { id } }', { id: p.strangerPost }, carol.token);
      const [{ id }] = await db.query<{ id: string }[]>(
        'SELECT id FROM posts WHERE account_id = $1 AND boost_of_id = $2',
        [carol.account.id, p.strangerPost],
      );
      p.carolBoost = id;
    });

    const timeline = async (limit = 40) =>
      (await masto.v1.timelines.list.$select(list.id).list({ limit })).map((status) => status.id);
    const setPolicy = (repliesPolicy: string) =>
      api('put', `/api/v1/lists/${list.id}`).send({ replies_policy: repliesPolicy }).expect(200);
    const always = () => [p.bob1, p.carol1, p.carolFollowers, p.selfReply, p.carolBoost];

    it("'list' (the default) shows members' posts and boosts, and replies to members only", async () => {
      expect(await timeline()).toEqual(newestFirst([...always(), p.replyToMember]));
      const raw = await api('get', `/api/v1/timelines/list/${list.id}`).expect(200);
      expectMastodonResponse('GET', `/api/v1/timelines/list/${list.id}`, 200, raw.body);
      const pages = await collect(masto.v1.timelines.list.$select(list.id).list({ limit: 2 }));
      expect(pages.flat()).toEqual(newestFirst([...always(), p.replyToMember]));
    });

    it("'followed' shows replies to accounts Alice follows; 'none' no replies to others", async () => {
      await setPolicy('followed');
      expect(await timeline()).toEqual(newestFirst([...always(), p.replyToMember, p.replyToFollowed]));
      await setPolicy('none');
      expect(await timeline()).toEqual(newestFirst(always()));
      await setPolicy('list');
    });

    it('applies mutes and blocks as home does', async () => {
      await db.query('INSERT INTO mutes (id, account_id, target_id) VALUES ($1, $2, $3)', [
        uuidv7(),
        alice.account.id,
        stranger.account.id,
      ]);
      // The boost of a muted account's post leaves the list.
      expect(await timeline()).not.toContain(p.carolBoost);
      await db.query('DELETE FROM mutes WHERE account_id = $1 AND target_id = $2', [
        alice.account.id,
        stranger.account.id,
      ]);
      expect(await timeline()).toContain(p.carolBoost);
    });

    it('an exclusive list takes its members out of home; unfollowing takes them off the list', async () => {
      const homeIds = async () =>
        (
          await t.gql<{ timeline: { edges: { node: { id: string } }[] } }>(HOME, {}, alice.token)
        ).data!.timeline.edges.map((edge) => edge.node.id);
      const restHome = async () => (await masto.v1.timelines.home.list({ limit: 40 })).map((s) => s.id);
      expect(await homeIds()).toContain(p.bob1);
      await masto.v1.lists.$select(list.id).update({ title: 'Timeline', exclusive: true });
      for (const ids of [await homeIds(), await restHome()]) {
        expect(ids).not.toContain(p.bob1);
        expect(ids).not.toContain(p.carol1);
        expect(ids).toContain(p.dave1);
      }
      await masto.v1.lists.$select(list.id).update({ title: 'Timeline', exclusive: false });
      expect(await homeIds()).toContain(p.bob1);

      const unfollow = await t.gql(
        'mutation($h: String!) { unfollow(handle: $h) }',
        { h: carol.username },
        alice.token,
      );
      expect(unfollow.data).toEqual({ unfollow: true });
      const members = await api('get', `/api/v1/lists/${list.id}/accounts`);
      expect((members.body as { id: string }[]).map((a) => a.id)).toEqual([bob.account.id]);
      const seen = await timeline();
      expect(seen).not.toContain(p.carol1);
      expect(seen).toContain(p.bob1);
      // Bob blocking Alice hides his posts from her, on the list as everywhere.
      await insertBlock(t, bob.account.id, alice.account.id);
      expect(await timeline()).not.toContain(p.bob1);
    });
  });
});
