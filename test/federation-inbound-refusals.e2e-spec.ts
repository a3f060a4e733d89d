import { randomUUID } from 'node:crypto';
import { ConfigService, queueConnection } from '@guildhall/core';
import { Queue, type QueueOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { InboxFastPath } from '../libs/federation/src/http/inbox-fast-path';
import { DomainBlockCache } from '../libs/federation/src/moderation/domain-block.cache';
import { signUp, type SignedUp } from './utils/factories';
import { startPeer, trustCertificateInThisProcess, type Peer, type PeerActor, type RawPostInput } from './utils/peer';
import { createListeningTestApp, type TestApp } from './utils/test-app';
import { drained } from './utils/eventually';

const AS = 'https://www.w3.org/ns/activitystreams';
const MAX_BODY_BYTES = 4096;

/**
 * Inbox POSTs that must be refused, each with its status, and with nothing stored: sent by an
 * independent peer that signs with its own node:crypto signer and breaks one thing at a time.
 */
describe('federation inbox: refusals', () => {
  let peer: Peer;
  let t: TestApp & { origin: string };
  let db: DataSource;
  let queue: Queue;
  let alice: SignedUp;
  let mallory: PeerActor;
  let postUri: string;

  const inbox = () => `${t.origin}/inbox`;

  async function counts(): Promise<{ posts: number; likes: number; follows: number; accounts: number }> {
    const [row] = await db.query<{ posts: number; likes: number; follows: number; accounts: number }[]>(
      `SELECT (SELECT count(*)::int FROM posts) AS posts, (SELECT count(*)::int FROM likes) AS likes,
              (SELECT count(*)::int FROM follows) AS follows, (SELECT count(*)::int FROM accounts) AS accounts`,
    );
    return row;
  }

  const activityId = () => `${peer.httpOrigin}/activities/${randomUUID()}`;
  const like = (actor = mallory.id, object = postUri) =>
    JSON.stringify({ '@context': AS, id: activityId(), type: 'Like', actor, object });

  /** Another post of alice's (an account likes a post once: each accepted Like needs its own). */
  async function freshPost(): Promise<string> {
    const created = await t.gql<{ createPost: { uri: string } }>(
      `mutation { createPost(input: { content: "Post ${randomUUID()}" }) { uri } }`,
      {},
      alice.token,
    );
    return created.data!.createPost.uri;
  }
  const follow = () =>
    JSON.stringify({ '@context': AS, id: activityId(), type: 'Follow', actor: mallory.id, object: alice.account.uri });

  /** POSTs, expects `status` and a reason, then that nothing was stored and the server still answers. */
  async function refused(input: Omit<RawPostInput, 'url'>, status: number): Promise<string> {
    const before = await counts();
    const response = await peer.rawPost({ url: inbox(), ...input });
    expect(response.status).toBe(status);
    await drained([queue]);
    expect(await counts()).toEqual(before);
    expect((await t.http().get('/health')).status).toBe(200);
    return response.body;
  }

  beforeAll(async () => {
    peer = await startPeer();
    trustCertificateInThisProcess(peer.caCertPath);
    t = await createListeningTestApp(
      { FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true', FEDERATION_MAX_BODY_BYTES: String(MAX_BODY_BYTES) },
      { withWorker: true },
    );
    db = t.app.get(DataSource);
    queue = new Queue('federation', queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions);
    alice = await signUp(t);
    const created = await t.gql<{ createPost: { uri: string } }>(
      'mutation { createPost(input: { content: "Like me, if you can" }) { uri } }',
      {},
      alice.token,
    );
    postUri = created.data!.createPost.uri;
    mallory = await peer.createActor({ username: 'mallory' });
    await peer.createActor({ username: 'trent' });
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await t?.close();
    await peer?.stop();
  });

  it('refuses an unsigned POST with 401', async () => {
    expect(await refused({ body: like() }, 401)).toMatch(/signature/i);
  });

  it('refuses a body that does not match its signed digest with 401', async () => {
    expect(await refused({ body: like(), sign: { actor: 'mallory', tamperBody: true } }, 401)).toMatch(/digest/i);
  });

  it('refuses a Date 13 hours old with 401', async () => {
    const date = new Date(Date.now() - 13 * 3_600_000).toUTCString();
    expect(await refused({ body: like(), sign: { actor: 'mallory', date } }, 401)).toMatch(/date/i);
  });

  it('refuses a Date 2 hours in the future with 401', async () => {
    const date = new Date(Date.now() + 2 * 3_600_000).toUTCString();
    expect(await refused({ body: like(), sign: { actor: 'mallory', date } }, 401)).toMatch(/future/i);
  });

  it("refuses an activity signed with another actor's key with 401", async () => {
    await refused({ body: like(mallory.id), sign: { actor: 'mallory', keyOf: 'trent' } }, 401);
  });

  it('refuses a signature that does not cover the digest with 401', async () => {
    await refused({ body: follow(), sign: { actor: 'mallory', omit: ['digest'] } }, 401);
  });

  it('refuses malformed JSON with 400', async () => {
    expect(await refused({ body: '{"type": "Like", "actor": ', sign: { actor: 'mallory' } }, 400)).toMatch(/json/i);
  });

  it(`refuses a body over FEDERATION_MAX_BODY_BYTES (${MAX_BODY_BYTES}) with 413`, async () => {
    const body = JSON.stringify({
      '@context': AS,
      id: activityId(),
      type: 'Create',
      actor: mallory.id,
      object: { id: `${peer.httpOrigin}/notes/${randomUUID()}`, type: 'Note', content: 'x'.repeat(MAX_BODY_BYTES) },
    });
    await refused({ body, sign: { actor: 'mallory' } }, 413);
  });

  it('refuses a text/plain body with 415', async () => {
    await refused({ body: like(), headers: { 'content-type': 'text/plain' }, sign: { actor: 'mallory' } }, 415);
  });

  it('refuses a blocked domain with 403, and accepts it again once unblocked', async () => {
    const host = new URL(peer.httpOrigin).host;
    const cache = t.app.get(DomainBlockCache);
    await db.query('INSERT INTO domain_blocks (domain, reason) VALUES ($1, $2)', [host, 'refusals test']);
    await cache.reload();
    try {
      await refused({ body: follow(), sign: { actor: 'mallory' } }, 403);
    } finally {
      await db.query('DELETE FROM domain_blocks WHERE domain = $1', [host]);
      await cache.reload();
    }
  });

  describe('accepted at the door (202), then refused quietly by the handler', () => {
    /** POSTs signed by `actor`, expects 202, waits for the worker, then that nothing changed. */
    async function noEffect(actor: string, activity: Record<string, unknown>): Promise<void> {
      const before = await counts();
      const body = JSON.stringify({ '@context': AS, id: activityId(), ...activity });
      expect((await peer.rawPost({ url: inbox(), body, sign: { actor } })).status).toBe(202);
      await drained([queue]);
      const after = await counts();
      // Resolving the sender may store its account; nothing else may change.
      expect({ ...after, accounts: 0 }).toEqual({ ...before, accounts: 0 });
    }

    const note = (overrides: Record<string, unknown> = {}) => ({
      id: `${peer.httpOrigin}/notes/${randomUUID()}`,
      type: 'Note',
      attributedTo: mallory.id,
      content: '<p>Hi</p>',
      to: [`${AS}#Public`],
      cc: [alice.account.uri],
      tag: [{ type: 'Mention', href: alice.account.uri }],
      ...overrides,
    });

    it('ignores a Create whose object id is on another host than its actor', async () => {
      const object = note({ id: `http://elsewhere.example/notes/${randomUUID()}` });
      await noEffect('mallory', { type: 'Create', actor: mallory.id, object });
    });

    it('ignores a Create of a Note attributed to another actor', async () => {
      await noEffect('mallory', {
        type: 'Create',
        actor: mallory.id,
        object: note({ attributedTo: `${peer.httpOrigin}/users/trent` }),
      });
    });

    it('ignores a Create that concerns nobody here (no follower, mention or reply)', async () => {
      await noEffect('mallory', { type: 'Create', actor: mallory.id, object: note({ cc: [], tag: [] }) });
    });

    it("ignores an Undo of another actor's Like", async () => {
      const likeId = activityId();
      const body = JSON.stringify({
        '@context': AS,
        id: likeId,
        type: 'Like',
        actor: `${peer.httpOrigin}/users/trent`,
        object: postUri,
      });
      expect((await peer.rawPost({ url: inbox(), body, sign: { actor: 'trent' } })).status).toBe(202);
      await drained([queue]);
      expect(await db.query('SELECT uri FROM likes WHERE uri = $1', [likeId])).toEqual([{ uri: likeId }]);
      await noEffect('mallory', { type: 'Undo', actor: mallory.id, object: likeId });
      expect(await db.query('SELECT uri FROM likes WHERE uri = $1', [likeId])).toEqual([{ uri: likeId }]);
    });

    it('stores the same kind of Create when nothing is wrong with it (the refusals above are not vacuous)', async () => {
      const object = note();
      const body = JSON.stringify({ '@context': AS, id: activityId(), type: 'Create', actor: mallory.id, object });
      expect((await peer.rawPost({ url: inbox(), body, sign: { actor: 'mallory' } })).status).toBe(202);
      await drained([queue]);
      expect(await db.query('SELECT local, visibility FROM posts WHERE uri = $1', [object.id])).toEqual([
        { local: false, visibility: 'public' },
      ]);
    });

    it('ignores everything from a suspended account', async () => {
      const eve = await peer.createActor({ username: 'eve' });
      const body = JSON.stringify({
        '@context': AS,
        id: activityId(),
        type: 'Follow',
        actor: eve.id,
        object: alice.account.uri,
      });
      expect((await peer.rawPost({ url: inbox(), body, sign: { actor: 'eve' } })).status).toBe(202);
      await drained([queue]);
      const [row] = await db.query<{ id: string }[]>('SELECT id FROM accounts WHERE uri = $1', [eve.id]);
      await db.query('DELETE FROM follows WHERE follower_id = $1', [row.id]);
      await db.query('UPDATE accounts SET suspended_at = now() WHERE id = $1', [row.id]);
      await noEffect('eve', { type: 'Like', actor: eve.id, object: postUri });
      await noEffect('eve', { type: 'Follow', actor: eve.id, object: alice.account.uri });
      await noEffect('eve', {
        type: 'Create',
        actor: eve.id,
        object: note({ attributedTo: eve.id, id: `${peer.httpOrigin}/notes/${randomUUID()}` }),
      });
    });
  });

  describe("with the sender's key already known: the fast path (ADR 0012) accepts only what Fedify would", () => {
    let fastPath: InboxFastPath;

    /** Runs `send` and returns how the fast path's counters moved. */
    async function counted(send: () => Promise<unknown>): Promise<{ accepted: number; declined: number }> {
      const before = { ...fastPath.counts };
      await send();
      return {
        accepted: fastPath.counts.accepted - before.accepted,
        declined: fastPath.counts.declined - before.declined,
      };
    }

    beforeAll(async () => {
      fastPath = t.app.get(InboxFastPath);
      // Fedify's path fetches and caches both keys (the first request of each actor).
      for (const actor of ['mallory', 'trent']) {
        const body = like(`${peer.httpOrigin}/users/${actor}`, await freshPost());
        expect((await peer.rawPost({ url: inbox(), body, sign: { actor } })).status).toBe(202);
      }
      await drained([queue]);
    });

    it('accepts a correctly signed Like without Fedify, and the worker stores it once', async () => {
      const before = await counts();
      const body = like(mallory.id, await freshPost());
      const moved = await counted(async () => {
        expect((await peer.rawPost({ url: inbox(), body, sign: { actor: 'mallory' } })).status).toBe(202);
      });
      expect(moved).toEqual({ accepted: 1, declined: 0 });
      await drained([queue]);
      const { id } = JSON.parse(body) as { id: string };
      expect(await db.query('SELECT uri FROM likes WHERE uri = $1', [id])).toEqual([{ uri: id }]);
      expect((await counts()).likes).toBe(before.likes + 1);
    });

    it("refuses with 401 an activity signed by another actor's known key", async () => {
      const moved = await counted(() =>
        refused({ body: like(mallory.id), sign: { actor: 'mallory', keyOf: 'trent' } }, 401),
      );
      expect(moved).toEqual({ accepted: 0, declined: 1 });
    });

    it("refuses with 401 a signature by one key that claims another's keyId", async () => {
      const moved = await counted(() =>
        refused({ body: like(), sign: { actor: 'mallory', keyOf: 'trent', keyId: `${mallory.id}#main-key` } }, 401),
      );
      expect(moved).toEqual({ accepted: 0, declined: 1 });
    });

    it('leaves an activity whose context defines a term it reads to Fedify, which accepts it', async () => {
      const before = await counts();
      const body = JSON.stringify({
        '@context': [AS, { actor: { '@id': 'as:actor', '@type': '@id' } }],
        id: activityId(),
        type: 'Like',
        actor: mallory.id,
        object: await freshPost(),
      });
      const moved = await counted(async () => {
        expect((await peer.rawPost({ url: inbox(), body, sign: { actor: 'mallory' } })).status).toBe(202);
      });
      expect(moved).toEqual({ accepted: 0, declined: 1 });
      await drained([queue]);
      expect((await counts()).likes).toBe(before.likes + 1);
    });
  });

  it('accepts the same Like correctly signed, and stores it once (the refusals above were not a broken setup)', async () => {
    const before = await counts();
    const body = like();
    const response = await peer.rawPost({ url: inbox(), body, sign: { actor: 'mallory' } });
    expect(response.status).toBe(202);
    await drained([queue]);
    const { id } = JSON.parse(body) as { id: string };
    expect(await db.query('SELECT uri FROM likes WHERE uri = $1', [id])).toEqual([{ uri: id }]);
    expect((await counts()).likes).toBe(before.likes + 1);
  });
});
