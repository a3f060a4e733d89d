import { uuidv7 } from '@guildhall/core';
import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { eventually } from './utils/eventually';
import { appToken } from './utils/mastodon';
import { mastodonSchemaErrors } from './utils/mastodon-schema';
import { createListeningTestApp, type TestApp } from './utils/test-app';

interface Group {
  group_key: string;
  notifications_count: number;
  type: string;
  most_recent_notification_id: string;
  page_min_id?: string;
  page_max_id?: string;
  latest_page_notification_at?: string;
  sample_account_ids: string[];
  status_id?: string;
}

interface Results {
  accounts: { id: string }[];
  statuses: { id: string }[];
  notification_groups: Group[];
}

/** `GET /api/v2/notifications` pages by groups, and a group spans pages, as Mastodon 4.3 documents. */
describe('Mastodon API: grouped notifications across pages', () => {
  let t: TestApp & { origin: string };
  let alice: SignedUp & { appToken: string };
  let postId: string;
  /** Oldest first: like b1, like b2, mention m1, mention m2, like b3. */
  const ids: Record<'b1' | 'b2' | 'm1' | 'm2' | 'b3', string> = { b1: '', b2: '', m1: '', m2: '', b3: '' };
  const accounts: Record<'b1' | 'b2' | 'b3' | 'm', string> = { b1: '', b2: '', b3: '', m: '' };

  const grouped = async (query: string) => {
    const res = await t.http().get(`/api/v2/notifications${query}`).set('authorization', `Bearer ${alice.appToken}`);
    expect(res.status).toBe(200);
    // The OpenAPI description types most_recent_notification_id as an integer; Mastodon's own
    // documentation (and every other id here, a UUID) make it a string: that one error is expected.
    const errors = mastodonSchemaErrors('GET', `/api/v2/notifications${query.split('?')[0]}`, 200, res.body).filter(
      (e) => !(e.instancePath.endsWith('/most_recent_notification_id') && e.keyword === 'type'),
    );
    expect(errors).toEqual([]);
    return { body: res.body as Results, link: res.headers.link as string | undefined };
  };

  /** Waits for the newest notification to be a new one, and returns its id: the next one is newer. */
  async function newest(count: number): Promise<string> {
    const list = await eventually(
      async () =>
        (await t.http().get('/api/v1/notifications').set('authorization', `Bearer ${alice.appToken}`)).body as {
          id: string;
        }[],
      (rows) => expect(rows).toHaveLength(count),
    );
    return list[0].id;
  }

  beforeAll(async () => {
    t = await createListeningTestApp();
    const signed = await signUp(t);
    alice = { ...signed, appToken: await appToken(t, signed) };
    const [b1, b2, b3, m] = await Promise.all([signUp(t), signUp(t), signUp(t), signUp(t)]);
    Object.assign(accounts, { b1: b1.account.id, b2: b2.account.id, b3: b3.account.id, m: m.account.id });
    const mToken = await appToken(t, m);
    const like = (who: SignedUp) =>
      t.gql(`mutation ($id: ID!) { likePost(id: $id) { id } }`, { id: postId }, who.token);
    const mention = (text: string) =>
      t
        .http()
        .post('/api/v1/statuses')
        .set('authorization', `Bearer ${mToken}`)
        .send({ status: `@${alice.username} ${text}` });
    const created = await t.gql<{ createPost: { id: string } }>(
      `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`,
      { input: { content: 'liked a lot' } },
      alice.token,
    );
    postId = created.data!.createPost.id;
    await like(b1);
    ids.b1 = await newest(1);
    await like(b2);
    ids.b2 = await newest(2);
    await mention('one');
    ids.m1 = await newest(3);
    await mention('two');
    ids.m2 = await newest(4);
    await like(b3);
    ids.b3 = await newest(5);
  });
  afterAll(() => t.close());

  it('one page: the group spans its members in the page, counted whole', async () => {
    const { body } = await grouped('');
    expect(body.notification_groups.map((g) => [g.group_key, g.notifications_count])).toEqual([
      [`favourite-${postId}`, 3],
      [`ungrouped-${ids.m2}`, 1],
      [`ungrouped-${ids.m1}`, 1],
    ]);
    expect(body.notification_groups[0]).toMatchObject({
      type: 'favourite',
      most_recent_notification_id: ids.b3,
      page_max_id: ids.b3,
      page_min_id: ids.b1,
      sample_account_ids: [accounts.b3, accounts.b2, accounts.b1],
      status_id: postId,
    });
    expect(body.notification_groups[1]).toMatchObject({ type: 'mention', page_min_id: ids.m2, page_max_id: ids.m2 });
  });

  it('pages by groups: the same group_key on each page, counted up to the page, bounded within it', async () => {
    const first = await grouped('?limit=2');
    expect(
      first.body.notification_groups.map((g) => [g.group_key, g.notifications_count, g.page_min_id, g.page_max_id]),
    ).toEqual([
      [`favourite-${postId}`, 3, ids.b3, ids.b3],
      [`ungrouped-${ids.m2}`, 1, ids.m2, ids.m2],
    ]);
    expect(first.body.notification_groups[0].most_recent_notification_id).toBe(ids.b3);
    expect(first.body.notification_groups[0].sample_account_ids).toEqual([accounts.b3, accounts.b2, accounts.b1]);
    // Every sample account is listed, though only b3's notification is in the page.
    expect(first.body.accounts.map((a) => a.id).sort()).toEqual(
      [accounts.b1, accounts.b2, accounts.b3, accounts.m].sort(),
    );
    expect(first.link).toBe(
      `<${t.origin}/api/v2/notifications?limit=2&max_id=${ids.m2}>; rel="next", <${t.origin}/api/v2/notifications?limit=2&min_id=${ids.b3}>; rel="prev"`,
    );

    const second = await grouped(`?limit=2&max_id=${ids.m2}`);
    expect(
      second.body.notification_groups.map((g) => [
        g.group_key,
        g.notifications_count,
        g.most_recent_notification_id,
        g.page_min_id,
        g.page_max_id,
      ]),
    ).toEqual([
      [`ungrouped-${ids.m1}`, 1, ids.m1, ids.m1, ids.m1],
      [`favourite-${postId}`, 2, ids.b2, ids.b2, ids.b2],
    ]);
    expect(second.body.notification_groups[1].sample_account_ids).toEqual([accounts.b2, accounts.b1]);

    // The last page is short: no `next`, and the group reaches down to its oldest member.
    const third = await grouped(`?limit=2&max_id=${ids.b2}`);
    expect(third.body.notification_groups.map((g) => [g.group_key, g.notifications_count, g.page_min_id])).toEqual([
      [`favourite-${postId}`, 1, ids.b1],
    ]);
    expect(third.link).toBe(`<${t.origin}/api/v2/notifications?limit=2&min_id=${ids.b1}>; rel="prev"`);
  });

  it('reads up with min_id, groups in the same ranges', async () => {
    const { body } = await grouped(`?limit=2&min_id=${ids.b1}`);
    expect(
      body.notification_groups.map((g) => [g.group_key, g.notifications_count, g.page_min_id, g.page_max_id]),
    ).toEqual([
      [`ungrouped-${ids.m1}`, 1, ids.m1, ids.m1],
      [`favourite-${postId}`, 2, ids.b2, ids.b2],
    ]);
  });

  it('shows one whole group by its key, without page bounds', async () => {
    const { body } = await grouped(`/favourite-${postId}`);
    expect(body.notification_groups).toEqual([
      expect.objectContaining({
        group_key: `favourite-${postId}`,
        notifications_count: 3,
        most_recent_notification_id: ids.b3,
      }),
    ]);
    expect(body.notification_groups[0].page_min_id).toBeUndefined();
  });

  it('pages exactly past any number of members of groups already met: 5,000 likes do not hide the older follows', async () => {
    const signed = await signUp(t);
    const bea = { ...signed, appToken: await appToken(t, signed) };
    const [f1, f2, m, l1, l2] = await Promise.all([signUp(t), signUp(t), signUp(t), signUp(t), signUp(t)]);
    const post = async (who: SignedUp, content: string) =>
      (
        await t.gql<{ createPost: { id: string } }>(
          `mutation ($input: CreatePostInput!) { createPost(input: $input) { id } }`,
          { input: { content } },
          who.token,
        )
      ).data!.createPost.id;
    const [p, q, mentioning] = [await post(bea, 'popular'), await post(bea, 'quiet'), await post(m, 'hello')];
    // Oldest first, one millisecond apart: follow f1, follow f2, a mention, a like of q, 5,000 likes of p.
    const start = Date.now() - 60 * 60_000;
    const rows: [string, string, string | null][] = [
      ['follow', f1.account.id, null],
      ['follow', f2.account.id, null],
      ['mention', m.account.id, mentioning],
      ['like', l1.account.id, q],
      ...Array.from(
        { length: 5_000 },
        (_, i) => ['like', i % 2 ? l1.account.id : l2.account.id, p] as [string, string, string],
      ),
    ];
    const ids = rows.map((_, i) => uuidv7(start + i));
    await t.app.get(DataSource).query(
      `INSERT INTO notifications (id, account_id, type, from_account_id, post_id, dedupe_key, created_at)
       SELECT r.id, $1, r.type::notification_type, r.from_id, r.post_id, 'seeded:' || r.id, now()
       FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::uuid[]) AS r(id, type, from_id, post_id)`,
      [bea.account.id, ids, rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2])],
    );
    const [follow1, follow2, mention, likeQ] = ids;
    const newestLike = ids[ids.length - 1];
    const get = async (query: string) => {
      const res = await t.http().get(`/api/v2/notifications${query}`).set('authorization', `Bearer ${bea.appToken}`);
      expect(res.status).toBe(200);
      const body = res.body as Results;
      return {
        groups: body.notification_groups.map((g) => [g.group_key, g.notifications_count, g.page_min_id, g.page_max_id]),
        link: res.headers.link as string | undefined,
      };
    };

    // One page holds it all.
    const all = await get('');
    expect(all.groups).toEqual([
      [`favourite-${p}`, 5_000, ids[4], newestLike],
      [`favourite-${q}`, 1, likeQ, likeQ],
      [`ungrouped-${mention}`, 1, mention, mention],
      ['follow', 2, follow1, follow2],
    ]);
    expect(all.link).not.toContain('rel="next"');

    // Two groups a page, in order, each page's next below its last group.
    const first = await get('?limit=2');
    expect(first.groups).toEqual([
      [`favourite-${p}`, 5_000, ids[4], newestLike],
      [`favourite-${q}`, 1, likeQ, likeQ],
    ]);
    expect(first.link).toContain(`max_id=${likeQ}>; rel="next"`);
    const second = await get(`?limit=2&max_id=${likeQ}`);
    expect(second.groups).toEqual([
      [`ungrouped-${mention}`, 1, mention, mention],
      ['follow', 2, follow2, follow2],
    ]);
    expect(second.link).toContain(`max_id=${follow2}>; rel="next"`);
    const third = await get(`?limit=2&max_id=${follow2}`);
    expect(third.groups).toEqual([['follow', 1, follow1, follow1]]);
    expect(third.link).not.toContain('rel="next"');
  });
});
