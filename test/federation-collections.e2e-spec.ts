import { ConfigService, queueConnection } from '@guildhall/core';
import { Queue, type QueueOptions } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { startPeer, type Peer, type PeerActor } from './utils/peer';
import { createListeningTestApp, type TestApp } from './utils/test-app';
import { drained, eventually } from './utils/eventually';

const AS_JSON = 'application/activity+json';
const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- documents from the wire
type Json = Record<string, any>;

/** Helpers bound to one listening app. */
function helpers(t: TestApp & { origin: string }) {
  const actorUri = (user: SignedUp) => `${t.origin}/users/${user.username}`;
  const postUri = (id: string) => `${t.origin}/posts/${id}`;
  async function gql<T = Json>(query: string, variables: Json, user: SignedUp): Promise<T> {
    const res = await t.gql<T>(query, variables, user.token);
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data;
  }
  const createPost = async (user: SignedUp, input: Json) =>
    (
      await gql<{ createPost: { id: string } }>(
        'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
        { input },
        user,
      )
    ).createPost.id;
  const follow = (user: SignedUp, handle: string) =>
    gql('mutation($h: String!) { follow(handle: $h) { state } }', { h: handle }, user);
  /** GETs an AS2 document (unsigned) and parses it. */
  async function get(url: string): Promise<{ status: number; doc: Json }> {
    const path = url.startsWith(t.origin) ? url.slice(t.origin.length) : url;
    const res = await request(t.origin).get(path).set('accept', AS_JSON);
    return { status: res.status, doc: /json/.test(String(res.headers['content-type'])) ? JSON.parse(res.text) : {} };
  }
  return { actorUri, postUri, gql, createPost, follow, get };
}

function federationQueues(t: TestApp): Queue[] {
  const connection = queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions;
  return [new Queue('federation', connection), new Queue('federation-outbound', connection)];
}

describe('federation collections: followers, following, outbox, featured, replies', () => {
  let peer: Peer;
  let t: TestApp & { origin: string };
  let h: ReturnType<typeof helpers>;
  let db: DataSource;
  let queues: Queue[];
  let author: SignedUp;
  let members: SignedUp[];
  let peerActors: PeerActor[];

  /** Every page of a collection, following `next` from `first`. */
  async function pages(collection: Json): Promise<Json[]> {
    const found: Json[] = [];
    let next: string | undefined = collection.first;
    while (next) {
      const { status, doc } = await h.get(next);
      expect(status).toBe(200);
      found.push(doc);
      next = doc.next;
    }
    return found;
  }

  const items = (page: Json): unknown[] => {
    const list: unknown = page.orderedItems ?? [];
    return Array.isArray(list) ? (list as unknown[]) : [list];
  };

  beforeAll(async () => {
    peer = await startPeer();
    t = await createListeningTestApp({ FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true' }, { withWorker: true });
    h = helpers(t);
    db = t.app.get(DataSource);
    queues = federationQueues(t);
    author = await signUp(t);
    members = [];
    for (let i = 0; i < 25; i += 1) members.push(await signUp(t));
    peerActors = [];
    for (let i = 0; i < 5; i += 1) peerActors.push(await peer.createActor({ username: `fan${i}` }));
  }, 60_000);

  afterAll(async () => {
    if (queues) await drained(queues);
    await Promise.all((queues ?? []).map((queue) => queue.close()));
    await t?.close();
    await peer?.stop();
  });

  it('pages 25 followers by 20, newest first: local ones as actor ids, remote ones as theirs', async () => {
    for (const member of members.slice(0, 20)) await h.follow(member, author.username);
    for (const fan of peerActors) {
      await peer.follow({ actor: fan.username, target: h.actorUri(author) });
      await eventually(
        () => db.query('SELECT 1 FROM follows f JOIN accounts a ON a.id = f.follower_id WHERE a.uri = $1', [fan.id]),
        (rows) => expect(rows).toHaveLength(1),
      );
    }
    const expected = [...members.slice(0, 20).map(h.actorUri), ...peerActors.map((fan) => fan.id)].reverse();

    const { status, doc } = await h.get(`${h.actorUri(author)}/followers`);
    expect(status).toBe(200);
    expect(doc).toMatchObject({
      id: `${h.actorUri(author)}/followers`,
      type: 'OrderedCollection',
      totalItems: 25,
      first: `${h.actorUri(author)}/followers?cursor=first`,
    });
    expect(doc.orderedItems).toBeUndefined();
    const [first, second, ...rest] = await pages(doc);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ type: 'OrderedCollectionPage', partOf: `${h.actorUri(author)}/followers` });
    expect(first.prev).toBeUndefined();
    expect(items(first)).toEqual(expected.slice(0, 20));
    expect(second.next).toBeUndefined();
    expect(items(second)).toEqual(expected.slice(20));
    // `prev` of the second page is the first page again.
    const back = await h.get(second.prev);
    expect(items(back.doc)).toEqual(expected.slice(0, 20));
  });

  it('pages 25 followed accounts, and counts them', async () => {
    for (const member of members) await h.follow(author, member.username);
    const { doc } = await h.get(`${h.actorUri(author)}/following`);
    expect(doc).toMatchObject({ type: 'OrderedCollection', totalItems: 25 });
    const all = (await pages(doc)).map(items);
    expect(all.map((list) => list.length)).toEqual([20, 5]);
    expect(all.flat()).toEqual(members.map(h.actorUri).reverse());
  });

  it('lists public and unlisted posts and boosts in the outbox as Create and Announce, nothing else', async () => {
    const other = members[0];
    const boostable = await h.createPost(other, { content: 'Boost me' });
    const expected: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      expected.push(`${h.postUri(await h.createPost(author, { content: `Note ${i}` }))}/activity`);
    }
    expected.push(`${h.postUri(await h.createPost(author, { content: 'Quiet', visibility: 'UNLISTED' }))}/activity`);
    await h.createPost(author, { content: 'For followers', visibility: 'FOLLOWERS' });
    await h.createPost(author, { content: `Only @${other.username}`, visibility: 'DIRECT' });
    const gone = await h.createPost(author, { content: 'Deleted' });
    await h.gql('mutation($id: ID!) { deletePost(id: $id) }', { id: gone }, author);
    await h.gql('mutation($id: ID!) { boostPost(id: $id) { id } }', { id: boostable }, author);
    const [boost] = await db.query<{ id: string }[]>(
      'SELECT id FROM posts WHERE account_id = $1 AND boost_of_id = $2 AND deleted_at IS NULL',
      [author.account.id, boostable],
    );
    expected.push(`${h.postUri(boost.id)}/activity`);
    const articleId = await h.createPost(author, { title: 'An Article', content: 'Words, **many** words.' });
    expected.push(`${h.postUri(articleId)}/activity`);
    expected.push(`${h.postUri(await h.createPost(author, { content: 'Last' }))}/activity`);
    expected.push(
      `${h.postUri(await h.createPost(author, { content: 'Really last', visibility: 'UNLISTED' }))}/activity`,
    );
    expect(expected).toHaveLength(25);

    const { doc } = await h.get(`${h.actorUri(author)}/outbox`);
    expect(doc).toMatchObject({ type: 'OrderedCollection', totalItems: 25 });
    const [first, second] = await pages(doc);
    const all = [...items(first), ...items(second)] as Json[];
    expect(items(first)).toHaveLength(20);
    expect(all.map((item) => String(item.id))).toEqual(expected.reverse());

    const article = all.find((item) => item.id === `${h.postUri(articleId)}/activity`)!;
    expect(article).toMatchObject({
      type: 'Create',
      actor: h.actorUri(author),
      to: PUBLIC,
      object: { id: h.postUri(articleId), type: 'Article', name: 'An Article', to: PUBLIC },
    });
    const announce = all.find((item) => item.id === `${h.postUri(boost.id)}/activity`)!;
    expect(announce).toMatchObject({
      type: 'Announce',
      actor: h.actorUri(author),
      object: h.postUri(boostable),
      to: PUBLIC,
      cc: [`${h.actorUri(author)}/followers`, h.actorUri(other)],
    });
    const unlisted = all.find((item) => item.type === 'Create' && item.object.content === '<p>Really last</p>')!;
    expect(unlisted).toMatchObject({ to: `${h.actorUri(author)}/followers`, cc: PUBLIC });
  });

  it('links the featured collection from the actor: empty, totalItems 0', async () => {
    const actor = await h.get(h.actorUri(author));
    expect(actor.doc.featured).toBe(`${h.actorUri(author)}/featured`);
    const { status, doc } = await h.get(actor.doc.featured);
    expect(status).toBe(200);
    expect(doc).toMatchObject({ id: `${h.actorUri(author)}/featured`, type: 'OrderedCollection', totalItems: 0 });
    expect(items(doc)).toEqual([]);
    expect((await h.get(`${t.origin}/users/nobody_here_at_all/featured`)).status).toBe(404);
  });

  it('pages the public replies of a post from its `replies` link', async () => {
    const postId = await h.createPost(author, { content: 'Reply to me' });
    const replies: string[] = [];
    for (const member of members) {
      replies.push(h.postUri(await h.createPost(member, { content: 'A reply', inReplyToId: postId })));
    }
    await h.createPost(members[1], { content: 'Followers only', inReplyToId: postId, visibility: 'FOLLOWERS' });
    const note = await h.get(h.postUri(postId));
    expect(note.doc.replies).toBe(`${h.postUri(postId)}/replies`);
    const { status, doc } = await h.get(note.doc.replies);
    expect(status).toBe(200);
    expect(doc).toMatchObject({ id: `${h.postUri(postId)}/replies`, type: 'OrderedCollection', totalItems: 25 });
    const all = (await pages(doc)).map(items);
    expect(all.map((list) => list.length)).toEqual([20, 5]);
    expect(all.flat()).toEqual(replies.reverse());
    expect((await h.get(`${h.postUri(postId)}/replies?cursor=bogus`)).status).toBe(404);
    // A followers-only post has no public replies collection.
    const hidden = await h.createPost(author, { content: 'Hidden', visibility: 'FOLLOWERS' });
    expect((await h.get(`${h.postUri(hidden)}/replies`)).status).toBe(404);
  });
});

describe('federation authorized fetch (FEDERATION_AUTHORIZED_FETCH=true)', () => {
  let peer: Peer;
  let blockedPeer: Peer;
  let t: TestApp & { origin: string };
  let h: ReturnType<typeof helpers>;
  let db: DataSource;
  let queues: Queue[];
  let author: SignedUp;
  let fan: PeerActor;

  beforeAll(async () => {
    [peer, blockedPeer] = await Promise.all([startPeer(), startPeer()]);
    t = await createListeningTestApp(
      { FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true', FEDERATION_AUTHORIZED_FETCH: 'true' },
      { withWorker: true },
    );
    h = helpers(t);
    db = t.app.get(DataSource);
    queues = federationQueues(t);
    author = await signUp(t);
    [fan] = await Promise.all([peer.createActor({ username: 'fan' }), peer.createActor({ username: 'stranger' })]);
    await blockedPeer.createActor({ username: 'spammer' });
  }, 60_000);

  afterAll(async () => {
    if (queues) await drained(queues);
    await Promise.all((queues ?? []).map((queue) => queue.close()));
    await t?.close();
    await Promise.all([peer?.stop(), blockedPeer?.stop()]);
  });

  it('answers an unsigned GET of an actor, a post or a collection 401, a signed one 200', async () => {
    const postId = await h.createPost(author, { content: 'Signed eyes only' });
    for (const url of [h.actorUri(author), h.postUri(postId), `${h.actorUri(author)}/followers`]) {
      expect({ url, status: (await h.get(url)).status }).toEqual({ url, status: 401 });
      const signed = await peer.fetch(url);
      expect({ url, status: signed.status }).toEqual({ url, status: 200 });
      expect(signed.json.id).toBe(url);
    }
    const outbox = await peer.fetch(`${h.actorUri(author)}/outbox?cursor=first`, { actor: 'stranger' });
    expect(outbox.status).toBe(200);
    expect(outbox.json).toMatchObject({ type: 'OrderedCollectionPage', orderedItems: [{ type: 'Create' }] });
    expect(outbox.json.orderedItems[0].object).toMatchObject({ id: h.postUri(postId), type: 'Note' });
  });

  it('answers a GET signed two hours ago as unsigned (401), and one signed 4 minutes ago (200)', async () => {
    const url = h.actorUri(author);
    const signedAt = (ms: number) =>
      peer.rawPost({
        url,
        method: 'GET',
        sign: { actor: 'fan', date: new Date(Date.now() + ms).toUTCString() },
      });
    expect((await signedAt(-2 * 3_600_000)).status).toBe(401);
    const recent = await signedAt(-4 * 60_000);
    expect(recent.status).toBe(200);
    expect((JSON.parse(recent.body) as { id: string }).id).toBe(url);
  });

  it('keeps the instance actor, WebFinger and NodeInfo public, and browsers still get HTML', async () => {
    expect((await h.get(`${t.origin}/actor`)).doc).toMatchObject({ id: `${t.origin}/actor`, type: 'Application' });
    const host = new URL(t.origin).host;
    const webfinger = await request(t.origin).get(
      `/.well-known/webfinger?resource=${encodeURIComponent(`acct:${author.username}@${host}`)}`,
    );
    expect(webfinger.status).toBe(200);
    expect((await request(t.origin).get('/nodeinfo/2.1')).status).toBe(200);
    const page = await request(t.origin).get(`/users/${author.username}`).set('accept', 'text/html');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
  });

  it("serves a FOLLOWERS post to a follower's signed fetch and a DIRECT one to the mentioned; 404 to others", async () => {
    await peer.follow({ actor: 'fan', target: h.actorUri(author) });
    await eventually(
      () =>
        db.query<{ state: string }[]>(
          'SELECT f.state FROM follows f JOIN accounts a ON a.id = f.follower_id WHERE a.uri = $1',
          [fan.id],
        ),
      (rows) => expect(rows).toEqual([{ state: 'accepted' }]),
    );
    const privateId = await h.createPost(author, { content: 'Followers only', visibility: 'FOLLOWERS' });
    const [fanHere] = await db.query<{ username: string; domain: string }[]>(
      'SELECT username, domain FROM accounts WHERE uri = $1',
      [fan.id],
    );
    const directId = await h.createPost(author, {
      content: `Just you @${fanHere.username}@${fanHere.domain}`,
      visibility: 'DIRECT',
    });

    const asFan = await peer.fetch(h.postUri(privateId), { actor: 'fan' });
    expect(asFan.status).toBe(200);
    expect(asFan.json).toMatchObject({ id: h.postUri(privateId), to: `${h.actorUri(author)}/followers` });
    expect(asFan.json.cc).toBeUndefined();
    expect((await peer.fetch(h.postUri(privateId), { actor: 'stranger' })).status).toBe(404);
    expect((await h.get(h.postUri(privateId))).status).toBe(404);

    const direct = await peer.fetch(h.postUri(directId), { actor: 'fan' });
    expect(direct.status).toBe(200);
    expect(direct.json).toMatchObject({ id: h.postUri(directId), to: fan.id });
    expect((await peer.fetch(h.postUri(directId), { actor: 'stranger' })).status).toBe(404);
  });

  it('refuses a fetch signed by a domain-blocked server with 403', async () => {
    const moderator = await signUp(t);
    await db.query(`UPDATE users SET role = 'moderator' WHERE account_id = $1`, [moderator.account.id]);
    const domain = new URL(blockedPeer.httpOrigin).host;
    await h.gql('mutation($d: String!) { blockDomain(domain: $d) { domain } }', { d: domain }, moderator);
    const refused = await blockedPeer.fetch(h.actorUri(author), { actor: 'spammer' });
    expect(refused.status).toBe(403);
    // The instance actor stays public, even to them.
    expect((await blockedPeer.fetch(`${t.origin}/actor`, { actor: 'spammer' })).status).toBe(200);
  });
});
