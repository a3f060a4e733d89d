import { createPublicKey } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { createListeningTestApp, type TestApp } from './utils/test-app';

const AS_JSON = 'application/activity+json';
const LD_JSON = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"';

interface Actor {
  id: string;
  type: string;
  preferredUsername: string;
  name?: string;
  summary?: string;
  url: string;
  inbox: string;
  outbox: string;
  followers: string;
  following: string;
  manuallyApprovesFollowers: boolean;
  discoverable?: boolean;
  published?: string;
  endpoints: { sharedInbox: string };
  publicKey: { id: string; owner: string; publicKeyPem: string };
  assertionMethod?: { id: string; type: string; controller: string; publicKeyMultibase: string }[];
  '@context': unknown[];
}

/** Discovery and actors as a Mastodon server sees them: WebFinger, host-meta, NodeInfo, actor documents. */
describe('federation discovery', () => {
  let t: TestApp & { origin: string };
  let host: string;
  let alice: SignedUp;
  const get = (path: string) => request(t.origin).get(path);

  beforeAll(async () => {
    t = await createListeningTestApp();
    host = new URL(t.origin).host;
    alice = await signUp(t, { displayName: 'Alice Liddell' });
  });
  afterAll(() => t.close());

  describe('WebFinger', () => {
    it('resolves acct:user@host[:port] to a self link string-equal to the actor id', async () => {
      const res = await get(`/.well-known/webfinger?resource=acct:${alice.username}@${host}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/jrd\+json/);
      const jrd = JSON.parse(res.text) as { subject: string; links: { rel: string; type?: string; href?: string }[] };
      expect(jrd.subject).toBe(`acct:${alice.username}@${host}`);
      expect(jrd.links).toEqual(
        expect.arrayContaining([
          { rel: 'self', type: AS_JSON, href: `${t.origin}/users/${alice.username}` },
          expect.objectContaining({
            rel: 'http://webfinger.net/rel/profile-page',
            href: `${t.origin}/@${alice.username}`,
          }),
        ]),
      );
      expect(alice.account.uri).toBe(`${t.origin}/users/${alice.username}`);
    });

    it('resolves the actor URL as a resource too, and a capitalised handle to the same actor', async () => {
      const byUrl = await get(
        `/.well-known/webfinger?resource=${encodeURIComponent(`${t.origin}/users/${alice.username}`)}`,
      );
      expect(byUrl.status).toBe(200);
      const self = (JSON.parse(byUrl.text) as { links: { rel: string; href?: string }[] }).links.find(
        (l) => l.rel === 'self',
      );
      expect(self?.href).toBe(`${t.origin}/users/${alice.username}`);

      const upper = await get(`/.well-known/webfinger?resource=acct:${alice.username.toUpperCase()}@${host}`);
      expect(upper.status).toBe(200);
      expect(upper.text).toContain(`"href":"${t.origin}/users/${alice.username}"`);
    });

    it('answers 404 for an unknown account or another host, 400 for a malformed or missing resource', async () => {
      expect((await get(`/.well-known/webfinger?resource=acct:nobody_here@${host}`)).status).toBe(404);
      expect((await get(`/.well-known/webfinger?resource=acct:${alice.username}@elsewhere.example`)).status).toBe(404);
      expect((await get('/.well-known/webfinger?resource=acct:no-at-sign')).status).toBe(400);
      expect((await get('/.well-known/webfinger?resource=not%20a%20resource')).status).toBe(400);
      expect((await get('/.well-known/webfinger')).status).toBe(400);
    });
  });

  it('serves host-meta with the WebFinger template', async () => {
    const res = await get('/.well-known/host-meta');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/xrd+xml; charset=utf-8');
    expect(res.text).toContain(
      `<Link rel="lrdd" type="application/jrd+json" template="${t.origin}/.well-known/webfinger?resource={uri}"/>`,
    );
  });

  describe('NodeInfo', () => {
    it('links 2.0 and 2.1', async () => {
      const res = await get('/.well-known/nodeinfo');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        links: [
          { rel: 'http://nodeinfo.diaspora.software/ns/schema/2.0', href: `${t.origin}/nodeinfo/2.0` },
          { rel: 'http://nodeinfo.diaspora.software/ns/schema/2.1', href: `${t.origin}/nodeinfo/2.1` },
        ],
      });
    });

    it('counts local users and local posts (not boosts, not deleted), in both versions', async () => {
      const usage = async (version: string) => {
        const res = await get(`/nodeinfo/${version}`);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe(
          `application/json; profile="http://nodeinfo.diaspora.software/ns/schema/${version}#"`,
        );
        const doc = JSON.parse(res.text) as {
          version: string;
          software: { name: string; version: string };
          protocols: string[];
          openRegistrations: boolean;
          usage: { users: { total: number }; localPosts: number };
        };
        expect(doc.version).toBe(version);
        expect(doc.software).toEqual({ name: 'guildhall', version: '0.1.0' });
        expect(doc.protocols).toEqual(['activitypub']);
        expect(doc.openRegistrations).toBe(true);
        return doc.usage;
      };
      const before = await usage('2.1');
      expect(await usage('2.0')).toEqual(before);

      const bob = await signUp(t);
      const post = async (content: string) => {
        const res = await t.gql<{ createPost: { id: string } }>(
          'mutation($i: CreatePostInput!) { createPost(input: $i) { id } }',
          { i: { content, visibility: 'PUBLIC' } },
          bob.token,
        );
        return res.data!.createPost.id;
      };
      const kept = await post('one');
      const deleted = await post('two');
      await t.gql('mutation($id: ID!) { deletePost(id: $id) }', { id: deleted }, bob.token);
      await t.gql('mutation($id: ID!) { boostPost(id: $id) { id } }', { id: kept }, alice.token);

      expect(await usage('2.1')).toEqual({
        users: { total: before.users.total + 1 },
        localPosts: before.localPosts + 1,
      });
      expect((await get('/nodeinfo/9.9')).status).toBe(404);
    });
  });

  describe('actors', () => {
    const fetchActor = async (path: string, accept = AS_JSON) => {
      const res = await get(path).set('accept', accept);
      return { res, actor: JSON.parse(res.text || '{}') as Actor };
    };

    it('serves a local account as a Person with the fields Mastodon reads', async () => {
      const id = `${t.origin}/users/${alice.username}`;
      const { res, actor } = await fetchActor(`/users/${alice.username}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(AS_JSON);
      expect(res.headers.vary).toMatch(/\bAccept\b/);
      expect(actor).toMatchObject({
        id,
        type: 'Person',
        preferredUsername: alice.username,
        name: 'Alice Liddell',
        url: `${t.origin}/@${alice.username}`,
        inbox: `${id}/inbox`,
        outbox: `${id}/outbox`,
        followers: `${id}/followers`,
        following: `${id}/following`,
        manuallyApprovesFollowers: false,
        discoverable: true,
        endpoints: { sharedInbox: `${t.origin}/inbox` },
      });
      expect(Date.parse(actor.published!)).toBeGreaterThan(Date.now() - 10 * 60_000);
      expect(actor['@context']).toEqual(
        expect.arrayContaining(['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1']),
      );

      expect(actor.publicKey.id).toBe(`${id}#main-key`);
      expect(actor.publicKey.owner).toBe(id);
      expect(actor.publicKey.publicKeyPem.startsWith('-----BEGIN PUBLIC KEY-----')).toBe(true);
      const key = createPublicKey(actor.publicKey.publicKeyPem);
      expect(key.asymmetricKeyType).toBe('rsa');
      expect(key.asymmetricKeyDetails?.modulusLength).toBe(2048);
      // Multikeys for Object Integrity Proofs: the RSA key, then an Ed25519 one (multibase z6Mk…).
      expect(actor.assertionMethod).toEqual([
        expect.objectContaining({ id: `${id}#multikey-1`, type: 'Multikey', controller: id }),
        expect.objectContaining({ id: `${id}#multikey-2`, type: 'Multikey', controller: id }),
      ]);
      expect(actor.assertionMethod![1].publicKeyMultibase).toMatch(/^z6Mk/);
    });

    it('also answers ld+json with the ActivityStreams profile', async () => {
      const { res, actor } = await fetchActor(`/users/${alice.username}`, LD_JSON);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(AS_JSON);
      expect(actor.id).toBe(`${t.origin}/users/${alice.username}`);
    });

    it('keeps the keys: the same key on a second fetch, the private key sealed in the database', async () => {
      const first = (await fetchActor(`/users/${alice.username}`)).actor.publicKey.publicKeyPem;
      const second = (await fetchActor(`/users/${alice.username}`)).actor.publicKey.publicKeyPem;
      expect(second).toBe(first);

      const [row] = await t.app
        .get(DataSource)
        .query<{ rsa_public_key: string; rsa_private_key: string; ed25519_private_key: string }[]>(
          'SELECT rsa_public_key, rsa_private_key, ed25519_private_key FROM actor_keys WHERE account_id = $1',
          [alice.account.id],
        );
      expect(row.rsa_public_key).toBe(first);
      for (const sealed of [row.rsa_private_key, row.ed25519_private_key]) {
        expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
        expect(sealed).not.toContain('PRIVATE KEY');
        expect(sealed).not.toContain('"d"');
      }
    });

    it('serves follower and following counts as collections', async () => {
      const carol = await signUp(t);
      const follow = await t.gql(
        'mutation($h: String!) { follow(handle: $h) { state } }',
        { h: carol.username },
        alice.token,
      );
      expect(follow.data).toEqual({ follow: { state: 'ACCEPTED' } });
      const collection = async (path: string) => {
        const res = await get(path).set('accept', AS_JSON);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe(AS_JSON);
        return JSON.parse(res.text) as { id: string; type: string; totalItems: number };
      };
      expect(await collection(`/users/${carol.username}/followers`)).toMatchObject({
        id: `${t.origin}/users/${carol.username}/followers`,
        type: 'OrderedCollection',
        totalItems: 1,
      });
      expect(await collection(`/users/${alice.username}/following`)).toMatchObject({
        id: `${t.origin}/users/${alice.username}/following`,
        type: 'OrderedCollection',
        totalItems: 1,
      });
      expect(await collection(`/users/${alice.username}/followers`)).toMatchObject({ totalItems: 0 });
      expect((await get('/users/nobody_here/followers').set('accept', AS_JSON)).status).toBe(404);
    });

    it('serves the instance actor unsigned, with its own key', async () => {
      const { res, actor } = await fetchActor('/actor');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe(AS_JSON);
      expect(actor).toMatchObject({ id: `${t.origin}/actor`, type: 'Application', preferredUsername: host });
      expect(actor.publicKey.id).toBe(`${t.origin}/actor#main-key`);
      expect(actor.publicKey.owner).toBe(`${t.origin}/actor`);
      expect(res.headers.vary).toMatch(/\bAccept\b/);
      expect(createPublicKey(actor.publicKey.publicKeyPem).asymmetricKeyDetails?.modulusLength).toBe(2048);
      const alices = (await fetchActor(`/users/${alice.username}`)).actor.publicKey.publicKeyPem;
      expect(actor.publicKey.publicKeyPem).not.toBe(alices);
      expect((await fetchActor('/actor')).actor.publicKey.publicKeyPem).toBe(actor.publicKey.publicKeyPem);
    });

    it('answers 404 for an unknown actor and for a non-canonical spelling', async () => {
      expect((await fetchActor('/users/nobody_here')).res.status).toBe(404);
      expect((await fetchActor(`/users/${alice.username.toUpperCase()}`)).res.status).toBe(404);
    });

    it('leaves a browser to Nest, which serves the HTML profile page at the same URL', async () => {
      const res = await get(`/users/${alice.username}`).set('accept', 'text/html,application/xhtml+xml');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers.vary).toMatch(/Accept/i);
      expect(res.text).toContain(
        `<link rel="alternate" type="application/activity+json" href="${t.origin}/users/${alice.username}">`,
      );
    });
  });

  it('keeps GraphQL and /health working on the same server', async () => {
    const res = await request(t.origin)
      .post('/graphql')
      .set('content-type', 'application/json')
      .send({ query: 'query($h: String!) { account(handle: $h) { handle uri } }', variables: { h: alice.username } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: { account: { handle: alice.username, uri: `${t.origin}/users/${alice.username}` } },
    });
    expect((await get('/health')).status).toBe(200);
  });
});
