import { DataSource } from 'typeorm';
import { signUp } from './utils/factories';
import { eventually } from './utils/eventually';
import { appToken } from './utils/mastodon';
import { expectMastodonResponse } from './utils/mastodon-schema';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const LIKE = 'mutation($id: ID!) { likePost(id: $id) { id } }';
const RELATIONSHIP = 'query($h: String!) { account(handle: $h) { viewerRelationship { muting } } }';

/** Timed mutes and mutes that leave notifications alone (`POST /api/v1/accounts/:id/mute`). */
describe('Mastodon API: timed mutes and the notifications flag', () => {
  let t: TestApp & { origin: string };
  let db: DataSource;
  let masto: typeof import('masto');

  async function member() {
    const signed = await signUp(t);
    const token = await appToken(t, signed);
    return { ...signed, appToken: token, client: masto.createRestAPIClient({ url: t.origin, accessToken: token }) };
  }

  const api = (token: string) => ({
    get: (path: string) => t.http().get(path).set('authorization', `Bearer ${token}`),
    post: (path: string) => t.http().post(path).set('authorization', `Bearer ${token}`),
  });

  /** The home timeline's status ids. */
  const home = async (token: string) =>
    ((await api(token).get('/api/v1/timelines/home')).body as { id: string }[]).map((s) => s.id);

  /** The notification types from `fromId` the member has. */
  const notificationsFrom = async (token: string, fromId: string) =>
    ((await api(token).get(`/api/v1/notifications?account_id=${fromId}`)).body as { type: string }[]).map(
      (n) => n.type,
    );

  beforeAll(async () => {
    masto = await import('masto');
    t = await createListeningTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  it('a timed mute hides the account, shows mute_expires_at, and lapses by itself', async () => {
    const muter = await member();
    const target = await member();
    await muter.client.v1.accounts.$select(target.account.id).follow();
    const post = await target.client.v1.statuses.create({ status: 'while muted' });

    const before = Date.now();
    const relationship = await muter.client.v1.accounts.$select(target.account.id).mute({ duration: 2 });
    expect(relationship).toMatchObject({ muting: true, mutingNotifications: true });
    const listed = await api(muter.appToken).get('/api/v1/mutes');
    expect(listed.status).toBe(200);
    expectMastodonResponse('GET', '/api/v1/mutes', 200, listed.body);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0].id).toBe(target.account.id);
    const expiresAt = Date.parse(listed.body[0].mute_expires_at as string);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 2000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 2000);
    expect(await home(muter.appToken)).not.toContain(post.id);
    expect(
      (
        await t.gql<{ account: { viewerRelationship: { muting: boolean } } }>(
          RELATIONSHIP,
          { h: target.username },
          muter.token,
        )
      ).data!.account.viewerRelationship.muting,
    ).toBe(true);

    // Past its expiry the mute reads as none everywhere, with no job having run.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now() + 100)));
    const [after] = await muter.client.v1.accounts.relationships.fetch({ id: [target.account.id] });
    expect(after).toMatchObject({ muting: false, mutingNotifications: false });
    expect(await muter.client.v1.mutes.list()).toEqual([]);
    expect(await home(muter.appToken)).toContain(post.id);
    expect(
      (
        await t.gql<{ account: { viewerRelationship: { muting: boolean } } }>(
          RELATIONSHIP,
          { h: target.username },
          muter.token,
        )
      ).data!.account.viewerRelationship.muting,
    ).toBe(false);
    const mine = await muter.client.v1.statuses.create({ status: 'like this' });
    await target.client.v1.statuses.$select(mine.id).favourite();
    await eventually(
      () => notificationsFrom(muter.appToken, target.account.id),
      (types) => expect(types).toEqual(['favourite']),
    );

    // Muting again makes a new mute (it lists again, for good this time).
    await muter.client.v1.accounts.$select(target.account.id).mute();
    const again = await api(muter.appToken).get('/api/v1/mutes');
    expect((again.body as { id: string }[]).map((a) => a.id)).toEqual([target.account.id]);
    expect(again.body[0].mute_expires_at).toBeNull();
    expect(await home(muter.appToken)).not.toContain(post.id);
  });

  it('notifications=false hides posts but lets notifications through; muting again changes the flag', async () => {
    const muter = await member();
    const target = await member();
    const mine = await muter.client.v1.statuses.create({ status: 'notice me' });
    const second = await muter.client.v1.statuses.create({ status: 'and me' });

    const relationship = await muter.client.v1.accounts.$select(target.account.id).mute({ notifications: false });
    expect(relationship).toMatchObject({ muting: true, mutingNotifications: false });
    await t.gql(LIKE, { id: mine.id }, target.token);
    await eventually(
      () => notificationsFrom(muter.appToken, target.account.id),
      (types) => expect(types).toEqual(['favourite']),
    );
    const rows = await db.query<{ expires_at: Date | null; hide_notifications: boolean }[]>(
      'SELECT expires_at, hide_notifications FROM mutes WHERE account_id = $1 AND target_id = $2',
      [muter.account.id, target.account.id],
    );
    expect(rows).toEqual([{ expires_at: null, hide_notifications: false }]);

    // A form body, as some clients send: notifications=true now silences them.
    const changed = await api(muter.appToken)
      .post(`/api/v1/accounts/${target.account.id}/mute`)
      .type('form')
      .send('notifications=true&duration=0');
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ muting: true, muting_notifications: true });
    await t.gql(LIKE, { id: second.id }, target.token);
    // The like of the second post was stored (GraphQL answered) but notifies no one.
    const likes = await db.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM likes WHERE account_id = $1 AND post_id = $2',
      [target.account.id, second.id],
    );
    expect(likes[0].n).toBe(1);
    expect(await notificationsFrom(muter.appToken, target.account.id)).toEqual(['favourite']);
  });
});
