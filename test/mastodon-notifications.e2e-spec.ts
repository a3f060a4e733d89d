import { signUp, type SignedUp } from './utils/factories';
import { insertFollow } from './utils/graph';
import { appToken } from './utils/mastodon';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const CREATE_POST = `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`;
const LIKE = `mutation ($id: ID!) { likePost(id: $id) { id } }`;
const NOTIFICATIONS = `query { notifications(first: 10) { edges { node { id type } } } }`;

describe('Mastodon notifications and markers', () => {
  let t: TestApp & { origin: string };
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;
  let aliceToken: string;
  let postId: string;

  const api = async (path: string, init: RequestInit = {}, token = aliceToken) => {
    const res = await fetch(`${t.origin}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    });
    return { status: res.status, body: await res.json(), link: res.headers.get('link') };
  };

  beforeAll(async () => {
    t = await createListeningTestApp();
    [alice, bob, carol] = await Promise.all([signUp(t), signUp(t), signUp(t)]);
    aliceToken = await appToken(t, alice, 'read write');
    const created = await t.gql<{ createPost: { id: string } }>(
      CREATE_POST,
      { input: { content: 'hello' } },
      alice.token,
    );
    postId = created.data!.createPost.id;
    await t.gql(LIKE, { id: postId }, bob.token);
    await t.gql(LIKE, { id: postId }, carol.token);
    await insertFollow(t, bob.account.id, alice.account.id);
    await t.gql(`mutation ($h: String!) { follow(handle: $h) { id } }`, { h: alice.username }, carol.token);
  });
  afterAll(() => t.close());

  it('masto.js lists favourites made through GraphQL as Mastodon notifications, newest first', async () => {
    const { createRestAPIClient } = await import('masto');
    const client = createRestAPIClient({ url: t.origin, accessToken: aliceToken });
    const list = await client.v1.notifications.list({ types: ['favourite'] });
    expect(list.map((n) => [n.type, n.account.id, n.status?.id])).toEqual([
      ['favourite', carol.account.id, postId],
      ['favourite', bob.account.id, postId],
    ]);
    expect(list[0].groupKey).toBe(`favourite-${postId}`);
    const graph = await t.gql<{ notifications: { edges: { node: { id: string } }[] } }>(NOTIFICATIONS, {}, alice.token);
    expect(graph.data!.notifications.edges.map((e) => e.node.id)).toContain(list[0].id);
  });

  it('filters by exclude_types and account_id, pages with a Link header', async () => {
    const all = await api('/api/v1/notifications');
    const ids = (all.body as { id: string }[]).map((n) => n.id);
    expect(ids).toHaveLength(3);
    const noLikes = await api('/api/v1/notifications?exclude_types[]=favourite');
    expect((noLikes.body as { type: string }[]).map((n) => n.type)).toEqual(['follow']);
    const fromBob = await api(`/api/v1/notifications?account_id=${bob.account.id}`);
    expect((fromBob.body as { account: { id: string } }[]).map((n) => n.account.id)).toEqual([bob.account.id]);
    const page = await api('/api/v1/notifications?limit=1');
    expect((page.body as { id: string }[]).map((n) => n.id)).toEqual([ids[0]]);
    expect(page.link).toBe(
      `<${t.origin}/api/v1/notifications?limit=1&max_id=${ids[0]}>; rel="next", <${t.origin}/api/v1/notifications?limit=1&min_id=${ids[0]}>; rel="prev"`,
    );
    const older = await api(`/api/v1/notifications?limit=1&max_id=${ids[0]}`);
    expect((older.body as { id: string }[]).map((n) => n.id)).toEqual([ids[1]]);
    const newer = await api(`/api/v1/notifications?min_id=${ids[2]}`);
    expect((newer.body as { id: string }[]).map((n) => n.id)).toEqual([ids[0], ids[1]]);
  });

  it('groups favourites by status in v2', async () => {
    const res = await api('/api/v2/notifications');
    const body = res.body as {
      notification_groups: {
        group_key: string;
        notifications_count: number;
        type: string;
        sample_account_ids: string[];
        status_id?: string;
      }[];
      accounts: { id: string }[];
      statuses: { id: string }[];
    };
    expect(body.notification_groups.map((g) => [g.group_key, g.notifications_count, g.type])).toEqual([
      ['follow', 1, 'follow'],
      [`favourite-${postId}`, 2, 'favourite'],
    ]);
    expect(body.notification_groups[1].sample_account_ids).toEqual([carol.account.id, bob.account.id]);
    expect(body.notification_groups[1].status_id).toBe(postId);
    expect(body.accounts.map((a) => a.id).sort()).toEqual([bob.account.id, carol.account.id].sort());
    expect(body.statuses.map((s) => s.id)).toEqual([postId]);
    const one = await api(`/api/v2/notifications/favourite-${postId}`);
    expect((one.body as typeof body).notification_groups[0].notifications_count).toBe(2);
  });

  it('counts unread since the notifications marker; markers keep versions', async () => {
    const all = (await api('/api/v1/notifications')).body as { id: string }[];
    expect((await api('/api/v1/notifications/unread_count')).body).toEqual({ count: 3 });
    const saved = await api('/api/v1/markers', {
      method: 'POST',
      body: JSON.stringify({ notifications: { last_read_id: all[1].id } }),
    });
    expect(saved.status).toBe(200);
    expect((saved.body as { notifications: { last_read_id: string; version: number } }).notifications).toMatchObject({
      last_read_id: all[1].id,
      version: 1,
    });
    expect((await api('/api/v2/notifications/unread_count')).body).toEqual({ count: 1 });
    await api('/api/v1/markers', {
      method: 'POST',
      body: JSON.stringify({ notifications: { last_read_id: all[0].id } }),
    });
    const got = await api('/api/v1/markers?timeline[]=notifications&timeline[]=home');
    expect(got.body).toEqual({
      notifications: { last_read_id: all[0].id, version: 2, updated_at: expect.stringMatching(/Z$/) as string },
    });
    const bad = await api('/api/v1/markers', { method: 'POST', body: JSON.stringify({ home: { last_read_id: 5 } }) });
    expect(bad).toMatchObject({ status: 422, body: { error: 'home[last_read_id] must be an id' } });
  });

  it('dismisses one, refuses what is not theirs, then clears', async () => {
    const all = (await api('/api/v1/notifications')).body as { id: string }[];
    const other = await appToken(t, bob, 'read write');
    expect(await api(`/api/v1/notifications/${all[0].id}`, {}, other)).toMatchObject({
      status: 404,
      body: { error: 'Record not found' },
    });
    expect((await api(`/api/v1/notifications/${all[0].id}/dismiss`, { method: 'POST' }, other)).status).toBe(404);
    expect((await api(`/api/v1/notifications/${all[0].id}/dismiss`, { method: 'POST' })).status).toBe(200);
    expect((await api(`/api/v1/notifications/${all[0].id}`)).status).toBe(404);
    expect(((await api('/api/v1/notifications')).body as unknown[]).length).toBe(2);
    const readOnly = await appToken(t, alice, 'read');
    expect((await api('/api/v1/notifications/clear', { method: 'POST' }, readOnly)).status).toBe(403);
    expect((await api('/api/v1/notifications/clear', { method: 'POST' })).status).toBe(200);
    expect((await api('/api/v1/notifications')).body).toEqual([]);
    expect((await api('/api/v2/notifications/policy')).body).toMatchObject({ for_not_following: 'accept' });
    expect((await api('/api/v1/notifications/requests')).body).toEqual([]);
  });
});
