import { createServer } from 'node:net';
import { ConfigService, queueConnection, uuidv7 } from '@guildhall/core';
import { Queue, type QueueOptions } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { startPeer, trustCertificateInThisProcess, type Peer, type PeerActor, type ReceivedEntry } from './utils/peer';
import { createListeningTestApp, type TestApp } from './utils/test-app';
import { drained, eventually } from './utils/eventually';

const AS_JSON = 'application/activity+json';
const PUBLIC = 'https://www.w3.org/ns/activitystreams#Public';

/** Outbound federation: local actions reach an independent peer as signed activities. */
describe('federation outbound: local actions as activities at a peer', () => {
  let peer: Peer;
  let t: TestApp & { origin: string };
  let db: DataSource;
  let queues: Queue[];
  let alice: SignedUp;
  let bob: PeerActor;
  let carol: PeerActor;

  const actorUri = (user: SignedUp) => `${t.origin}/users/${user.username}`;
  const postUri = (id: string) => `${t.origin}/posts/${id}`;

  async function gql<T>(query: string, variables: Record<string, unknown>, user: SignedUp): Promise<T> {
    const res = await t.gql<T>(query, variables, user.token);
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data;
  }

  async function createPost(user: SignedUp, input: Record<string, unknown>): Promise<string> {
    const data = await gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input },
      user,
    );
    return data.createPost.id;
  }

  async function account(handle: string) {
    const res = await t.gql<{ account: { id: string; followersCount: number; followingCount: number } | null }>(
      'query($handle: String!) { account(handle: $handle) { id followersCount followingCount } }',
      { handle },
    );
    if (!res.data?.account) throw new Error(`no account ${handle}: ${JSON.stringify(res.errors)}`);
    return res.data.account;
  }

  /** What the peer received about one object: Creates, Updates, Deletes… of it. */
  const about = (objectId: string, type?: string) =>
    peer.received({ type }).then((entries) => entries.filter((entry) => activityObjectId(entry) === objectId));

  function activityObjectId(entry: ReceivedEntry): string | null {
    const object = entry.activity?.object as unknown;
    if (typeof object === 'string') return object;
    if (object && typeof object === 'object' && 'id' in object) return String(object.id);
    return null;
  }

  beforeAll(async () => {
    peer = await startPeer();
    trustCertificateInThisProcess(peer.caCertPath);
    t = await createListeningTestApp({ FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true' }, { withWorker: true });
    db = t.app.get(DataSource);
    const connection = queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions;
    queues = [new Queue('federation', connection), new Queue('federation-outbound', connection)];
    alice = await signUp(t);
    [bob, carol] = await Promise.all([
      peer.createActor({ username: 'bob', name: 'Bob' }),
      peer.createActor({ username: 'carol' }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all((queues ?? []).map((queue) => queue.close()));
    await t?.close();
    await peer?.stop();
  });

  it('follows a peer account by handle: a signed Follow at its inbox, its Accept makes the follow ACCEPTED', async () => {
    const data = await gql<{ follow: { id: string; state: string } }>(
      'mutation($handle: String!) { follow(handle: $handle) { id state } }',
      { handle: bob.handle },
      alice,
    );
    expect(data.follow.state).toBe('PENDING');

    const [follow] = await peer.waitFor('Follow', 1, 20_000, { actor: actorUri(alice) });
    expect(follow.path).toBe('/users/bob/inbox');
    expect(follow.status).toBe(202);
    expect(follow.verification).toMatchObject({ verified: true, ownerMatchesActor: true, keyOwner: actorUri(alice) });
    expect(follow.activity).toMatchObject({
      id: `${t.origin}/follows/${data.follow.id}`,
      type: 'Follow',
      actor: actorUri(alice),
      object: bob.id,
    });
    // The Follow's id dereferences (a peer's Accept embedding it may be refetched by id).
    const deref = await request(t.origin).get(`/follows/${data.follow.id}`).set('accept', AS_JSON);
    expect(deref.status).toBe(200);
    expect(JSON.parse(deref.text)).toMatchObject({ id: follow.activity!.id, type: 'Follow', object: bob.id });

    const bobHere = await account(bob.handle);
    await eventually(
      () =>
        db.query<{ state: string }[]>('SELECT state FROM follows WHERE follower_id = $1 AND followee_id = $2', [
          alice.account.id,
          bobHere.id,
        ]),
      (rows) => expect(rows).toEqual([{ state: 'accepted' }]),
    );
    expect((await account(alice.username)).followingCount).toBe(1);
    expect((await peer.actor('bob')).followers).toEqual([expect.objectContaining({ id: actorUri(alice) })]);
  });

  it('delivers a public note and an article once to the shared inbox two followers share, signed', async () => {
    await peer.follow({ actor: 'bob', target: actorUri(alice) });
    await peer.follow({ actor: 'carol', target: actorUri(alice) });
    await eventually(
      () => account(alice.username),
      (a) => expect(a.followersCount).toBe(2),
    );

    const noteId = await createPost(alice, { content: 'Hello, fediverse', visibility: 'PUBLIC' });
    const articleId = await createPost(alice, {
      title: 'On Guilds',
      content: 'A long **essay** about guilds.',
      visibility: 'PUBLIC',
    });
    const [note] = await eventually(
      () => about(postUri(noteId), 'Create'),
      (entries) => expect(entries).toHaveLength(1),
    );
    const [article] = await eventually(
      () => about(postUri(articleId), 'Create'),
      (entries) => expect(entries).toHaveLength(1),
    );
    await drained(queues);
    await peer.idle();

    expect(note.path).toBe('/inbox');
    expect(note.status).toBe(202);
    expect(note.verification).toMatchObject({ verified: true, ownerMatchesActor: true, keyOwner: actorUri(alice) });
    expect(note.activity).toMatchObject({
      id: `${postUri(noteId)}/activity`,
      type: 'Create',
      actor: actorUri(alice),
      to: PUBLIC,
      object: {
        id: postUri(noteId),
        type: 'Note',
        attributedTo: actorUri(alice),
        content: '<p>Hello, fediverse</p>',
        url: postUri(noteId),
        to: PUBLIC,
        cc: `${actorUri(alice)}/followers`,
        replies: `${postUri(noteId)}/replies`,
      },
    });
    expect(article.verification.verified).toBe(true);
    expect(article.activity?.object).toMatchObject({
      id: postUri(articleId),
      type: 'Article',
      name: 'On Guilds',
      summary: 'A long essay about guilds.',
      url: postUri(articleId),
    });
    // Still one delivery each, after every queue is drained: the shared inbox was deduplicated.
    expect(await about(postUri(noteId), 'Create')).toHaveLength(1);
    expect(await about(postUri(articleId), 'Create')).toHaveLength(1);

    // The peer can dereference what it was sent: the object and the Create.
    const object = await peer.fetch(postUri(noteId), { signed: false });
    expect(object.status).toBe(200);
    expect(object.json).toMatchObject({ id: postUri(noteId), type: 'Note' });
    const activity = await peer.fetch(`${postUri(noteId)}/activity`, { signed: false });
    expect(activity.status).toBe(200);
    expect(activity.json).toMatchObject({ id: `${postUri(noteId)}/activity`, type: 'Create' });
  });

  it('sends an edit as Update and a deletion as Delete of a Tombstone; the id then answers 410', async () => {
    const id = await createPost(alice, { content: 'First draft', visibility: 'PUBLIC' });
    await eventually(
      () => about(postUri(id), 'Create'),
      (entries) => expect(entries).toHaveLength(1),
    );
    await gql(
      'mutation($id: ID!, $input: UpdatePostInput!) { updatePost(id: $id, input: $input) { id } }',
      { id, input: { content: 'Second draft' } },
      alice,
    );
    const [update] = await eventually(
      () => about(postUri(id), 'Update'),
      (entries) => expect(entries).toHaveLength(1),
    );
    expect(update.verification.verified).toBe(true);
    expect(update.activity).toMatchObject({
      type: 'Update',
      actor: actorUri(alice),
      object: { id: postUri(id), type: 'Note', content: '<p>Second draft</p>' },
    });
    expect(typeof update.activity?.object.updated).toBe('string');
    expect(update.activity?.id).toMatch(new RegExp(`^${postUri(id)}#updates/\\d+$`));

    await gql('mutation($id: ID!) { deletePost(id: $id) }', { id }, alice);
    const [remove] = await eventually(
      () => about(postUri(id), 'Delete'),
      (entries) => expect(entries).toHaveLength(1),
    );
    expect(remove.verification.verified).toBe(true);
    expect(remove.activity).toMatchObject({
      id: `${postUri(id)}#delete`,
      type: 'Delete',
      actor: actorUri(alice),
      to: PUBLIC,
      object: { id: postUri(id), type: 'Tombstone' },
    });
    const gone = await request(t.origin).get(`/posts/${id}`).set('accept', AS_JSON);
    expect(gone.status).toBe(410);
  });

  it('likes and boosts a peer post: Like and Announce at the peer, then their Undo', async () => {
    const created = await peer.create({ actor: 'bob', content: '<p>A peer post</p>', to: 'public' });
    const [stored] = await eventually(
      () => db.query<{ id: string }[]>('SELECT id FROM posts WHERE uri = $1', [created.objectId]),
      (rows) => expect(rows).toHaveLength(1),
    );

    await gql('mutation($id: ID!) { likePost(id: $id) { likesCount } }', { id: stored.id }, alice);
    const [like] = await eventually(
      () => about(created.objectId, 'Like'),
      (entries) => expect(entries).toHaveLength(1),
    );
    expect(like.path).toBe('/users/bob/inbox');
    expect(like.verification.verified).toBe(true);
    expect(like.activity).toMatchObject({ type: 'Like', actor: actorUri(alice), object: created.objectId });
    expect(like.activity?.id).toMatch(new RegExp(`^${actorUri(alice)}#likes/[0-9a-f-]{36}$`));

    await gql('mutation($id: ID!) { unlikePost(id: $id) { likesCount } }', { id: stored.id }, alice);
    const [undoLike] = await eventually(
      () => peer.received({ type: 'Undo', actor: actorUri(alice), objectType: 'Like' }),
      (entries) => expect(entries).toHaveLength(1),
    );
    expect(undoLike.verification.verified).toBe(true);
    expect(undoLike.activity?.object).toMatchObject({ id: like.activity!.id, type: 'Like', object: created.objectId });

    await gql('mutation($id: ID!) { boostPost(id: $id) { boostsCount } }', { id: stored.id }, alice);
    const announces = await eventually(
      () => about(created.objectId, 'Announce'),
      (entries) => expect(entries).toHaveLength(1),
    );
    const announce = announces[0];
    expect(announce.verification.verified).toBe(true);
    expect(announce.activity).toMatchObject({
      type: 'Announce',
      actor: actorUri(alice),
      object: created.objectId,
      to: PUBLIC,
      cc: expect.arrayContaining([`${actorUri(alice)}/followers`, bob.id]),
    });
    const boostId = /\/posts\/([0-9a-f-]{36})\/activity$/.exec(String(announce.activity?.id))?.[1];
    expect(boostId).toBeDefined();
    const served = await peer.fetch(String(announce.activity?.id), { signed: false });
    expect(served.status).toBe(200);
    expect(served.json).toMatchObject({ type: 'Announce', object: created.objectId });

    await gql('mutation($id: ID!) { unboostPost(id: $id) { boostsCount } }', { id: stored.id }, alice);
    const [undoAnnounce] = await eventually(
      () => peer.received({ type: 'Undo', actor: actorUri(alice), objectType: 'Announce' }),
      (entries) => expect(entries).toHaveLength(1),
    );
    expect(undoAnnounce.verification.verified).toBe(true);
    expect(undoAnnounce.activity?.object).toMatchObject({ id: announce.activity!.id, object: created.objectId });
  });

  it('sends a profile update as Update(Person) to the followers', async () => {
    await gql(
      'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { displayName } }',
      { input: { displayName: 'Alice Outbound', bio: 'I federate.' } },
      alice,
    );
    const [update] = await eventually(
      () => peer.received({ type: 'Update', actor: actorUri(alice), objectType: 'Person' }),
      (entries) => expect(entries).toHaveLength(1),
    );
    expect(update.path).toBe('/inbox');
    expect(update.verification.verified).toBe(true);
    expect(update.activity?.object).toMatchObject({
      id: actorUri(alice),
      type: 'Person',
      name: 'Alice Outbound',
      summary: '<p>I federate.</p>',
      featured: `${actorUri(alice)}/featured`,
    });
  });

  it('delivers a DIRECT post only to the mentioned account, at its own inbox', async () => {
    const before = (await peer.received()).length;
    const id = await createPost(alice, { content: `Psst @${bob.handle}`, visibility: 'DIRECT' });
    const [direct] = await eventually(
      () => about(postUri(id), 'Create'),
      (entries) => expect(entries).toHaveLength(1),
    );
    await drained(queues);
    await peer.idle();
    expect(direct.path).toBe('/users/bob/inbox');
    expect(direct.verification.verified).toBe(true);
    expect(direct.activity?.to).toBe(bob.id);
    expect(direct.activity?.cc).toBeUndefined();
    expect(direct.activity?.object).toMatchObject({ to: bob.id, tag: { type: 'Mention', href: bob.id } });
    // Nothing else arrived: not at carol's inbox, not at the shared inbox.
    const since = (await peer.received()).slice(before);
    expect(since.map((entry) => [entry.type, entry.path])).toEqual([['Create', '/users/bob/inbox']]);
    // Without authorized fetch, the post is not served to anyone.
    expect((await peer.fetch(postUri(id), { signed: true })).status).toBe(404);
  });

  it('never slows a local action on a dead follower: the post is made, the failure recorded', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const host = `127.0.0.1:${port}`;
    const dave = await signUp(t);
    const ghostId = uuidv7();
    await db.query(
      `INSERT INTO accounts (id, username, domain, uri, inbox_url, shared_inbox_url)
       VALUES ($1, 'ghost', $2, $3, $4, $5)`,
      [ghostId, host, `http://${host}/users/ghost`, `http://${host}/users/ghost/inbox`, `http://${host}/inbox`],
    );
    await db.query(`INSERT INTO follows (id, follower_id, followee_id, state) VALUES ($1, $2, $3, 'accepted')`, [
      uuidv7(),
      ghostId,
      dave.account.id,
    ]);

    const started = Date.now();
    const res = await t.gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { content: 'Anyone there?' } },
      dave.token,
    );
    const elapsed = Date.now() - started;
    expect(res.errors).toBeUndefined();
    expect(res.data?.createPost.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(elapsed).toBeLessThan(2_000);

    const [row] = await eventually(
      () =>
        db.query<{ failure_count: number; last_error: string }[]>(
          'SELECT failure_count, last_error FROM federation_hosts WHERE host = $1',
          [host],
        ),
      (rows) => expect(rows[0]?.failure_count).toBeGreaterThanOrEqual(1),
    );
    expect(row.last_error).toMatch(/fetch failed|ECONNREFUSED|connect/i);
  });

  it('sends Undo(Follow) when the local account unfollows, with the Follow it undoes', async () => {
    const data = await gql<{ unfollow: boolean }>(
      'mutation($handle: String!) { unfollow(handle: $handle) }',
      { handle: bob.handle },
      alice,
    );
    expect(data.unfollow).toBe(true);
    const [undo] = await eventually(
      () => peer.received({ type: 'Undo', actor: actorUri(alice), objectType: 'Follow' }),
      (entries) => expect(entries).toHaveLength(1),
    );
    expect(undo.path).toBe('/users/bob/inbox');
    expect(undo.verification.verified).toBe(true);
    expect(undo.activity?.object).toMatchObject({ type: 'Follow', actor: actorUri(alice), object: bob.id });
    expect(String(undo.activity?.object.id)).toMatch(new RegExp(`^${t.origin}/follows/[0-9a-f-]{36}$`));
    await eventually(
      async () => (await peer.actor('bob')).followers,
      (followers) => expect(followers).toEqual([]),
    );
  });

  it('answers a remote follow request after a manual decision: Accept, later Reject, embedding its Follow', async () => {
    const erin = await signUp(t);
    await gql(
      'mutation { updateProfile(input: { manuallyApprovesFollowers: true }) { manuallyApprovesFollowers } }',
      {},
      erin,
    );
    const [finn, gus] = await Promise.all([
      peer.createActor({ username: 'finn' }),
      peer.createActor({ username: 'gus' }),
    ]);
    const fromFinn = await peer.follow({ actor: 'finn', target: actorUri(erin) });
    const fromGus = await peer.follow({ actor: 'gus', target: actorUri(erin) });
    await eventually(
      () =>
        db.query<{ n: number }[]>(
          "SELECT count(*)::int AS n FROM follows WHERE followee_id = $1 AND state = 'pending'",
          [erin.account.id],
        ),
      (rows) => expect(rows[0].n).toBe(2),
    );
    expect(await peer.received({ type: 'Accept', actor: actorUri(erin) })).toEqual([]);

    await gql('mutation($h: String!) { approveFollowRequest(handle: $h) { state } }', { h: finn.handle }, erin);
    const [accept] = await eventually(
      () => peer.received({ type: 'Accept', actor: actorUri(erin) }),
      (entries) => expect(entries).toHaveLength(1),
    );
    expect(accept.path).toBe('/users/finn/inbox');
    expect(accept.verification.verified).toBe(true);
    expect(accept.activity?.object).toMatchObject({
      id: fromFinn.followId,
      type: 'Follow',
      actor: finn.id,
      object: actorUri(erin),
    });
    await eventually(
      async () => (await peer.actor('finn')).following,
      (following) => expect(following).toEqual([expect.objectContaining({ id: actorUri(erin), state: 'accepted' })]),
    );

    await gql('mutation($h: String!) { rejectFollowRequest(handle: $h) { state } }', { h: gus.handle }, erin);
    const [reject] = await eventually(
      () => peer.received({ type: 'Reject', actor: actorUri(erin) }),
      (entries) => expect(entries).toHaveLength(1),
    );
    expect(reject.path).toBe('/users/gus/inbox');
    expect(reject.activity?.object).toMatchObject({ id: fromGus.followId, actor: gus.id, object: actorUri(erin) });

    // Removing an accepted follower is a Reject of its Follow too, as Mastodon sends it.
    await gql('mutation($h: String!) { removeFollower(handle: $h) }', { h: finn.handle }, erin);
    const rejects = await eventually(
      () => peer.received({ type: 'Reject', actor: actorUri(erin) }),
      (entries) => expect(entries).toHaveLength(2),
    );
    expect(rejects[1].path).toBe('/users/finn/inbox');
    expect(rejects[1].activity?.object).toMatchObject({ id: fromFinn.followId, actor: finn.id });
  });

  it('blocks a peer account with Block, and unblocks with Undo(Block)', async () => {
    expect(
      (await gql<{ block: boolean }>('mutation($h: String!) { block(handle: $h) }', { h: carol.handle }, alice)).block,
    ).toBe(true);
    const [block] = await eventually(
      () => peer.received({ type: 'Block', actor: actorUri(alice) }),
      (entries) => expect(entries).toHaveLength(1),
    );
    expect(block.path).toBe('/users/carol/inbox');
    expect(block.verification.verified).toBe(true);
    expect(block.activity).toMatchObject({ type: 'Block', object: carol.id });
    await gql('mutation($h: String!) { unblock(handle: $h) }', { h: carol.handle }, alice);
    const [undo] = await eventually(
      () => peer.received({ type: 'Undo', actor: actorUri(alice), objectType: 'Block' }),
      (entries) => expect(entries).toHaveLength(1),
    );
    expect(undo.activity?.object).toMatchObject({ id: block.activity!.id, type: 'Block', object: carol.id });
  });
});
