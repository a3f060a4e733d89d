import { ConfigService, queueConnection } from '@guildhall/core';
import { Queue, type QueueOptions } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { png } from './fixtures/images';
import { drained, eventually } from './utils/eventually';
import { signUp, type SignedUp } from './utils/factories';
import { insertBlock } from './utils/graph';
import { startPeer, type Peer, type PeerActor } from './utils/peer';
import { createListeningTestApp, type TestApp } from './utils/test-app';
import {
  type Reader,
  seenVisibilities,
  VISIBILITIES,
  VISIBILITY_MATRIX,
  type VisibilityName,
} from './utils/visibility-matrix';

const AS_JSON = 'application/activity+json';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- documents from the wire
type Json = Record<string, any>;

/** The table's readers as remote actors (the author has no signature of its own to fetch with). */
const REMOTE_READERS: readonly Reader[] = [
  'anonymous',
  'follower',
  'stranger',
  'mentioned',
  'blocked',
  'blocking',
  'blockedDomain',
  'suspendedReader',
  'suspendedAuthor',
];

/** The peer actor of each reader (`mentioned` also reads the suspended author's posts, whom it follows). */
const ACTOR: Partial<Record<Reader, string>> = {
  follower: 'follower',
  stranger: 'stranger',
  mentioned: 'mentioned',
  blocked: 'blocked',
  blocking: 'blocking',
  blockedDomain: 'spammer',
  suspendedReader: 'suspended',
  suspendedAuthor: 'mentioned',
};

/**
 * ActivityPub reads by the same visibility table as GraphQL and the HTML pages
 * (test/utils/visibility-matrix.ts): signed GETs of the post objects, their activities and replies,
 * and the author's outbox, as remote readers from a loopback peer; authorized fetch on and off.
 */
describe.each([
  ['off', 'false'],
  ['on', 'true'],
])('ActivityPub reads by the visibility table (authorized fetch %s)', (_mode, authorizedFetch) => {
  let peer: Peer;
  let blockedPeer: Peer;
  let t: TestApp & { origin: string };
  let db: DataSource;
  let queues: Queue[];
  let author: SignedUp;
  let suspendedAuthor: SignedUp;
  const actors: Record<string, PeerActor> = {};
  const posts = {} as Record<'own' | 'ofSuspended', Record<VisibilityName, string>>;
  /** The image of each post, by post id. */
  const media: Record<string, string> = {};

  const actorUri = (user: SignedUp) => `${t.origin}/users/${user.username}`;
  const postUri = (id: string) => `${t.origin}/posts/${id}`;

  /** What the table says, but for anonymous readers in authorized-fetch mode: unsigned GETs are refused. */
  const expected = (reader: Reader) =>
    reader === 'anonymous' && authorizedFetch === 'true' ? [] : VISIBILITY_MATRIX[reader];

  async function get(reader: Reader, url: string): Promise<{ status: number; json: Json }> {
    const actor = ACTOR[reader];
    if (!actor) {
      const res = await request(t.origin).get(url.slice(t.origin.length)).set('accept', AS_JSON);
      return { status: res.status, json: /json/.test(String(res.headers['content-type'])) ? JSON.parse(res.text) : {} };
    }
    return (reader === 'blockedDomain' ? blockedPeer : peer).fetch(url, { actor });
  }

  async function handleOf(actor: PeerActor): Promise<string> {
    const [row] = await db.query<{ username: string; domain: string }[]>(
      'SELECT username, domain FROM accounts WHERE uri = $1',
      [actor.id],
    );
    return `@${row.username}@${row.domain}`;
  }

  /** One post of each visibility, each with an image (its id in `media`). */
  async function writePosts(user: SignedUp, mentions: string): Promise<Record<VisibilityName, string>> {
    const ids = {} as Record<VisibilityName, string>;
    for (const visibility of VISIBILITIES) {
      const uploaded = await t
        .http()
        .post('/api/v1/media')
        .set('authorization', `Bearer ${user.token}`)
        .attach('file', png(2, 2), { filename: 'matrix.png', contentType: 'image/png' });
      expect(uploaded.status).toBe(200);
      const mediaId = (uploaded.body as { id: string }).id;
      const res = await t.gql<{ createPost: { id: string } }>(
        'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
        { input: { content: `${visibility} matrix post for ${mentions}`, visibility, mediaIds: [mediaId] } },
        user.token,
      );
      if (!res.data?.createPost) throw new Error(JSON.stringify(res.errors));
      ids[visibility] = res.data.createPost.id;
      media[ids[visibility]] = mediaId;
    }
    return ids;
  }

  beforeAll(async () => {
    [peer, blockedPeer] = await Promise.all([
      startPeer({ startTimeoutMs: 60_000 }),
      startPeer({ startTimeoutMs: 60_000 }),
    ]);
    t = await createListeningTestApp(
      { FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true', FEDERATION_AUTHORIZED_FETCH: authorizedFetch },
      { withWorker: true },
    );
    db = t.app.get(DataSource);
    const connection = queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions;
    queues = [new Queue('federation', connection), new Queue('federation-outbound', connection)];
    [author, suspendedAuthor] = await Promise.all([signUp(t), signUp(t)]);
    for (const name of ['follower', 'stranger', 'mentioned', 'blocked', 'blocking', 'suspended']) {
      actors[name] = await peer.createActor({ username: name });
    }
    actors.spammer = await blockedPeer.createActor({ username: 'spammer' });

    // Everyone but the stranger and the mentioned follows the author; the mentioned follows the
    // author to be suspended (and so is known here, to be mentioned).
    const follows: [Peer, string, SignedUp][] = [
      [peer, 'follower', author],
      [peer, 'blocked', author],
      [peer, 'blocking', author],
      [peer, 'suspended', author],
      [blockedPeer, 'spammer', author],
      [peer, 'mentioned', suspendedAuthor],
    ];
    for (const [server, actor, target] of follows) await server.follow({ actor, target: actorUri(target) });
    await eventually(
      () =>
        db.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM follows f JOIN accounts a ON a.id = f.follower_id
           WHERE a.uri = ANY($1) AND f.state = 'accepted'`,
          [follows.map(([, actor]) => actors[actor].id)],
        ),
      (rows) => expect(rows).toEqual([{ n: follows.length }]),
    );

    const accountId = async (actor: string) =>
      (await db.query<{ id: string }[]>('SELECT id FROM accounts WHERE uri = $1', [actors[actor].id]))[0].id;
    await insertBlock(t, author.account.id, await accountId('blocked'));
    await peer.block({ actor: 'blocking', target: actorUri(author) });
    const blocking = await accountId('blocking');
    await eventually(
      () => db.query('SELECT 1 FROM blocks WHERE account_id = $1 AND target_id = $2', [blocking, author.account.id]),
      (rows) => expect(rows).toHaveLength(1),
    );

    const mentions = await Promise.all(
      ['mentioned', 'blocked', 'blocking', 'suspended', 'spammer'].map((name) => handleOf(actors[name])),
    );
    posts.own = await writePosts(author, mentions.join(' '));
    posts.ofSuspended = await writePosts(suspendedAuthor, await handleOf(actors.mentioned));

    await db.query('UPDATE accounts SET suspended_at = now() WHERE id = $1 OR uri = $2', [
      suspendedAuthor.account.id,
      actors.suspended.id,
    ]);
    const moderator = await signUp(t);
    await db.query(`UPDATE users SET role = 'moderator' WHERE account_id = $1`, [moderator.account.id]);
    const blocked = await t.gql(
      'mutation($d: String!) { blockDomain(domain: $d) { domain } }',
      { d: new URL(blockedPeer.httpOrigin).host },
      moderator.token,
    );
    expect(blocked.errors).toBeUndefined();
  }, 240_000);

  afterAll(async () => {
    if (queues) await drained(queues);
    await Promise.all((queues ?? []).map((queue) => queue.close()));
    await t?.close();
    await Promise.all([peer?.stop(), blockedPeer?.stop()]);
  });

  const postsFor = (reader: Reader) => (reader === 'suspendedAuthor' ? posts.ofSuspended : posts.own);

  it.each(REMOTE_READERS)(
    'serves %s the post objects, activities and replies the table lets them see',
    async (reader) => {
      const ids = postsFor(reader);
      const seen = await seenVisibilities(async (visibility) => {
        const url = postUri(ids[visibility]);
        const [object, activity, replies] = await Promise.all([
          get(reader, url),
          get(reader, `${url}/activity`),
          get(reader, `${url}/replies`),
        ]);
        const statuses = [object.status, activity.status, replies.status];
        if (object.status !== 200) {
          if (reader === 'blockedDomain') {
            // Refused at the door, whatever the post.
            expect(statuses).toEqual([403, 403, 403]);
          } else if (reader === 'anonymous' && authorizedFetch === 'true') {
            // Unsigned GETs are refused (401); a post no anonymous reader may see is not found
            // first (404), as a missing one would be (Fedify dispatches objects before authorizing).
            const hidden = !VISIBILITY_MATRIX.anonymous.includes(visibility) ? 404 : 401;
            expect(statuses).toEqual([hidden, hidden, 401]);
          } else {
            expect(statuses).toEqual([404, 404, 404]);
          }
          return false;
        }
        expect(statuses).toEqual([200, 200, 200]);
        expect(object.json).toMatchObject({ id: url, type: 'Note' });
        expect(activity.json).toMatchObject({ type: 'Create', object: { id: url } });
        expect(replies.json).toMatchObject({ id: `${url}/replies`, totalItems: 0 });
        return true;
      });
      expect(seen).toEqual(expected(reader));
    },
  );

  it.each(REMOTE_READERS)("lists in the author's outbox what the table lets %s see", async (reader) => {
    const user = reader === 'suspendedAuthor' ? suspendedAuthor : author;
    const ids = postsFor(reader);
    const outbox = await get(reader, `${actorUri(user)}/outbox`);
    const page = await get(reader, `${actorUri(user)}/outbox?cursor=first`);
    const listed: string[] =
      page.status === 200
        ? ([page.json.orderedItems ?? []].flat() as Json[]).map((item) => String(item.object?.id ?? item.object))
        : [];
    const seen = await seenVisibilities((visibility) => Promise.resolve(listed.includes(postUri(ids[visibility]))));
    expect(seen).toEqual(expected(reader));
    expect(listed).toHaveLength(seen.length);
    // totalItems counts what everyone may see, whoever asks (a figure for the profile, as Mastodon's).
    if (outbox.status === 200) expect(outbox.json.totalItems).toBe(VISIBILITY_MATRIX.anonymous.length);
  });

  // Media are files, not ActivityPub documents: authorized fetch does not cover them (as on
  // Mastodon), and a signed GET is verified whatever the mode (ADR 0025).
  it.each(REMOTE_READERS)('serves %s the images of exactly the posts the table lets them see', async (reader) => {
    const ids = postsFor(reader);
    const seen = await seenVisibilities(async (visibility) => {
      const url = `${t.origin}/media/${media[ids[visibility]]}`;
      const actor = ACTOR[reader];
      const res = actor
        ? await (reader === 'blockedDomain' ? blockedPeer : peer).fetch(url, { actor, accept: 'image/*' })
        : await request(t.origin).get(url.slice(t.origin.length));
      if (res.status === 200) return true;
      // Refused at the door whatever the image, else not found alike whether hidden or missing.
      expect(res.status).toBe(reader === 'blockedDomain' ? 403 : 404);
      return false;
    });
    expect(seen).toEqual(VISIBILITY_MATRIX[reader]);
  });
});
