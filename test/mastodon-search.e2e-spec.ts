import { RateLimiterService } from '@guildhall/core';
import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { appToken } from './utils/mastodon';
import { startPeer, trustCertificateInThisProcess, type Peer } from './utils/peer';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const CREATE = 'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }';
const SEARCH_ALL = 'query($q: String!) { searchAll(query: $q) { posts { id } hashtags accounts { handle } } }';

type Json = Record<string, unknown>;
/** Remote usernames unique to this run: the database outlives it. */
const run = Date.now().toString(36);
interface SearchBody {
  accounts: { id: string; acct: string; username: string; uri: string }[];
  statuses: { id: string; content: string; visibility: string; account: { id: string } }[];
  hashtags: { name: string; url: string; history: unknown[] }[];
}

/**
 * Mastodon's `GET /api/v2/search` over the content lib's search (its visibility rule and rate
 * limit) and identity's remote lookup (federation's guarded client), driven by masto.js and fetch.
 */
describe('Mastodon search v2', () => {
  let peer: Peer;
  let t: TestApp & { origin: string };
  let alice: SignedUp;
  let bob: SignedUp;
  let aliceToken: string;
  let bobToken: string;
  const word = `quokka${Date.now().toString(36)}`;
  const tag = `tag${Date.now().toString(36)}`;
  const posts: Record<string, string> = {};

  const create = async (who: SignedUp, content: string, visibility = 'PUBLIC') => {
    const res = await t.gql<{ createPost: { id: string } }>(CREATE, { input: { content, visibility } }, who.token);
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost.id;
  };
  const search = async (params: Record<string, string>, token?: string) => {
    const res = await fetch(`${t.origin}/api/v2/search?${new URLSearchParams(params).toString()}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.status, body: (await res.json()) as SearchBody & Json };
  };

  beforeAll(async () => {
    peer = await startPeer();
    trustCertificateInThisProcess(peer.caCertPath);
    t = await createListeningTestApp({ FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true' });
    [alice, bob] = await Promise.all([signUp(t), signUp(t)]);
    [aliceToken, bobToken] = await Promise.all([appToken(t, alice, 'read write'), appToken(t, bob, 'read write')]);
    posts.public = await create(alice, `a public ${word} post #${tag}`);
    posts.older = await create(alice, `an older ${word}`);
    posts.private = await create(alice, `a followers-only ${word}`, 'FOLLOWERS');
    posts.bobs = await create(bob, `bob's ${word}`);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await peer?.stop();
  });

  beforeEach(async () => {
    const limiter = t.app.get(RateLimiterService);
    await Promise.all([
      limiter.reset(`search:${alice.account.id}`),
      limiter.reset(`search:${bob.account.id}`),
      limiter.reset('remote-lookup:ip:127.0.0.1'),
    ]);
  });

  it('masto.js finds the posts the reader may see, the hashtag and nothing else', async () => {
    const { createRestAPIClient } = await import('masto');
    const masto = createRestAPIClient({ url: t.origin, accessToken: bobToken });
    const results = await masto.v2.search.list({ q: word });
    // Bob does not follow Alice: her followers-only post is not his to find.
    expect(results.statuses.map((s) => s.id)).toEqual([posts.bobs, posts.older, posts.public]);
    expect(results.accounts).toEqual([]);
    expect(results.hashtags).toEqual([]);

    const tagged = await masto.v2.search.list({ q: `#${tag}` });
    expect(tagged.hashtags).toEqual([{ name: tag, url: `${t.origin}/tags/${tag}`, history: [] }]);
    expect(tagged.statuses).toEqual([]);

    // The author sees her own followers-only post; the same search through GraphQL agrees.
    const own = await search({ q: word }, aliceToken);
    expect(own.body.statuses.map((s) => s.id)).toEqual([posts.bobs, posts.private, posts.older, posts.public]);
    const gql = await t.gql<{ searchAll: { posts: { id: string }[] } }>(SEARCH_ALL, { q: word }, alice.token);
    expect(gql.data?.searchAll.posts.map((p) => p.id)).toEqual(own.body.statuses.map((s) => s.id));
  });

  it('narrows by type, account_id, max_id, limit and offset', async () => {
    const accounts = await search({ q: alice.username, type: 'accounts' }, bobToken);
    expect(accounts.status).toBe(200);
    expect(accounts.body.accounts.map((a) => a.acct)).toEqual([alice.username]);
    expect(accounts.body.statuses).toEqual([]);

    const byAlice = await search({ q: word, type: 'statuses', account_id: alice.account.id }, bobToken);
    expect(byAlice.body.statuses.map((s) => s.id)).toEqual([posts.older, posts.public]);
    expect(byAlice.body.accounts).toEqual([]);

    const older = await search({ q: word, type: 'statuses', max_id: posts.older }, bobToken);
    expect(older.body.statuses.map((s) => s.id)).toEqual([posts.public]);

    const first = await search({ q: word, type: 'statuses', limit: '1' }, bobToken);
    const second = await search({ q: word, type: 'statuses', limit: '1', offset: '1' }, bobToken);
    expect([first.body.statuses[0].id, second.body.statuses[0].id]).toEqual([posts.bobs, posts.older]);
  });

  it('answers anonymous searches, but not resolve or offset without a token; checks its parameters and scope', async () => {
    const anonymous = await search({ q: word });
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.statuses.map((s) => s.id)).toEqual([posts.bobs, posts.older, posts.public]);

    expect(await search({ q: word, resolve: 'true' })).toEqual({
      status: 401,
      body: { error: 'Search queries that resolve remote resources are not supported without authentication' },
    });
    expect(await search({ q: word, offset: '1' })).toEqual({
      status: 401,
      body: { error: 'Search queries pagination is not supported without authentication' },
    });
    expect(await search({ q: '' }, bobToken)).toEqual({ status: 422, body: { error: 'q is required' } });
    expect(await search({ q: word, type: 'people' }, bobToken)).toEqual({
      status: 422,
      body: { error: 'type must be accounts, statuses or hashtags' },
    });
    expect((await search({ q: word, offset: '-1' }, bobToken)).status).toBe(422);

    const writeOnly = await appToken(t, bob, 'write');
    expect(await search({ q: word }, writeOnly)).toEqual({
      status: 403,
      body: { error: 'This action is outside the authorized scopes' },
    });
    const searchOnly = await appToken(t, bob, 'read:search');
    expect((await search({ q: word }, searchOnly)).status).toBe(200);
  });

  it('following=true keeps the accounts the reader follows', async () => {
    const prefix = `flw${Date.now().toString(36)}`;
    const followed = await signUp(t, { username: `${prefix}_a` });
    const stranger = await signUp(t, { username: `${prefix}_b` });
    const { createRestAPIClient } = await import('masto');
    const masto = createRestAPIClient({ url: t.origin, accessToken: bobToken });
    await masto.v1.accounts.$select(followed.account.id).follow();
    const all = await masto.v2.search.list({ q: prefix, type: 'accounts' });
    expect(all.accounts.map((a) => a.id).sort()).toEqual([followed.account.id, stranger.account.id].sort());
    const mine = await masto.v2.search.list({ q: prefix, type: 'accounts', following: true });
    expect(mine.accounts.map((a) => a.id)).toEqual([followed.account.id]);
    // The exact handle leads only when it is followed too.
    const handle = `@${stranger.username}@${new URL(t.origin).host}`;
    expect((await search({ q: handle, resolve: 'true' }, bobToken)).body.accounts.map((a) => a.id)).toEqual([
      stranger.account.id,
    ]);
    const exact = await search({ q: handle, resolve: 'true', following: 'true' }, bobToken);
    expect(exact.body.accounts.map((a) => a.id)).toEqual([]);
    expect((await search({ q: prefix, following: 'true' })).body.accounts).toEqual([]);
  });

  it('resolves our own post URL under the visibility rule', async () => {
    const found = await search({ q: `${t.origin}/posts/${posts.public}`, resolve: 'true' }, bobToken);
    expect(found.body.statuses.map((s) => s.id)).toEqual([posts.public]);

    const hidden = await search({ q: `${t.origin}/posts/${posts.private}`, resolve: 'true' }, bobToken);
    expect(hidden.body.statuses).toEqual([]);

    const local = await search({ q: `${t.origin}/@${alice.username}`, resolve: 'true' }, bobToken);
    expect(local.body.accounts.map((a) => a.id)).toEqual([alice.account.id]);
  });

  it('resolve=true finds a remote account by handle and by actor URL, over WebFinger and a signed fetch', async () => {
    const mira = await peer.createActor({ username: `mira${run}`, name: 'Mira Remote' });
    const handle = `mira${run}@${peer.handleHost}`;

    const unresolved = await search({ q: `@${handle}`, type: 'accounts' }, bobToken);
    expect(unresolved.body.accounts).toEqual([]);

    const { createRestAPIClient } = await import('masto');
    const masto = createRestAPIClient({ url: t.origin, accessToken: bobToken });
    const byHandle = await masto.v2.search.list({ q: `@${handle}`, resolve: true, type: 'accounts' });
    expect(byHandle.accounts.map((a) => [a.acct, a.displayName])).toEqual([[handle, 'Mira Remote']]);
    const stored = await search({ q: `@${handle}`, type: 'accounts' }, bobToken);
    expect(stored.body.accounts.map((a) => a.uri)).toEqual([mira.id]);

    const rolf = await peer.createActor({ username: `rolf${run}` });
    const byUrl = await search({ q: rolf.id, resolve: 'true' }, bobToken);
    // Found by its id, an actor is stored under its id's host (RemoteActorService.resolveUri).
    expect(byUrl.body.accounts.map((a) => [a.acct, a.uri])).toEqual([[`rolf${run}@${new URL(rolf.id).host}`, rolf.id]]);
  });
});

describe('Mastodon search v2: resolve follows the SSRF rules', () => {
  let peer: Peer;
  let t: TestApp & { origin: string };
  let token: string;

  beforeAll(async () => {
    peer = await startPeer();
    trustCertificateInThisProcess(peer.caCertPath);
    // The default: private and loopback addresses are refused for every outbound request.
    t = await createListeningTestApp();
    token = await appToken(t, await signUp(t), 'read');
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await peer?.stop();
  });

  it('refuses to look up a handle or an actor URL on a loopback address, and stores nothing', async () => {
    await t.app.get(RateLimiterService).reset('remote-lookup:ip:127.0.0.1');
    const nadia = await peer.createActor({ username: `nadia${run}` });
    for (const q of [`nadia${run}@${peer.handleHost}`, nadia.id]) {
      const res = await fetch(`${t.origin}/api/v2/search?${new URLSearchParams({ q, resolve: 'true' }).toString()}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ accounts: [], statuses: [], hashtags: [] });
    }
    const stored = await t.app.get(DataSource).query('SELECT id FROM accounts WHERE uri = $1', [nadia.id]);
    expect(stored).toEqual([]);
  });
});
