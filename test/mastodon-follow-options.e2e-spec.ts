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

  /** A raw `stream` socket for `who` (opened and settled), collecting the `update` events' statuses. */
  async function updatesOf(who: Member, stream: string): Promise<{ ws: WebSocket; updates: { id: string }[] }> {
    const ws = new WebSocket(
      `${t.origin.replace('http', 'ws')}/api/v1/streaming?access_token=${who.appToken}&stream=${stream}`,
    );
    const updates: { id: string }[] = [];
    ws.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString('utf8')) as { event: string; payload: string };
      if (message.event === 'update') updates.push(JSON.parse(message.payload) as { id: string });
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { ws, updates };
  }

  it('keeps languages per follow: the relationship shows them, home shows only those (and posts without one)', async () => {
    const [reader, polyglot, other] = [await member(), await member(), await member()];
    const followed = await post(reader, `/api/v1/accounts/${polyglot.account.id}/follow`, { languages: ['de', 'FR'] });
    expect(followed.status).toBe(200);
    expectMastodonResponse('POST', `/api/v1/accounts/${polyglot.account.id}/follow`, 200, followed.body);
    expect(followed.body).toMatchObject({ following: true, showing_reblogs: true, languages: ['de', 'fr'] });
    await post(reader, `/api/v1/accounts/${other.account.id}/follow`);

    const german = await status(polyglot, { status: 'Guten Tag', language: 'de' });
    const english = await status(polyglot, { status: 'Good day', language: 'en' });
    const unknown = await status(polyglot, { status: 'no language given' });
    const french = await status(polyglot, { status: 'Bonjour', language: 'fr' });
    const othersEnglish = await status(other, { status: 'hello from elsewhere', language: 'en' });
    const original = await status(other, { status: 'in English, boosted', language: 'en' });
    const boost = (await post(polyglot, `/api/v1/statuses/${original}/reblog`)).body as { id: string };
    const ownEnglish = await status(reader, { status: 'my own English', language: 'en' });

    // Newest first; the follow's languages touch only that followee's own posts.
    expect(await homeIds(reader)).toEqual([ownEnglish, boost.id, original, othersEnglish, french, unknown, german]);
    // Paging stays exact: two at a time reaches the same posts in the same order.
    const paged: string[] = [];
    let maxId: string | undefined;
    for (let i = 0; i < 5; i += 1) {
      const res = await get(reader, `/api/v1/timelines/home?limit=2${maxId ? `&max_id=${maxId}` : ''}`);
      const ids = (res.body as { id: string }[]).map((s) => s.id);
      if (!ids.length) break;
      paged.push(...ids);
      maxId = ids[ids.length - 1];
    }
    expect(paged).toEqual([ownEnglish, boost.id, original, othersEnglish, french, unknown, german]);

    const listed = await get(
      reader,
      `/api/v1/accounts/relationships?id[]=${polyglot.account.id}&id[]=${other.account.id}`,
    );
    expect(listed.body).toEqual([
      expect.objectContaining({ id: polyglot.account.id, languages: ['de', 'fr'] }),
      expect.objectContaining({ id: other.account.id, languages: null }),
    ]);

    // Following again with other languages replaces them; leaving them out keeps them.
    const again = await post(reader, `/api/v1/accounts/${polyglot.account.id}/follow`, { languages: ['en'] });
    expect(again.body).toMatchObject({ languages: ['en'] });
    const kept = await post(reader, `/api/v1/accounts/${polyglot.account.id}/follow`, { notify: true });
    expect(kept.body).toMatchObject({ languages: ['en'], notifying: true });
    const home = await homeIds(reader);
    expect(home).toEqual([ownEnglish, boost.id, original, othersEnglish, unknown, english]);
    // A form body works too; an empty list shows every language again.
    const form = await t
      .http()
      .post(`/api/v1/accounts/${polyglot.account.id}/follow`)
      .set('authorization', `Bearer ${reader.appToken}`)
      .type('form')
      .send('languages[]=fr');
    expect(form.body).toMatchObject({ languages: ['fr'] });
    const cleared = await post(reader, `/api/v1/accounts/${polyglot.account.id}/follow`, { languages: [] });
    expect(cleared.body).toMatchObject({ languages: null });
    expect(await homeIds(reader)).toEqual([
      ownEnglish,
      boost.id,
      original,
      othersEnglish,
      french,
      unknown,
      english,
      german,
    ]);

    const invalid = await post(reader, `/api/v1/accounts/${polyglot.account.id}/follow`, { languages: ['german'] });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toEqual({ error: expect.stringContaining('Languages') });
    expect((await get(reader, `/api/v1/accounts/relationships?id[]=${polyglot.account.id}`)).body).toEqual([
      expect.objectContaining({ languages: null }),
    ]);

    // An unfollow forgets them.
    await post(reader, `/api/v1/accounts/${polyglot.account.id}/follow`, { languages: ['de'] });
    await post(reader, `/api/v1/accounts/${polyglot.account.id}/unfollow`);
    const fresh = await post(reader, `/api/v1/accounts/${polyglot.account.id}/follow`);
    expect(fresh.body).toMatchObject({ following: true, languages: null });
  });

  it("keeps the follow's languages on the live user stream", async () => {
    const [reader, polyglot] = [await member(), await member()];
    await post(reader, `/api/v1/accounts/${polyglot.account.id}/follow`, { languages: ['de'] });
    const { ws, updates } = await updatesOf(reader, 'user');
    try {
      await status(polyglot, { status: 'Good day', language: 'en' });
      const unknown = await status(polyglot, { status: 'no language' });
      const german = await status(polyglot, { status: 'Guten Tag', language: 'de' });
      await eventually(
        () => Promise.resolve(updates.map((u) => u.id)),
        (ids) => expect(ids).toContain(german),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Which posts arrive, not their order: two posts' stream events are handled side by side.
      expect(updates.map((u) => u.id).sort()).toEqual([unknown, german].sort());
    } finally {
      ws.close();
    }
  });

  it('hides the boosts a follow hides in list timelines and the list stream too, as Mastodon does', async () => {
    const [owner, booster, writer] = [await member(), await member(), await member()];
    await post(owner, `/api/v1/accounts/${booster.account.id}/follow`, { reblogs: false, languages: ['en'] });
    await post(owner, `/api/v1/accounts/${writer.account.id}/follow`);
    const made = await post(owner, '/api/v1/lists', { title: 'friends' });
    expect(made.status).toBe(200);
    const listId = (made.body as { id: string }).id;
    const added = await post(owner, `/api/v1/lists/${listId}/accounts`, {
      account_ids: [booster.account.id, writer.account.id],
    });
    expect(added.status).toBe(200);

    const { ws, updates } = await updatesOf(owner, `list&list=${listId}`);
    let expected: string[];
    try {
      const original = await status(writer, { status: 'boost me' });
      const boost = await post(booster, `/api/v1/statuses/${original}/reblog`);
      expect(boost.status).toBe(200);
      const writersBoost = await post(writer, `/api/v1/statuses/${original}/reblog`);
      expect(writersBoost.status).toBe(200);
      await status(booster, { status: 'Hallo', language: 'de' });
      const own = await status(booster, { status: 'my own', language: 'en' });
      expected = [own, (writersBoost.body as { id: string }).id, original];
      await eventually(
        () => Promise.resolve(updates.map((u) => u.id)),
        (ids) => expect(ids).toContain(own),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Which posts the stream carried (their order is the timeline's, checked below).
      expect(updates.map((u) => u.id).sort()).toEqual([...expected].sort());
    } finally {
      ws.close();
    }
    const timeline = await get(owner, `/api/v1/timelines/list/${listId}`);
    expect(timeline.status).toBe(200);
    expect((timeline.body as { id: string }[]).map((s) => s.id)).toEqual(expected);
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
