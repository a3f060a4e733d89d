import { ConfigService, queueConnection, RateLimiterService } from '@guildhall/core';
import { Queue, type QueueOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { appToken } from './utils/mastodon';
import { startPeer, trustCertificateInThisProcess, type Peer, type PeerActor } from './utils/peer';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const BLOCK_DOMAIN = 'mutation($domain: String!) { blockDomain(domain: $domain) { domain } }';
const SEARCH_ALL =
  'query($q: String!, $resolve: Boolean) { searchAll(query: $q, resolve: $resolve) { posts { id } accounts { handle } } }';
const AS_CONTEXT = 'https://www.w3.org/ns/activitystreams';
/** FEDERATION_MAX_BODY_BYTES for this app: small enough to exceed with one document. */
const MAX_BODY_BYTES = 16_384;

/** Remote usernames unique to this run. */
const run = Date.now().toString(36);
interface Status {
  id: string;
  uri: string;
  url: string | null;
  content: string;
  visibility: string;
  account: { acct: string };
  favourited?: boolean;
  favourites_count?: number;
}
interface SearchBody {
  accounts: { id: string; acct: string }[];
  statuses: Status[];
  hashtags: unknown[];
}

/**
 * Mastodon's search resolving a remote post by its URL (ADR 0052): fetched through the guarded
 * client (signed as the instance actor), a web page leading to its ActivityPub alternate, the
 * object's id trusted only on its own host, stored once through the inbox's path, shown under the
 * visibility rule; blocked domains, oversized documents and other types refused. A loopback peer
 * (test/peer) plays the remote server.
 */
describe('Mastodon search v2: resolving remote posts by URL', () => {
  let peer: Peer;
  let t: TestApp & { origin: string };
  let db: DataSource;
  let queues: Queue[];
  let bob: SignedUp;
  let bobToken: string;
  let carol: PeerActor;

  const search = async (params: Record<string, string>, token: string | null = bobToken) => {
    const res = await fetch(`${t.origin}/api/v2/search?${new URLSearchParams(params).toString()}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    return { status: res.status, body: (await res.json()) as SearchBody };
  };
  const resolve = (q: string) => search({ q, resolve: 'true' });
  const rowsWithUri = (uri: string) =>
    db.query<{ id: string; visibility: string }[]>('SELECT id, visibility FROM posts WHERE uri = $1', [uri]);
  const note = (id: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      '@context': AS_CONTEXT,
      id,
      type: 'Note',
      attributedTo: carol.id,
      content: '<p>a document</p>',
      to: [`${AS_CONTEXT}#Public`],
      ...extra,
    });

  beforeAll(async () => {
    peer = await startPeer();
    trustCertificateInThisProcess(peer.caCertPath);
    t = await createListeningTestApp(
      { FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true', FEDERATION_MAX_BODY_BYTES: String(MAX_BODY_BYTES) },
      { withWorker: true },
    );
    db = t.app.get(DataSource);
    const connection = queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions;
    queues = [new Queue('federation', connection), new Queue('federation-outbound', connection)];
    bob = await signUp(t);
    bobToken = await appToken(t, bob, 'read write');
    carol = await peer.createActor({ username: `carol${run}`, name: 'Carol Afar' });
  }, 60_000);

  afterAll(async () => {
    await Promise.all((queues ?? []).map((queue) => queue.close()));
    await t?.close();
    await peer?.stop();
  });

  beforeEach(async () => {
    const limiter = t.app.get(RateLimiterService);
    await Promise.all([limiter.reset(`search:${bob.account.id}`), limiter.reset('remote-lookup:ip:127.0.0.1')]);
  });

  it('resolves a public Note by its id through masto.js, once however often it is asked for; not without resolve', async () => {
    const { objectId } = await peer.create({
      actor: carol.username,
      content: `<p>hello from afar ${run}</p>`,
      hashtags: [`afar${run}`],
    });
    expect(await rowsWithUri(objectId)).toEqual([]);
    // Without resolve (or without a token) only what is here already is searched.
    expect((await search({ q: objectId })).body.statuses).toEqual([]);
    expect((await search({ q: objectId, resolve: 'true' }, null)).status).toBe(401);
    expect(await rowsWithUri(objectId)).toEqual([]);

    const { createRestAPIClient } = await import('masto');
    const masto = createRestAPIClient({ url: t.origin, accessToken: bobToken });
    const found = await masto.v2.search.list({ q: objectId, resolve: true });
    expect(found.statuses.map((s) => [s.uri, s.content, s.visibility, s.account.acct])).toEqual([
      [objectId, `<p>hello from afar ${run}</p>`, 'public', `carol${run}@${new URL(carol.id).host}`],
    ]);
    expect(found.statuses[0].tags.map((tag) => tag.name)).toEqual([`afar${run}`]);

    const again = await resolve(objectId);
    expect(again.body.statuses.map((s) => s.id)).toEqual([found.statuses[0].id]);
    expect(await rowsWithUri(objectId)).toEqual([{ id: found.statuses[0].id, visibility: 'public' }]);

    // GraphQL's searchAll shares the service.
    const gql = await t.gql<{ searchAll: { posts: { id: string }[] } }>(
      SEARCH_ALL,
      { q: objectId, resolve: true },
      bob.token,
    );
    expect(gql.data?.searchAll.posts).toEqual([{ id: found.statuses[0].id }]);
  });

  it('resolves a web page URL through its alternate link, fetched signed as the instance actor', async () => {
    const { objectId } = await peer.create({ actor: carol.username, content: '<p>seen on the web</p>' });
    const path = `/@carol${run}/page-${run}`;
    const { url: pageUrl } = await peer.serve({
      path,
      contentType: 'text/html; charset=utf-8',
      body: `<!doctype html><html><head><title>Carol</title>
        <link rel="alternate" type="application/activity+json" href="${objectId}"></head>
        <body><p>seen on the web</p></body></html>`,
    });

    const res = await resolve(pageUrl);
    expect(res.status).toBe(200);
    expect(res.body.statuses.map((s) => [s.uri, s.content])).toEqual([[objectId, '<p>seen on the web</p>']]);
    const hits = await peer.served(path);
    expect(hits).toHaveLength(1);
    expect(hits[0].keyId).toBe(`${t.origin}/actor#main-key`);
    expect(hits[0].accept).toMatch(/^application\/activity\+json, .*text\/html;q=0\.1$/);

    // The page and the id name one post.
    expect((await resolve(objectId)).body.statuses.map((s) => s.id)).toEqual([res.body.statuses[0].id]);
    expect(await rowsWithUri(objectId)).toHaveLength(1);
  });

  it('trusts a document for ids on its own host only: another host is asked for its own object', async () => {
    // Documents served by the peer, claiming ids on a second server.
    const other = await startPeer();
    try {
      const erin = await other.createActor({ username: `erin${run}` });
      const { objectId } = await other.create({ actor: erin.username, content: '<p>what erin wrote</p>' });
      const { url } = await peer.serve({
        path: `/claims-${run}`,
        body: note(objectId, { attributedTo: erin.id, content: `<p>words put in her mouth ${run}</p>` }),
      });

      const res = await resolve(url);
      expect(res.body.statuses.map((s) => [s.uri, s.content, s.account.acct])).toEqual([
        [objectId, '<p>what erin wrote</p>', `erin${run}@${new URL(erin.id).host}`],
      ]);
      expect(await rowsWithUri(url)).toEqual([]);

      // An id the other server does not serve is not stored at all.
      const unknownId = `${other.httpOrigin}/notes/never-${run}`;
      const { url: forgedUrl } = await peer.serve({
        path: `/forged-${run}`,
        body: note(unknownId, { attributedTo: erin.id, content: `<p>words put in her mouth ${run}</p>` }),
      });
      expect((await resolve(forgedUrl)).body.statuses).toEqual([]);
      expect(await rowsWithUri(unknownId)).toEqual([]);
      expect(await rowsWithUri(forgedUrl)).toEqual([]);
      const forged = await db.query<unknown[]>('SELECT id FROM posts WHERE content LIKE $1', [`%in her mouth ${run}%`]);
      expect(forged).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it('refuses a Note attributed to an actor on another host', async () => {
    const path = `/misattributed-${run}`;
    const { url } = await peer.serve({
      path,
      body: note(`${peer.httpOrigin}${path}`, { attributedTo: `${t.origin}/users/${bob.username}` }),
    });
    expect((await resolve(url)).body.statuses).toEqual([]);
    expect(await rowsWithUri(url)).toEqual([]);
  });

  it('does not store or show a followers-only post the reader may not see', async () => {
    const { objectId } = await peer.create({
      actor: carol.username,
      content: '<p>for my followers</p>',
      to: 'followers',
    });

    const res = await resolve(objectId);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accounts: [], statuses: [], hashtags: [] });
    expect(await rowsWithUri(objectId)).toEqual([]);
  });

  it('resolves a document served as is, and refuses other types and oversized documents', async () => {
    const { url: plain } = await peer.serve({
      path: `/plain-${run}`,
      body: note(`${peer.httpOrigin}/plain-${run}`, { content: '<p>plain</p>' }),
    });
    expect((await resolve(plain)).body.statuses.map((s) => [s.uri, s.content])).toEqual([[plain, '<p>plain</p>']]);

    const { url: question } = await peer.serve({
      path: `/question-${run}`,
      body: note(`${peer.httpOrigin}/question-${run}`, { type: 'Question', oneOf: [{ type: 'Note', name: 'yes' }] }),
    });
    expect((await resolve(question)).body.statuses).toEqual([]);
    expect(await rowsWithUri(question)).toEqual([]);

    const { url: big } = await peer.serve({
      path: `/big-${run}`,
      body: note(`${peer.httpOrigin}/big-${run}`, { content: `<p>${'x'.repeat(MAX_BODY_BYTES)}</p>` }),
    });
    expect((await resolve(big)).body.statuses).toEqual([]);
    expect(await rowsWithUri(big)).toEqual([]);
  });

  it('finds an actor by its URL when the URL names one', async () => {
    const dave = await peer.createActor({ username: `dave${run}` });
    const res = await resolve(dave.id);
    expect(res.body.accounts.map((a) => a.acct)).toEqual([`dave${run}@${new URL(dave.id).host}`]);
    expect(res.body.statuses).toEqual([]);
  });

  it('a resolve spends one more search of the budget: the sixteenth in a minute is refused', async () => {
    const { objectId } = await peer.create({ actor: carol.username, content: '<p>budget</p>' });
    for (let i = 0; i < 15; i++) expect((await resolve(objectId)).status).toBe(200);
    const refused = await resolve(objectId);
    expect(refused.status).toBe(429);
    expect(await rowsWithUri(objectId)).toHaveLength(1);
  });

  it('lets the reader favourite and reply to the resolved status, delivered to its author', async () => {
    const { objectId } = await peer.create({ actor: carol.username, content: '<p>talk to me</p>' });
    const { createRestAPIClient } = await import('masto');
    const masto = createRestAPIClient({ url: t.origin, accessToken: bobToken });
    const [status] = (await masto.v2.search.list({ q: objectId, resolve: true, type: 'statuses' })).statuses;
    expect(status.uri).toBe(objectId);

    const liked = await masto.v1.statuses.$select(status.id).favourite();
    expect([liked.id, liked.favourited, liked.favouritesCount]).toEqual([status.id, true, 1]);
    const reply = await masto.v1.statuses.create({ status: 'gladly', inReplyToId: status.id });
    expect(reply.inReplyToId).toBe(status.id);
    expect(reply.inReplyToAccountId).toBe(status.account.id);

    const from = { actor: `${t.origin}/users/${bob.username}` };
    const [like] = await peer.waitFor('Like', 1, 20_000, from);
    expect(like.activity?.object).toBe(objectId);
    const creates = await peer.waitFor('Create', 1, 20_000, from);
    expect(creates.map((entry) => String(entry.activity?.object?.inReplyTo))).toContain(objectId);
  });

  // Last: the block purges the peer's accounts and posts.
  it('refuses a blocked domain without fetching anything', async () => {
    const moderator = await signUp(t);
    await db.query(`UPDATE users SET role = 'moderator' WHERE account_id = $1`, [moderator.account.id]);
    const path = `/blocked-${run}`;
    const { url } = await peer.serve({ path, body: note(`${peer.httpOrigin}${path}`) });
    const host = new URL(peer.httpOrigin).host;
    const block = await t.gql<{ blockDomain: { domain: string } }>(BLOCK_DOMAIN, { domain: host }, moderator.token);
    expect(block.data?.blockDomain.domain).toBe(host);

    expect((await resolve(url)).body.statuses).toEqual([]);
    expect(await peer.served(path)).toEqual([]);
    expect(await rowsWithUri(url)).toEqual([]);
  });
});
