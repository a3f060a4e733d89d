import { FILTERS_CHANGED_TRIGGER, PostEntity } from '@guildhall/content';
import { MastodonLoaders, StatusSerializer } from '@guildhall/mastodon-api';
import { PubSubEngine } from 'graphql-subscriptions';
import { DataSource, In } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { appToken } from './utils/mastodon';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const CREATE = 'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }';

type Json = Record<string, unknown>;

/**
 * Mastodon's filters v2: CRUD through masto.js and fetch, a member's filters theirs alone, and the
 * StatusSerializer applying them in their context only (warn/blur label, hide drops).
 */
describe('Mastodon filters v2', () => {
  let t: TestApp & { origin: string };
  let alice: SignedUp;
  let bob: SignedUp;
  let aliceToken: string;
  let bobToken: string;

  const api = async (method: string, path: string, body?: Json | string, token = aliceToken) => {
    const form = typeof body === 'string';
    const res = await fetch(`${t.origin}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined
          ? {}
          : { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' }),
      },
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Json & Json[] };
  };
  const create = async (who: SignedUp, content: string, extra: Json = {}) => {
    const res = await t.gql<{ createPost: { id: string } }>(CREATE, { input: { content, ...extra } }, who.token);
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost.id;
  };
  /** Renders posts for `viewer` as the REST timelines do, with the filters of `context`. */
  const render = async (viewer: SignedUp, ids: string[], filterContext?: 'home' | 'public' | 'thread') => {
    const posts = await t.app
      .get(DataSource)
      .getRepository(PostEntity)
      .find({ where: { id: In(ids) }, order: { id: 'DESC' } });
    const context = t.app.get(MastodonLoaders).of({ user: { accountId: viewer.account.id } as never });
    return t.app.get(StatusSerializer).serializeMany(posts, { ...context, filterContext });
  };

  beforeAll(async () => {
    t = await createListeningTestApp();
    [alice, bob] = await Promise.all([signUp(t), signUp(t)]);
    [aliceToken, bobToken] = await Promise.all([appToken(t, alice, 'read write'), appToken(t, bob, 'read write')]);
  });
  afterAll(() => t.close());

  it('masto.js creates, reads, updates and deletes a filter with keywords; others cannot see it', async () => {
    const { createRestAPIClient } = await import('masto');
    const masto = createRestAPIClient({ url: t.origin, accessToken: aliceToken });
    const filter = await masto.v2.filters.create({
      title: 'Spoilers',
      context: ['home', 'thread'],
      filterAction: 'warn',
      expiresIn: 3600,
      keywordsAttributes: [
        { keyword: 'Finale', wholeWord: true },
        { keyword: 'spoil', wholeWord: false },
      ],
    });
    expect(filter).toMatchObject({
      title: 'Spoilers',
      context: ['home', 'thread'],
      filterAction: 'warn',
      keywords: [
        { keyword: 'Finale', wholeWord: true },
        { keyword: 'spoil', wholeWord: false },
      ],
      statuses: [],
    });
    const expiresIn = new Date(filter.expiresAt!).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(3500_000);
    expect(expiresIn).toBeLessThanOrEqual(3600_000);

    expect((await masto.v2.filters.list()).map((f) => f.id)).toEqual([filter.id]);
    expect(await api('GET', `/api/v2/filters/${filter.id}`, undefined, bobToken)).toEqual({
      status: 404,
      body: { error: 'Record not found' },
    });
    expect((await api('GET', '/api/v2/filters', undefined, bobToken)).body).toEqual([]);

    // Rails' nested form: rename one keyword, destroy the other, add a third; never expire.
    const [finale, spoil] = filter.keywords;
    const form = new URLSearchParams({
      title: 'TV',
      filter_action: 'hide',
      expires_in: '',
      'keywords_attributes[0][id]': finale.id,
      'keywords_attributes[0][keyword]': 'finale',
      'keywords_attributes[1][id]': spoil.id,
      'keywords_attributes[1][_destroy]': 'true',
      'keywords_attributes[2][keyword]': 'cliffhanger',
      'keywords_attributes[2][whole_word]': 'false',
    }).toString();
    const updated = await api('PUT', `/api/v2/filters/${filter.id}`, form);
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      title: 'TV',
      context: ['home', 'thread'],
      filter_action: 'hide',
      expires_at: null,
      keywords: [
        { id: finale.id, keyword: 'finale', whole_word: true },
        { keyword: 'cliffhanger', whole_word: false },
      ],
    });

    // Keywords on their own routes; bob cannot touch alice's.
    const added = await masto.v2.filters.$select(filter.id).keywords.create({ keyword: 'recap', wholeWord: true });
    expect(added).toMatchObject({ keyword: 'recap', wholeWord: true });
    expect((await masto.v2.filters.$select(filter.id).keywords.list()).map((k) => k.keyword)).toEqual([
      'finale',
      'cliffhanger',
      'recap',
    ]);
    expect((await api('DELETE', `/api/v2/filters/keywords/${added.id}`, undefined, bobToken)).status).toBe(404);
    expect(await api('PUT', `/api/v2/filters/keywords/${added.id}`, { whole_word: false })).toEqual({
      status: 200,
      body: { id: added.id, keyword: 'recap', whole_word: false },
    });
    expect(await api('DELETE', `/api/v2/filters/keywords/${added.id}`)).toEqual({ status: 200, body: {} });
    expect((await api('GET', `/api/v2/filters/keywords/${added.id}`)).status).toBe(404);

    expect((await api('DELETE', `/api/v2/filters/${filter.id}`, undefined, bobToken)).status).toBe(404);
    expect(await api('DELETE', `/api/v2/filters/${filter.id}`)).toEqual({ status: 200, body: {} });
    expect(await masto.v2.filters.list()).toEqual([]);
    expect(await api('GET', '/api/v1/filters')).toEqual({ status: 200, body: [] });
  });

  it('refuses invalid filters with 422 and stores nothing', async () => {
    const count = async () =>
      Number(
        (
          await t.app
            .get(DataSource)
            .query('SELECT count(*) AS n FROM filters WHERE account_id = $1', [alice.account.id])
        )[0].n as string,
      );
    const before = await count();
    const cases: [Json, string][] = [
      [{ context: ['home'] }, 'title is required'],
      [{ title: 'x' }, 'context is required'],
      [
        { title: 'x', context: ['home', 'everywhere'] },
        'context must be one or more of home, notifications, public, thread, account',
      ],
      [{ title: 'x', context: ['home'], filter_action: 'mute' }, 'filter_action must be warn, hide, blur'],
      [{ title: 'x', context: ['home'], expires_in: '-5' }, 'expires_in must be a positive number of seconds'],
      [
        { title: 'x', context: ['home'], keywords_attributes: [{ keyword: ' ' }] },
        'keyword must be 1 to 200 characters',
      ],
    ];
    for (const [body, error] of cases) {
      expect(await api('POST', '/api/v2/filters', body)).toEqual({ status: 422, body: { error } });
    }
    const readOnly = await appToken(t, alice, 'read');
    expect((await api('POST', '/api/v2/filters', { title: 'x', context: ['home'] }, readOnly)).status).toBe(403);
    expect(await count()).toBe(before);
  });

  it('the serializer warns, blurs or hides matching statuses in the filter context only', async () => {
    const word = `dragon${Date.now().toString(36)}`;
    const warned = await create(bob, `Here be ${word}s and a ${word}`);
    const plain = await create(bob, `Nothing to see`);
    const partial = await create(bob, `Not a whole word: x${word}y`);
    const hidden = await create(bob, 'The butler did it');
    const post = (
      await api('POST', '/api/v2/filters', {
        title: 'Dragons',
        context: ['home'],
        filter_action: 'warn',
        keywords_attributes: [{ keyword: word.toUpperCase(), whole_word: true }],
      })
    ).body as unknown as { id: string };
    const hide = (
      await api('POST', '/api/v2/filters', { title: 'Mysteries', context: ['home', 'public'], filter_action: 'hide' })
    ).body as unknown as { id: string };
    const status = await api('POST', `/api/v2/filters/${hide.id}/statuses`, { status_id: hidden });
    expect(status.status).toBe(200);
    expect(status.body).toEqual({ id: expect.any(String) as string, status_id: hidden });
    expect((await api('GET', `/api/v2/filters/${hide.id}/statuses`)).body).toEqual([status.body]);

    const home = await render(alice, [warned, plain, partial, hidden], 'home');
    expect(home.map((s) => s.id)).toEqual([partial, plain, warned]);
    expect(home.find((s) => s.id === warned)?.filtered).toEqual([
      {
        filter: expect.objectContaining({ id: post.id, title: 'Dragons', filter_action: 'warn' }) as unknown,
        keyword_matches: [word.toUpperCase()],
        status_matches: null,
      },
    ]);
    expect(home.find((s) => s.id === plain)?.filtered).toBeUndefined();
    expect(home.find((s) => s.id === partial)?.filtered).toBeUndefined();

    // Another context: only the hide filter (public) applies; in threads neither; for bob nothing.
    expect((await render(alice, [warned, hidden], 'public')).map((s) => [s.id, s.filtered])).toEqual([
      [warned, undefined],
    ]);
    expect((await render(alice, [warned, hidden], 'thread')).map((s) => s.id)).toEqual([hidden, warned]);
    expect((await render(bob, [warned, hidden], 'home')).map((s) => s.id)).toEqual([hidden, warned]);

    // Blur labels as warn does; an expired filter no longer applies.
    await api('PUT', `/api/v2/filters/${post.id}`, { filter_action: 'blur' });
    expect((await render(alice, [warned], 'home'))[0].filtered).toEqual([
      expect.objectContaining({ filter: expect.objectContaining({ filter_action: 'blur' }) as unknown }),
    ]);
    await t.app
      .get(DataSource)
      .query(`UPDATE filters SET expires_at = now() - interval '1 second' WHERE id = $1`, [post.id]);
    expect((await render(alice, [warned], 'home'))[0].filtered).toBeUndefined();

    // Removing the post from the hide filter shows it again.
    await api('DELETE', `/api/v2/filters/statuses/${(status.body as Json).id as string}`);
    expect((await render(alice, [hidden], 'home')).map((s) => s.id)).toEqual([hidden]);
  });

  it('publishes filters_changed for the member on every change', async () => {
    const seen: unknown[] = [];
    const pubSub = t.app.get(PubSubEngine);
    const id = await pubSub.subscribe(FILTERS_CHANGED_TRIGGER, (payload: unknown) => seen.push(payload), {});
    try {
      const filter = await api('POST', '/api/v2/filters', { title: 'x', context: ['home'] }, bobToken);
      await api('DELETE', `/api/v2/filters/${(filter.body as Json).id as string}`, undefined, bobToken);
      const deadline = Date.now() + 2000;
      while (seen.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen).toEqual([{ accountId: bob.account.id }, { accountId: bob.account.id }]);
    } finally {
      pubSub.unsubscribe(id);
    }
  });
});
