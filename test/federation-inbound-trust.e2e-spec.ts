import { randomUUID } from 'node:crypto';
import { ConfigService, queueConnection } from '@guildhall/core';
import { Queue, type QueueOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { InboxFastPath } from '../libs/federation/src/http/inbox-fast-path';
import { signUp, type SignedUp } from './utils/factories';
import { startPeer, trustCertificateInThisProcess, type Peer, type PeerActor, type RawPostInput } from './utils/peer';
import { createListeningTestApp, type TestApp } from './utils/test-app';
import { drained, eventually } from './utils/eventually';

const AS = 'https://www.w3.org/ns/activitystreams';
const PUBLIC = `${AS}#Public`;
const MIN = 60_000;
const HOUR = 60 * MIN;

/**
 * Who may act as whom in our inbox (ADR 0017): Mastodon's signature window on both inbox paths,
 * keys that belong only to the actors who confirm them, idempotency that no other server can
 * squat, and objects and tombstones that belong to their own actor. Two independent peers: `home`
 * (the victim's server) and `evil` (another origin).
 */
describe('federation inbox: trust', () => {
  let home: Peer;
  let evil: Peer;
  let t: TestApp & { origin: string };
  let db: DataSource;
  let queue: Queue;
  let fastPath: InboxFastPath;
  let alice: SignedUp;
  let victor: PeerActor;
  let victorId: string;
  let eve: PeerActor;
  let victorPost: string;

  const inbox = () => `${t.origin}/inbox`;
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => db.query<T[]>(query, params);
  const activityId = (peer: Peer) => `${peer.httpOrigin}/activities/${randomUUID()}`;
  const noteId = (peer: Peer) => `${peer.httpOrigin}/notes/${randomUUID()}`;

  /** POSTs the activity (with a fresh id on `peer` unless given), signed as `sign` says. */
  async function send(
    peer: Peer,
    activity: Record<string, unknown>,
    sign: RawPostInput['sign'],
  ): Promise<{ status: number; body: string; id: string }> {
    const id = (activity.id as string | undefined) ?? activityId(peer);
    const body = JSON.stringify({ '@context': AS, id, ...activity });
    const response = await peer.rawPost({ url: inbox(), body, sign });
    return { status: response.status, body: response.body, id };
  }

  /** A Note by `actor` that mentions alice, so it concerns this server. */
  const note = (id: string, actor: string, overrides: Record<string, unknown> = {}) => ({
    id,
    type: 'Note',
    attributedTo: actor,
    content: `<p>Note ${id}</p>`,
    to: [PUBLIC],
    cc: [alice.account.uri],
    tag: [{ type: 'Mention', href: alice.account.uri }],
    ...overrides,
  });

  const storedPost = async (uri: string) =>
    (
      await sql<{ account_id: string; deleted_at: Date | null }>(
        'SELECT account_id, deleted_at FROM posts WHERE uri = $1',
        [uri],
      )
    )[0];

  /** What impersonating victor could change: his profile, his inbox, his follows, his posts. */
  const victorState = async () => ({
    account: await sql(
      'SELECT display_name, bio, inbox_url, moved_to_account_id, suspended_at FROM accounts WHERE id = $1',
      [victorId],
    ),
    follows: await sql(
      'SELECT follower_id, followee_id, state FROM follows WHERE follower_id = $1 OR followee_id = $1',
      [victorId],
    ),
    posts: await sql('SELECT uri, deleted_at FROM posts WHERE account_id = $1 ORDER BY uri', [victorId]),
    counts: await sql('SELECT (SELECT count(*)::int FROM posts) AS posts, (SELECT count(*)::int FROM likes) AS likes'),
  });

  beforeAll(async () => {
    [home, evil] = await Promise.all([startPeer(), startPeer()]);
    trustCertificateInThisProcess(home.caCertPath);
    trustCertificateInThisProcess(evil.caCertPath);
    t = await createListeningTestApp({ FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true' }, { withWorker: true });
    db = t.app.get(DataSource);
    queue = new Queue('federation', queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions);
    fastPath = t.app.get(InboxFastPath);
    alice = await signUp(t);
    victor = await home.createActor({ username: 'victor', name: 'Victor' });
    eve = await evil.createActor({ username: 'eve' });
    await evil.createActor({ username: 'newvictor', alsoKnownAs: [victor.id] });

    // alice follows victor (a local follower a Move would shift), victor follows alice.
    const followed = await t.gql<{ follow: { state: string } }>(
      'mutation($handle: String!) { follow(handle: $handle) { state } }',
      { handle: victor.handle },
      alice.token,
    );
    expect(followed.data?.follow.state).toBe('PENDING');
    await home.follow({ actor: 'victor', target: alice.account.uri });
    [{ id: victorId }] = await eventually(
      () =>
        sql<{ id: string }>(
          `SELECT a.id FROM accounts a JOIN follows f ON f.followee_id = a.id
           WHERE a.uri = $1 AND f.state = 'accepted'`,
          [victor.id],
        ),
      (rows) => expect(rows).toHaveLength(1),
    );
    victorPost = (await home.create({ actor: 'victor', content: '<p>Mine</p>', mention: [alice.account.uri] }))
      .objectId;
    await eventually(
      () => storedPost(victorPost),
      (row) => expect(row?.account_id).toBe(victorId),
    );
    await drained([queue]);
  }, 90_000);

  afterAll(async () => {
    await queue?.close();
    await t?.close();
    await Promise.all([home?.stop(), evil?.stop()]);
  });

  describe("the signature's time window (Mastodon's), on the fast path and on Fedify's", () => {
    const at = (ms: number) => new Date(Date.now() + ms).toUTCString();
    let post: string;

    const likeOf = (actor: string) => ({ type: 'Like', actor, object: post });
    const likes = async (uri: string) => sql('SELECT uri FROM likes WHERE uri = $1', [uri]);

    beforeAll(async () => {
      const created = await t.gql<{ createPost: { uri: string } }>(
        'mutation { createPost(input: { content: "Like me in time" }) { uri } }',
        {},
        alice.token,
      );
      post = created.data!.createPost.uri;
    });

    it('refuses a Like signed with a Date two hours old on first contact (Fedify path), storing nothing', async () => {
      const nina = await home.createActor({ username: 'nina' });
      const sent = await send(home, likeOf(nina.id), { actor: 'nina', date: at(-2 * HOUR) });
      expect(sent.status).toBe(401);
      expect(sent.body).toBe('Signature expired (its Date is too old)');
      await drained([queue]);
      expect(await likes(sent.id)).toEqual([]);
      expect(await sql('SELECT id FROM accounts WHERE uri = $1', [nina.id])).toEqual([]);
    });

    it('refuses the same with the key already known (fast path), and accepts 4 minutes old and 50 ahead', async () => {
      const olga = await home.createActor({ username: 'olga' });
      // A first Like takes Fedify's path, which fetches and caches olga's key.
      const first = await send(home, likeOf(olga.id), { actor: 'olga' });
      expect(first.status).toBe(202);
      await drained([queue]);
      await sql('DELETE FROM likes WHERE uri = $1', [first.id]);

      const before = { ...fastPath.counts };
      const stale = await send(home, likeOf(olga.id), { actor: 'olga', date: at(-2 * HOUR) });
      expect(stale.status).toBe(401);
      await drained([queue]);
      expect(await likes(stale.id)).toEqual([]);

      const recent = await send(home, likeOf(olga.id), { actor: 'olga', date: at(-4 * MIN) });
      expect(recent.status).toBe(202);
      await eventually(
        () => likes(recent.id),
        (rows) => expect(rows).toEqual([{ uri: recent.id }]),
      );
      await sql('DELETE FROM likes WHERE uri = $1', [recent.id]);
      const ahead = await send(home, likeOf(olga.id), { actor: 'olga', date: at(50 * MIN) });
      expect(ahead.status).toBe(202);
      await eventually(
        () => likes(ahead.id),
        (rows) => expect(rows).toEqual([{ uri: ahead.id }]),
      );
      // The stale one was refused before the fast path; the two others were taken by it.
      expect(fastPath.counts.accepted - before.accepted).toBe(2);
    });

    it('honours RFC 9421 expires: refused when past (with the skew), accepted while it lasts', async () => {
      const pia = await home.createActor({ username: 'pia' });
      const expired = await send(home, likeOf(pia.id), {
        actor: 'pia',
        scheme: 'rfc9421',
        date: at(-2 * HOUR),
        expires: Math.floor((Date.now() - 65 * MIN) / 1000),
      });
      expect(expired.status).toBe(401);
      expect(expired.body).toBe('Signature expired (its created is too old)');
      await drained([queue]);
      expect(await likes(expired.id)).toEqual([]);

      // Created two hours ago, but expiring in an hour: inside the window (no default 5 minutes).
      const lasting = await send(home, likeOf(pia.id), {
        actor: 'pia',
        scheme: 'rfc9421',
        date: at(-2 * HOUR),
        expires: Math.floor((Date.now() + HOUR) / 1000),
      });
      expect(lasting.status).toBe(202);
      await eventually(
        () => likes(lasting.id),
        (rows) => expect(rows).toEqual([{ uri: lasting.id }]),
      );
    });
  });

  describe('a key belongs to an actor only if on its origin or listed by it', () => {
    /** Signed by eve's key, served by evil as a key document whose owner is victor. */
    async function forged(): Promise<RawPostInput['sign']> {
      const { keyId } = await evil.forgeKey({ actor: 'eve', owner: victor.id });
      return { actor: 'eve', keyId };
    }

    /** A Create as victor, in the contexts a Linked Data signature needs. */
    const ldCreate = (id: string) =>
      JSON.stringify({
        '@context': [AS, 'https://w3id.org/security/v1'],
        id: activityId(home),
        type: 'Create',
        actor: victor.id,
        to: [PUBLIC],
        object: note(id, victor.id),
      });

    /** Sends `activity` as victor with a forged key: 401, and nothing about victor changes. */
    async function impersonationRefused(activity: Record<string, unknown>): Promise<void> {
      const before = await victorState();
      // Sent from evil, with an id on victor's origin like his own activities'.
      const sent = await send(evil, { id: activityId(home), actor: victor.id, ...activity }, await forged());
      expect(sent.status).toBe(401);
      await drained([queue]);
      expect(await victorState()).toEqual(before);
    }

    it('refuses a Create shown as from victor (with a mention of alice), storing no post', async () => {
      const id = noteId(home);
      await impersonationRefused({ type: 'Create', object: note(id, victor.id) });
      expect(await storedPost(id)).toBeUndefined();
    });

    it("refuses an Update(Person) rewriting victor's profile and inbox", async () => {
      await impersonationRefused({
        type: 'Update',
        object: {
          id: victor.id,
          type: 'Person',
          preferredUsername: 'victor',
          name: 'Hacked',
          inbox: `${evil.httpOrigin}/users/eve/inbox`,
        },
      });
    });

    it("refuses a Move shifting victor's followers to an actor of evil's", async () => {
      await impersonationRefused({ type: 'Move', object: victor.id, target: `${evil.httpOrigin}/users/newvictor` });
    });

    it('refuses a Delete(actor) purging victor', async () => {
      await impersonationRefused({ type: 'Delete', object: victor.id, to: [PUBLIC] });
      expect((await storedPost(victorPost))?.deleted_at).toBeNull();
    });

    it('refuses a Create bearing a Linked Data signature by the forged key (HTTP-signed by eve herself)', async () => {
      const { keyId } = await evil.forgeKey({ actor: 'eve', owner: victor.id });
      const id = noteId(home);
      const before = await victorState();
      const response = await evil.rawPost({
        url: inbox(),
        body: ldCreate(id),
        ldSign: { actor: 'eve', keyId },
        sign: { actor: 'eve' },
      });
      expect(response.status).toBe(401);
      await drained([queue]);
      expect(await victorState()).toEqual(before);
      expect(await storedPost(id)).toBeUndefined();
    });

    it("accepts victor's own Linked Data signature on a Create forwarded by another actor", async () => {
      await home.createActor({ username: 'forwarder' });
      const id = noteId(home);
      const response = await home.rawPost({
        url: inbox(),
        body: ldCreate(id),
        ldSign: { actor: 'victor' },
        sign: { actor: 'forwarder' },
      });
      expect(response.status).toBe(202);
      await eventually(
        () => storedPost(id),
        (row) => expect(row?.account_id).toBe(victorId),
      );
    });

    it('still accepts victor signing with his own key (the refusals above are not vacuous)', async () => {
      const id = noteId(home);
      const sent = await send(
        home,
        { type: 'Create', actor: victor.id, object: note(id, victor.id) },
        { actor: 'victor' },
      );
      expect(sent.status).toBe(202);
      await eventually(
        () => storedPost(id),
        (row) => expect(row?.account_id).toBe(victorId),
      );
    });
  });

  describe('idempotency cannot be squatted by another server', () => {
    it("refuses an activity bearing another server's id; the real one with that id is then processed", async () => {
      const post = noteId(home);
      const created = await send(
        home,
        { type: 'Create', actor: victor.id, object: note(post, victor.id) },
        {
          actor: 'victor',
        },
      );
      expect(created.status).toBe(202);
      await eventually(
        () => storedPost(post),
        (row) => expect(row?.deleted_at).toBeNull(),
      );

      // eve, on evil, takes the id victor's Delete will have.
      const deleteId = activityId(home);
      const squat = await send(evil, { id: deleteId, type: 'Delete', actor: eve.id, object: post }, { actor: 'eve' });
      expect(squat.status).toBe(400);
      expect(squat.body).toBe("The activity id must be on its actor's origin");
      await drained([queue]);

      const real = await send(
        home,
        { id: deleteId, type: 'Delete', actor: victor.id, object: post },
        {
          actor: 'victor',
        },
      );
      expect(real.status).toBe(202);
      await eventually(
        () => storedPost(post),
        (row) => expect(row?.deleted_at).not.toBeNull(),
      );
    });
  });

  describe('only accepted activities are recorded as processed', () => {
    it('processes an activity refused once (it concerned no one here) when it comes again and concerns alice', async () => {
      const quinn = await home.createActor({ username: 'quinn' });
      const post = noteId(home);
      // Public, no mention, no local follower: refused as unrelated.
      const activity = {
        id: activityId(home),
        type: 'Create',
        actor: quinn.id,
        object: note(post, quinn.id, { cc: [], tag: [] }),
      };
      expect((await send(home, activity, { actor: 'quinn' })).status).toBe(202);
      await drained([queue]);
      expect(await storedPost(post)).toBeUndefined();

      const followed = await t.gql<{ follow: { state: string } }>(
        'mutation($handle: String!) { follow(handle: $handle) { state } }',
        { handle: quinn.handle },
        alice.token,
      );
      expect(followed.data?.follow.state).toBe('PENDING');
      await eventually(
        () =>
          sql(
            `SELECT f.state FROM follows f JOIN accounts a ON a.id = f.followee_id
             WHERE a.uri = $1 AND f.follower_id = $2`,
            [quinn.id, alice.account.id],
          ),
        (rows) => expect(rows).toEqual([{ state: 'accepted' }]),
      );

      // The same activity, same id, delivered again: now alice follows quinn, so it is stored.
      expect((await send(home, activity, { actor: 'quinn' })).status).toBe(202);
      await eventually(
        () => storedPost(post),
        (row) => expect(row?.deleted_at).toBeNull(),
      );
      // And only once: a third delivery changes nothing.
      expect((await send(home, activity, { actor: 'quinn' })).status).toBe(202);
      await drained([queue]);
      expect(await sql('SELECT count(*)::int AS n FROM posts WHERE uri = $1', [post])).toEqual([{ n: 1 }]);
    });
  });

  describe("a post and its tombstone belong to their own actor (one host's users can't pre-empt each other)", () => {
    let mel: PeerActor;

    beforeAll(async () => {
      mel = await home.createActor({ username: 'mel' });
    });

    it("ignores a Create with no attributedTo of an id under another user's path, storing nothing", async () => {
      const id = `${victor.id}/statuses/${randomUUID()}`;
      const object = note(id, mel.id, { attributedTo: undefined });
      const sent = await send(home, { type: 'Create', actor: mel.id, object }, { actor: 'mel' });
      expect(sent.status).toBe(202);
      await drained([queue]);
      expect(await storedPost(id)).toBeUndefined();
    });

    it("lets a Delete of an unseen id pre-empt only its own actor's Create", async () => {
      const squatted = noteId(home);
      const byMel = await send(home, { type: 'Delete', actor: mel.id, object: squatted }, { actor: 'mel' });
      expect(byMel.status).toBe(202);
      await drained([queue]);
      const created = await send(
        home,
        { type: 'Create', actor: victor.id, object: note(squatted, victor.id) },
        {
          actor: 'victor',
        },
      );
      expect(created.status).toBe(202);
      await eventually(
        () => storedPost(squatted),
        (row) => expect(row).toEqual({ account_id: victorId, deleted_at: null }),
      );

      // victor's own Delete before his Create still keeps it deleted.
      const early = noteId(home);
      expect((await send(home, { type: 'Delete', actor: victor.id, object: early }, { actor: 'victor' })).status).toBe(
        202,
      );
      await drained([queue]);
      const late = await send(
        home,
        { type: 'Create', actor: victor.id, object: note(early, victor.id) },
        {
          actor: 'victor',
        },
      );
      expect(late.status).toBe(202);
      await drained([queue]);
      expect(await storedPost(early)).toBeUndefined();
    });
  });
});
