import { WebSocket } from 'ws';
import { signUp, type SignedUp } from './utils/factories';
import { eventually } from './utils/eventually';
import { appToken } from './utils/mastodon';
import { expectMastodonResponse } from './utils/mastodon-schema';
import { createListeningTestApp, type TestApp } from './utils/test-app';
import { makeStaff } from './utils/web';

interface Member extends SignedUp {
  appToken: string;
}

interface Notification {
  id: string;
  type: string;
  account: { id: string };
  status?: { id: string };
  report?: { id: string; target_account: { id: string }; comment: string };
}

/**
 * Per-follow options (`reblogs`, `notify`) and the notifications they and the staff roles bring:
 * `status`, `update` (to boosters of an edited post), `admin.sign_up` and `admin.report`.
 */
describe('Mastodon API: follow options and the status, update and admin notifications', () => {
  let t: TestApp & { origin: string };

  async function member(): Promise<Member> {
    const signed = await signUp(t);
    return { ...signed, appToken: await appToken(t, signed) };
  }

  const get = (who: Member, path: string) => t.http().get(path).set('authorization', `Bearer ${who.appToken}`);
  const post = (who: Member, path: string, body: Record<string, unknown> = {}) =>
    t.http().post(path).set('authorization', `Bearer ${who.appToken}`).send(body);
  const put = (who: Member, path: string, body: Record<string, unknown>) =>
    t.http().put(path).set('authorization', `Bearer ${who.appToken}`).send(body);

  async function status(who: Member, body: Record<string, unknown>): Promise<string> {
    const res = await post(who, '/api/v1/statuses', body);
    expect(res.status).toBe(200);
    return (res.body as { id: string }).id;
  }

  async function homeIds(who: Member): Promise<string[]> {
    const res = await get(who, '/api/v1/timelines/home');
    expect(res.status).toBe(200);
    return (res.body as { id: string }[]).map((s) => s.id);
  }

  async function notifications(who: Member, type: string): Promise<Notification[]> {
    const res = await get(who, `/api/v1/notifications?types[]=${encodeURIComponent(type)}`);
    expect(res.status).toBe(200);
    expectMastodonResponse('GET', '/api/v1/notifications', 200, res.body);
    return res.body as Notification[];
  }

  beforeAll(async () => {
    t = await createListeningTestApp();
  });
  afterAll(() => t.close());

  it('stores reblogs and notify per follow, shows them in the relationship, and hides boosts at home', async () => {
    const [alice, bob, carol] = [await member(), await member(), await member()];
    const followed = await post(alice, `/api/v1/accounts/${bob.account.id}/follow`, { reblogs: false, notify: true });
    expect(followed.status).toBe(200);
    expectMastodonResponse('POST', `/api/v1/accounts/${bob.account.id}/follow`, 200, followed.body);
    expect(followed.body).toMatchObject({
      id: bob.account.id,
      following: true,
      showing_reblogs: false,
      notifying: true,
    });

    const original = await status(carol, { status: 'worth a boost' });
    const boost = await post(bob, `/api/v1/statuses/${original}/reblog`);
    expect(boost.status).toBe(200);
    const boostId = (boost.body as { id: string }).id;
    const own = await status(bob, { status: 'my own words' });
    const home = await homeIds(alice);
    expect(home).toContain(own);
    expect(home).not.toContain(boostId);

    // Following again changes only what is given: notify stays on, boosts come back.
    const again = await post(alice, `/api/v1/accounts/${bob.account.id}/follow`, { reblogs: 'true' });
    expect(again.body).toMatchObject({ following: true, showing_reblogs: true, notifying: true });
    expect(await homeIds(alice)).toEqual(expect.arrayContaining([own, boostId]));
    const listed = await get(alice, `/api/v1/accounts/relationships?id[]=${bob.account.id}`);
    expect(listed.body).toEqual([expect.objectContaining({ showing_reblogs: true, notifying: true })]);

    // A plain follow has Mastodon's defaults; no follow shows neither.
    const plain = await post(carol, `/api/v1/accounts/${bob.account.id}/follow`);
    expect(plain.body).toMatchObject({ following: true, showing_reblogs: true, notifying: false });
    const none = await get(carol, `/api/v1/accounts/relationships?id[]=${alice.account.id}`);
    expect(none.body).toEqual([
      expect.objectContaining({ following: false, showing_reblogs: false, notifying: false }),
    ]);
    // An unfollow forgets the options.
    await post(alice, `/api/v1/accounts/${bob.account.id}/unfollow`);
    const after = await post(alice, `/api/v1/accounts/${bob.account.id}/follow`);
    expect(after.body).toMatchObject({ following: true, showing_reblogs: true, notifying: false });
  });

  it('keeps the boosts a follow hides out of the live home stream too', async () => {
    const [reader, booster, writer] = [await member(), await member(), await member()];
    await post(reader, `/api/v1/accounts/${booster.account.id}/follow`, { reblogs: false });
    const ws = new WebSocket(
      `${t.origin.replace('http', 'ws')}/api/v1/streaming?access_token=${reader.appToken}&stream=user`,
    );
    const updates: { id: string; reblog: unknown }[] = [];
    ws.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString('utf8')) as { event: string; payload: string };
      if (message.event === 'update') updates.push(JSON.parse(message.payload) as { id: string; reblog: unknown });
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const original = await status(writer, { status: 'boost me' });
      const boost = await post(booster, `/api/v1/statuses/${original}/reblog`);
      expect(boost.status).toBe(200);
      const own = await status(booster, { status: 'my own' });
      await eventually(
        () => Promise.resolve(updates.map((u) => u.id)),
        (ids) => expect(ids).toContain(own),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(updates.map((u) => u.id)).toEqual([own]);
    } finally {
      ws.close();
    }
  });

  it('notifies followers with notify of new posts that reach their home: not direct posts, not replies to others', async () => {
    const [author, bell, quiet, other] = [await member(), await member(), await member(), await member()];
    await post(bell, `/api/v1/accounts/${author.account.id}/follow`, { notify: 'true' });
    await post(quiet, `/api/v1/accounts/${author.account.id}/follow`);
    const first = await status(author, { status: 'news', visibility: 'public' });
    const privateOne = await status(author, { status: 'followers only', visibility: 'private' });
    await status(author, { status: `@${bell.username} psst`, visibility: 'direct' });
    const elsewhere = await status(other, { status: 'a thread' });
    await status(author, { status: 'reply to other', in_reply_to_id: elsewhere });
    const selfReply = await status(author, { status: 'more news', in_reply_to_id: first });

    const got = await eventually(
      () => notifications(bell, 'status'),
      (list) => expect(list).toHaveLength(3),
    );
    expect(got.map((n) => [n.account.id, n.status?.id])).toEqual([
      [author.account.id, selfReply],
      [author.account.id, privateOne],
      [author.account.id, first],
    ]);
    expect(await notifications(quiet, 'status')).toEqual([]);

    // notify=false turns them off again.
    await post(bell, `/api/v1/accounts/${author.account.id}/follow`, { notify: false });
    await status(author, { status: 'unheard' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await notifications(bell, 'status')).toHaveLength(3);
  });

  it('tells each local booster of an edit (update), once per edit; a liker hears nothing', async () => {
    const [author, booster, liker] = [await member(), await member(), await member()];
    const original = await status(author, { status: 'first draft' });
    expect((await post(booster, `/api/v1/statuses/${original}/reblog`)).status).toBe(200);
    expect((await post(liker, `/api/v1/statuses/${original}/favourite`)).status).toBe(200);

    expect((await put(author, `/api/v1/statuses/${original}`, { status: 'second draft' })).status).toBe(200);
    const one = await eventually(
      () => notifications(booster, 'update'),
      (list) => expect(list).toHaveLength(1),
    );
    expect(one[0]).toMatchObject({ type: 'update', account: { id: author.account.id }, status: { id: original } });
    expect((await put(author, `/api/v1/statuses/${original}`, { status: 'third draft' })).status).toBe(200);
    await eventually(
      () => notifications(booster, 'update'),
      (list) => expect(list).toHaveLength(2),
    );
    expect(await notifications(liker, 'update')).toEqual([]);
    expect(await notifications(author, 'update')).toEqual([]);
  });

  it('tells staff of each sign-up (admin.sign_up) and each report (admin.report), and nobody else', async () => {
    const moderator = await member();
    await makeStaff(t, moderator.account.id, 'moderator');
    const bystander = await member();

    const newcomer = await member();
    const signUps = await eventually(
      () => notifications(moderator, 'admin.sign_up'),
      (list) => expect(list.map((n) => n.account.id)).toContain(newcomer.account.id),
    );
    expect(signUps[0]).toMatchObject({ type: 'admin.sign_up', account: { id: newcomer.account.id } });
    expect(signUps[0].status).toBeUndefined();
    expect(await notifications(bystander, 'admin.sign_up')).toEqual([]);

    const filed = await post(newcomer, '/api/v1/reports', { account_id: bystander.account.id, comment: 'rude' });
    expect(filed.status).toBe(200);
    const reportId = (filed.body as { id: string }).id;
    const reports = await eventually(
      () => notifications(moderator, 'admin.report'),
      (list) => expect(list).toHaveLength(1),
    );
    expect(reports[0]).toMatchObject({
      type: 'admin.report',
      account: { id: newcomer.account.id },
      report: { id: reportId, comment: 'rude', target_account: { id: bystander.account.id } },
    });
    expect(await notifications(bystander, 'admin.report')).toEqual([]);
    expect(await notifications(newcomer, 'admin.report')).toEqual([]);
  });
});
