import { png } from './fixtures/images';
import { signUp } from './utils/factories';
import { appToken } from './utils/mastodon';
import { expectMastodonResponse } from './utils/mastodon-schema';
import { createListeningTestApp, type TestApp } from './utils/test-app';

/** The ids of a JSON array answer. */
const ids = (body: unknown): string[] => (body as { id: string }[]).map((item) => item.id);

/** `GET /api/v1/accounts/:id/statuses`: every paging direction and Mastodon's filters, pins included. */
describe('Mastodon API: an account’s statuses', () => {
  let t: TestApp & { origin: string };
  let masto: typeof import('masto');

  async function member() {
    const signed = await signUp(t);
    const token = await appToken(t, signed);
    return { ...signed, appToken: token, client: masto.createRestAPIClient({ url: t.origin, accessToken: token }) };
  }

  const get = (path: string, token?: string) => {
    const req = t.http().get(path);
    return token ? req.set('authorization', `Bearer ${token}`) : req;
  };

  beforeAll(async () => {
    masto = await import('masto');
    t = await createListeningTestApp();
  });
  afterAll(() => t.close());

  it('pages by min_id and since_id as well as max_id, each with Link headers', async () => {
    const poster = await member();
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await poster.client.v1.statuses.create({ status: `post ${i}` })).id);
    const [p0, p1, p2, p3, p4] = made;
    const base = `/api/v1/accounts/${poster.account.id}/statuses`;

    // min_id: the page just above it, newest first.
    const above = await get(`${base}?limit=2&min_id=${p1}`);
    expect(above.status).toBe(200);
    expect(ids(above.body)).toEqual([p3, p2]);
    expectMastodonResponse('GET', base, 200, above.body);
    expect(above.headers.link).toBe(
      `<${t.origin}${base}?limit=2&max_id=${p2}>; rel="next", <${t.origin}${base}?limit=2&min_id=${p3}>; rel="prev"`,
    );

    // since_id: the newest ones above it, newest first.
    const since = await get(`${base}?limit=2&since_id=${p1}`);
    expect(ids(since.body)).toEqual([p4, p3]);
    expect(since.headers.link).toBe(
      `<${t.origin}${base}?limit=2&max_id=${p3}>; rel="next", <${t.origin}${base}?limit=2&min_id=${p4}>; rel="prev"`,
    );
    const sinceAll = await get(`${base}?since_id=${p2}`);
    expect(ids(sinceAll.body)).toEqual([p4, p3]);

    // max_id and since_id together bound both sides.
    expect(ids((await get(`${base}?max_id=${p4}&since_id=${p0}`)).body)).toEqual([p3, p2, p1]);

    // Nothing above the newest: an empty page and no Link header.
    const none = await get(`${base}?min_id=${p4}`);
    expect(none.body).toEqual([]);
    expect(none.headers.link).toBeUndefined();

    // masto.js sends min_id as Mastodon's clients do.
    const listed = await poster.client.v1.accounts.$select(poster.account.id).statuses.list({ limit: 2, minId: p0 });
    expect(listed.map((s) => s.id)).toEqual([p2, p1]);
  });

  it('pinned=true answers the pins the reader may see; only_media, exclude_reblogs and tagged narrow', async () => {
    const poster = await member();
    const reader = await member();
    const create = async (status: string, extra: Record<string, unknown> = {}) =>
      (await poster.client.v1.statuses.create({ status, ...extra })).id;
    const tagged = await create('about #Gardens');
    const pinnedOld = await create('pinned first');
    const pinnedNew = await create('pinned second', { visibility: 'unlisted' });
    const upload = await t
      .http()
      .post('/api/v2/media')
      .set('authorization', `Bearer ${poster.appToken}`)
      .attach('file', png(3, 2), { filename: 'a.png', contentType: 'image/png' });
    expect([200, 202]).toContain(upload.status);
    const withMedia = await create('a picture', { mediaIds: [upload.body.id as string] });
    const other = await reader.client.v1.statuses.create({ status: 'boost me' });
    const boost = await poster.client.v1.statuses.$select(other.id).reblog();
    await poster.client.v1.statuses.$select(pinnedOld).pin();
    await poster.client.v1.statuses.$select(pinnedNew).pin();

    const statuses = reader.client.v1.accounts.$select(poster.account.id).statuses;
    expect((await statuses.list({ pinned: true })).map((s) => s.id)).toEqual([pinnedNew, pinnedOld]);
    const anonymous = await get(`/api/v1/accounts/${poster.account.id}/statuses?pinned=true`);
    expect(ids(anonymous.body)).toEqual([pinnedNew, pinnedOld]);
    expect(anonymous.body[0].pinned).toBeUndefined();
    expect(anonymous.headers.link).toBeUndefined();
    const own = await get(`/api/v1/accounts/${poster.account.id}/statuses?pinned=true`, poster.appToken);
    expect((own.body as { pinned: boolean }[]).map((s) => s.pinned)).toEqual([true, true]);
    expect(
      ids((await get(`/api/v1/accounts/${poster.account.id}/statuses?pinned=true&max_id=${pinnedNew}`)).body),
    ).toEqual([pinnedOld]);

    expect((await statuses.list()).map((s) => s.id)).toEqual([boost.id, withMedia, pinnedNew, pinnedOld, tagged]);
    expect((await statuses.list({ excludeReblogs: true })).map((s) => s.id)).toEqual([
      withMedia,
      pinnedNew,
      pinnedOld,
      tagged,
    ]);
    expect((await statuses.list({ onlyMedia: true })).map((s) => s.id)).toEqual([withMedia]);
    expect((await statuses.list({ tagged: 'gardens' })).map((s) => s.id)).toEqual([tagged]);
    expect((await statuses.list({ tagged: '#Gardens' })).map((s) => s.id)).toEqual([tagged]);
  });
});
