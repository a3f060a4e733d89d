import { randomUUID } from 'node:crypto';
import { ConfigService, queueConnection, uuidv7 } from '@guildhall/core';
import { Queue, type QueueOptions } from 'bullmq';
import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { startPeer, trustCertificateInThisProcess, type Peer, type PeerActor } from './utils/peer';
import { createListeningTestApp, type TestApp } from './utils/test-app';
import { drained, eventually } from './utils/eventually';

const AS = 'https://www.w3.org/ns/activitystreams';
const PUBLIC = `${AS}#Public`;

/** Every inbound activity, sent by an independent Fedify peer and handled in the worker. */
describe('federation inbox: what each inbound activity does', () => {
  let peer: Peer;
  let t: TestApp & { origin: string };
  let db: DataSource;
  let queue: Queue;

  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => db.query<T[]>(query, params);
  const actorUri = (user: SignedUp) => `${t.origin}/users/${user.username}`;
  const postUri = (id: string) => `${t.origin}/posts/${id}`;
  const sharedInbox = () => `${t.origin}/inbox`;

  async function account(handle: string): Promise<{ id: string; uri: string; followersCount: number }> {
    const res = await t.gql<{ account: { id: string; uri: string; followersCount: number } | null }>(
      'query($handle: String!) { account(handle: $handle) { id uri followersCount } }',
      { handle },
    );
    if (!res.data?.account) throw new Error(`no account ${handle}: ${JSON.stringify(res.errors)}`);
    return res.data.account;
  }

  interface PostView {
    id: string;
    uri: string;
    content: string;
    visibility: string;
    likesCount: number;
    boostsCount: number;
    repliesCount: number;
    contentWarning: string | null;
    editedAt: string | null;
    author: { handle: string };
    inReplyTo: { id: string } | null;
  }

  async function post(id: string, token?: string): Promise<PostView | null> {
    const res = await t.gql<{ post: PostView | null }>(
      `query($id: ID!) { post(id: $id) { id uri content visibility likesCount boostsCount repliesCount
         contentWarning editedAt author { handle } inReplyTo { id } } }`,
      { id },
      token,
    );
    return res.data?.post ?? null;
  }

  async function createPost(user: SignedUp, content: string): Promise<string> {
    const res = await t.gql<{ createPost: { id: string } }>(
      'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
      { input: { content } },
      user.token,
    );
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.createPost.id;
  }

  async function timeline(kind: 'HOME' | 'FEDERATED', token?: string): Promise<string[]> {
    const res = await t.gql<{ timeline: { edges: { node: { uri: string } }[] } }>(
      'query($kind: TimelineKind!) { timeline(kind: $kind, first: 40) { edges { node { uri } } } }',
      { kind },
      token,
    );
    return res.data?.timeline.edges.map((edge) => edge.node.uri) ?? [];
  }

  /**
   * `user` follows a peer actor over GraphQL: our Follow goes out (the outbound side), the peer
   * answers Accept, and our inbox matches it to the follow by its id. Resolves to the actor's account id.
   */
  async function followPeer(user: SignedUp, actor: PeerActor): Promise<string> {
    const res = await t.gql<{ follow: { state: string } }>(
      'mutation($handle: String!) { follow(handle: $handle) { state } }',
      { handle: actor.handle },
      user.token,
    );
    expect(res.data?.follow.state).toBe('PENDING');
    const { id } = await account(actor.handle);
    await eventually(
      () => followRow(user.account.id, id),
      (row) => expect(row?.state).toBe('accepted'),
    );
    return id;
  }

  const storedPost = async (uri: string) =>
    (
      await sql<{ id: string; deleted_at: Date | null; content: string; local: boolean }>(
        'SELECT id, deleted_at, content, local FROM posts WHERE uri = $1',
        [uri],
      )
    )[0];

  const followRow = async (followerId: string, followeeId: string) =>
    (
      await sql<{ state: string; uri: string | null }>(
        'SELECT state, uri FROM follows WHERE follower_id = $1 AND followee_id = $2',
        [followerId, followeeId],
      )
    )[0];

  beforeAll(async () => {
    peer = await startPeer();
    // The server runs in this process and looks peer handles up by WebFinger over https.
    trustCertificateInThisProcess(peer.caCertPath);
    t = await createListeningTestApp({ FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true' }, { withWorker: true });
    db = t.app.get(DataSource);
    queue = new Queue('federation', queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions);
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await t?.close();
    await peer?.stop();
  });

  describe('Follow, Accept and Undo(Follow)', () => {
    let alice: SignedUp;
    let bob: PeerActor;

    beforeAll(async () => {
      alice = await signUp(t);
      bob = await peer.createActor({ username: 'bob' });
    });

    it('accepts a Follow with an Accept that embeds the Follow with its id, and counts the follower', async () => {
      const follow = await peer.follow({ actor: 'bob', target: actorUri(alice) });
      expect(follow.deliveries).toEqual([{ inbox: `${actorUri(alice)}/inbox`, ok: true, status: 202, error: null }]);

      const [accept] = await peer.waitFor('Accept', 1, 20_000, { actor: actorUri(alice) });
      expect(accept.status).toBe(202);
      expect(accept.verification).toMatchObject({ verified: true, ownerMatchesActor: true });
      expect(accept.activity).toMatchObject({
        type: 'Accept',
        actor: actorUri(alice),
        object: { type: 'Follow', id: follow.followId, actor: bob.id, object: actorUri(alice) },
      });
      expect(accept.listener).toBe('Accept');
      const bobHere = await account(bob.handle);
      expect(await followRow(bobHere.id, alice.account.id)).toEqual({ state: 'accepted', uri: follow.followId });
      expect((await account(alice.username)).followersCount).toBe(1);
      const details = await peer.actor('bob');
      expect(details.following).toEqual([expect.objectContaining({ id: actorUri(alice), state: 'accepted' })]);
    });

    it('accepts a repeated Follow again (with its own id) without counting twice', async () => {
      const again = await peer.follow({ actor: 'bob', target: actorUri(alice) });
      const accepts = await peer.waitFor('Accept', 2, 20_000, { actor: actorUri(alice) });
      expect(accepts[1].activity?.object.id).toBe(again.followId);
      expect(accepts[1].id).not.toBe(accepts[0].id);
      expect((await account(alice.username)).followersCount).toBe(1);
      const bobHere = await account(bob.handle);
      expect(await followRow(bobHere.id, alice.account.id)).toEqual({ state: 'accepted', uri: again.followId });
    });

    it('ends the follow on Undo(Follow)', async () => {
      await peer.unfollow({ actor: 'bob', target: actorUri(alice) });
      const bobHere = await account(bob.handle);
      await eventually(
        () => followRow(bobHere.id, alice.account.id),
        (row) => expect(row).toBeUndefined(),
      );
      expect((await account(alice.username)).followersCount).toBe(0);
    });

    it('keeps a Follow of an account that approves followers pending, with a request notification', async () => {
      const carl = await signUp(t);
      const updated = await t.gql(
        'mutation { updateProfile(input: { manuallyApprovesFollowers: true }) { manuallyApprovesFollowers } }',
        {},
        carl.token,
      );
      expect(updated.errors).toBeUndefined();
      const follow = await peer.follow({ actor: 'bob', target: actorUri(carl) });
      const bobHere = await account(bob.handle);
      await eventually(
        () => followRow(bobHere.id, carl.account.id),
        (row) => expect(row).toEqual({ state: 'pending', uri: follow.followId }),
      );
      const notifications = await eventually(
        async () =>
          (
            await t.gql<{ notifications: { edges: { node: { type: string; account: { handle: string } } }[] } }>(
              '{ notifications(first: 10) { edges { node { type account { handle } } } } }',
              {},
              carl.token,
            )
          ).data?.notifications.edges ?? [],
        (edges) => expect(edges).toHaveLength(1),
      );
      expect(notifications[0].node).toEqual({ type: 'FOLLOW_REQUEST', account: { handle: bob.handle } });
      expect((await account(carl.username)).followersCount).toBe(0);
      expect(await peer.received({ type: 'Accept', actor: actorUri(carl) })).toEqual([]);
    });
  });

  describe("Accept and Reject of a local account's Follow", () => {
    let mo: PeerActor;
    let moId: string;

    /** A pending follow of mo by `user`, as the outbound side leaves it once its Follow is sent. */
    async function requested(user: SignedUp): Promise<string> {
      const id = uuidv7();
      await sql('INSERT INTO follows (id, follower_id, followee_id, state) VALUES ($1, $2, $3, $4)', [
        id,
        user.account.id,
        moId,
        'pending',
      ]);
      return id;
    }

    const answer = (type: 'Accept' | 'Reject', object: unknown, actor = mo.id, signer = 'mo') =>
      peer.rawPost({
        url: sharedInbox(),
        sign: { actor: signer },
        body: JSON.stringify({
          '@context': AS,
          id: `${peer.httpOrigin}/activities/${randomUUID()}`,
          type,
          actor,
          object,
        }),
      });

    const following = async (user: SignedUp) => {
      const res = await t.gql<{ account: { followingCount: number } }>(
        'query($handle: String!) { account(handle: $handle) { followingCount } }',
        { handle: user.username },
      );
      return res.data!.account.followingCount;
    };

    beforeAll(async () => {
      mo = await peer.createActor({ username: 'mo' });
      await peer.createActor({ username: 'noor' });
      moId = (await account(mo.handle)).id;
    });

    it('accepts by our Follow id, counting the follow on both sides', async () => {
      const lee = await signUp(t);
      const followId = await requested(lee);
      expect((await answer('Accept', `${t.origin}/follows/${followId}`)).status).toBe(202);
      await eventually(
        () => followRow(lee.account.id, moId),
        (row) => expect(row?.state).toBe('accepted'),
      );
      expect(await following(lee)).toBe(1);
    });

    it("rejects by the embedded Follow's actor and object when the id is not ours", async () => {
      const nia = await signUp(t);
      await requested(nia);
      const embedded = {
        type: 'Follow',
        id: `${peer.httpOrigin}/unknown/${randomUUID()}`,
        actor: actorUri(nia),
        object: mo.id,
      };
      expect((await answer('Reject', embedded)).status).toBe(202);
      await eventually(
        () => followRow(nia.account.id, moId),
        (row) => expect(row?.state).toBe('rejected'),
      );
      expect(await following(nia)).toBe(0);
    });

    it('ignores an Accept from an account that was not asked', async () => {
      const oz = await signUp(t);
      const followId = await requested(oz);
      const noor = `${peer.httpOrigin}/users/noor`;
      expect((await answer('Accept', `${t.origin}/follows/${followId}`, noor, 'noor')).status).toBe(202);
      await drained([queue]);
      expect(await followRow(oz.account.id, moId)).toEqual({ state: 'pending', uri: null });
    });
  });

  describe('posts: Create, replies, Like, Announce, Undo, Update, Delete', () => {
    let alice: SignedUp;
    let carol: SignedUp;
    let dana: PeerActor;
    let danaId: string;
    let alicePostId: string;
    let noteUri: string;
    let notePostId: string;

    beforeAll(async () => {
      [alice, carol] = await Promise.all([signUp(t), signUp(t)]);
      dana = await peer.createActor({ username: 'dana' });
      // Carol follows dana through the API: dana's posts then reach us as they would from Mastodon.
      danaId = await followPeer(carol, dana);
      alicePostId = await createPost(alice, 'A post to reply to, like and boost');
    });

    it('stores a public Note from a followed actor that mentions a local account: HOME, FEDERATED, post(id)', async () => {
      const created = await peer.create({
        actor: 'dana',
        content: `<p>Hello <a href="${actorUri(alice)}">@${alice.username}</a> #FediTest <script>x()</script></p>`,
        mention: [actorUri(alice)],
        hashtags: ['FediTest'],
      });
      noteUri = created.objectId;
      const stored = await eventually(
        () => storedPost(noteUri),
        (row) => expect(row).toBeDefined(),
      );
      notePostId = stored.id;
      const view = await post(notePostId);
      expect(view).toMatchObject({
        uri: noteUri,
        visibility: 'PUBLIC',
        author: { handle: dana.handle },
        likesCount: 0,
        repliesCount: 0,
        contentWarning: null,
      });
      expect(view!.content).toContain('Hello');
      expect(view!.content).not.toContain('<script');
      expect(await timeline('HOME', carol.token)).toContain(noteUri);
      expect(await timeline('FEDERATED')).toContain(noteUri);
      // Alice is not following dana: the mention reaches her as a notification, not in HOME.
      expect(await timeline('HOME', alice.token)).not.toContain(noteUri);
      const mention = await eventually(
        async () =>
          (
            await t.gql<{ notifications: { edges: { node: { type: string; post: { id: string } | null } }[] } }>(
              '{ notifications(first: 10) { edges { node { type post { id } } } } }',
              {},
              alice.token,
            )
          ).data?.notifications.edges ?? [],
        (edges) => expect(edges).toHaveLength(1),
      );
      expect(mention[0].node).toEqual({ type: 'MENTION', post: { id: notePostId } });
      const tags = await sql<{ name: string }>(
        'SELECT h.name FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id WHERE ph.post_id = $1',
        [notePostId],
      );
      expect(tags).toEqual([{ name: 'feditest' }]);
      expect(
        (await sql<{ posts_count: number }>('SELECT posts_count FROM accounts WHERE id = $1', [danaId]))[0],
      ).toEqual({
        posts_count: 1,
      });
    });

    it("maps an Article's name and summary to a titled post, and a Note's summary to a content warning", async () => {
      const article = await peer.create({
        actor: 'dana',
        type: 'Article',
        name: 'On federation',
        summary: '<p>An <b>excerpt</b></p>',
        content: '<p>The long text.</p>',
      });
      const warned = await peer.create({
        actor: 'dana',
        content: '<p>Spoilers inside</p>',
        summary: 'Spoilers',
        sensitive: true,
      });
      const [a, w] = await Promise.all(
        [article.objectId, warned.objectId].map((uri) =>
          eventually(
            () => storedPost(uri),
            (row) => expect(row).toBeDefined(),
          ),
        ),
      );
      expect(await sql('SELECT title, summary, content_warning, content FROM posts WHERE id = $1', [a.id])).toEqual([
        { title: 'On federation', summary: 'An excerpt', content_warning: null, content: '<p>The long text.</p>' },
      ]);
      expect(await sql('SELECT title, summary, content_warning FROM posts WHERE id = $1', [w.id])).toEqual([
        { title: null, summary: null, content_warning: 'Spoilers' },
      ]);
      expect((await post(w.id))?.contentWarning).toBe('Spoilers');
    });

    it('strips NUL and other control characters from every remote text field (PostgreSQL refuses NUL)', async () => {
      const created = await peer.create({
        actor: 'dana',
        content: '<p>Con\u0000tent</p>',
        summary: 'Spoi\u0000lers\u0007\tahead',
        sensitive: true,
        hashtags: ['Nul\u0000Tag'],
        attachment: [
          {
            type: 'Image',
            url: `${peer.httpOrigin}/files/nul.png`,
            mediaType: 'image/png',
            summary: 'A c\u0000at\u001f asleep',
          },
        ],
      });
      const stored = await eventually(
        () => storedPost(created.objectId),
        (row) => expect(row).toBeDefined(),
      );
      expect(await sql('SELECT content, content_warning FROM posts WHERE id = $1', [stored.id])).toEqual([
        { content: '<p>Content</p>', content_warning: 'Spoilers\tahead' },
      ]);
      expect(await sql('SELECT alt_text FROM media_attachments WHERE post_id = $1', [stored.id])).toEqual([
        { alt_text: 'A cat asleep' },
      ]);
      expect(
        await sql('SELECT h.name FROM post_hashtags ph JOIN hashtags h ON h.id = ph.hashtag_id WHERE ph.post_id = $1', [
          stored.id,
        ]),
      ).toEqual([{ name: 'nultag' }]);

      const nadia = await peer.createActor({
        username: 'nadia',
        name: 'Na\u0000dia\u001b',
        summary: '<p>B\u0000io</p>',
      });
      const nadiaId = await followPeer(await signUp(t), nadia);
      expect(await sql('SELECT display_name, bio FROM accounts WHERE id = $1', [nadiaId])).toEqual([
        { display_name: 'Nadia', bio: '<p>Bio</p>' },
      ]);
    });

    it('stores a followers-only Note for the followers only', async () => {
      const created = await peer.create({
        actor: 'dana',
        content: '<p>Only for my followers</p>',
        to: 'followers',
      });
      const stored = await eventually(
        () => storedPost(created.objectId),
        (row) => expect(row).toBeDefined(),
      );
      expect((await post(stored.id, carol.token))?.visibility).toBe('FOLLOWERS');
      expect(await post(stored.id)).toBeNull();
      expect(await post(stored.id, alice.token)).toBeNull();
      expect(await timeline('HOME', carol.token)).toContain(created.objectId);
      expect(await timeline('FEDERATED')).not.toContain(created.objectId);
    });

    it('counts a reply to a local post', async () => {
      const reply = await peer.create({
        actor: 'dana',
        content: '<p>A reply</p>',
        inReplyTo: postUri(alicePostId),
      });
      const stored = await eventually(
        () => storedPost(reply.objectId),
        (row) => expect(row).toBeDefined(),
      );
      expect((await post(stored.id))?.inReplyTo).toEqual({ id: alicePostId });
      expect((await post(alicePostId))?.repliesCount).toBe(1);
    });

    it('counts a Like and an Announce, and takes both back on Undo', async () => {
      const like = await peer.like({ actor: 'dana', object: postUri(alicePostId) });
      await eventually(
        () => post(alicePostId),
        (view) => expect(view?.likesCount).toBe(1),
      );
      const announce = await peer.announce({ actor: 'dana', object: postUri(alicePostId) });
      await eventually(
        () => post(alicePostId),
        (view) => expect(view?.boostsCount).toBe(1),
      );
      const boost = await sql<{ account_id: string; local: boolean; visibility: string }>(
        'SELECT account_id, local, visibility FROM posts WHERE uri = $1 AND deleted_at IS NULL',
        [announce.activityId],
      );
      expect(boost).toEqual([{ account_id: danaId, local: false, visibility: 'public' }]);
      // Carol follows dana: the boost shows in her HOME.
      const home = await t.gql<{ timeline: { edges: { node: { boostOf: { id: string } | null } }[] } }>(
        '{ timeline(kind: HOME, first: 40) { edges { node { boostOf { id } } } } }',
        {},
        carol.token,
      );
      expect(home.data!.timeline.edges.map((edge) => edge.node.boostOf?.id)).toContain(alicePostId);

      await peer.undo({ actor: 'dana', activityId: like.activityId });
      await eventually(
        () => post(alicePostId),
        (view) => expect(view?.likesCount).toBe(0),
      );
      await peer.undo({ actor: 'dana', activityId: announce.activityId });
      await eventually(
        () => post(alicePostId),
        (view) => expect(view?.boostsCount).toBe(0),
      );
      expect(await sql('SELECT 1 FROM posts WHERE uri = $1 AND deleted_at IS NULL', [announce.activityId])).toEqual([]);
    });

    it('has one effect when the same Like is delivered twice', async () => {
      const likeId = `${peer.httpOrigin}/activities/${randomUUID()}`;
      const body = JSON.stringify({
        '@context': AS,
        id: likeId,
        type: 'Like',
        actor: dana.id,
        object: postUri(alicePostId),
      });
      const send = () => peer.rawPost({ url: sharedInbox(), body, sign: { actor: 'dana' } });
      const [first, second] = await Promise.all([send(), send()]);
      expect([first.status, second.status]).toEqual([202, 202]);
      await eventually(
        () => post(alicePostId),
        (view) => expect(view?.likesCount).toBe(1),
      );
      await drained([queue]);
      const third = await send();
      expect(third.status).toBe(202);
      await drained([queue]);
      expect((await post(alicePostId))?.likesCount).toBe(1);
      expect(await sql('SELECT account_id FROM likes WHERE uri = $1', [likeId])).toEqual([{ account_id: danaId }]);
    });

    it('edits a stored Note on Update, keeping the previous version', async () => {
      await peer.update({
        actor: 'dana',
        object: noteUri,
        content: '<p>Hello again, edited</p>',
      });
      const view = await eventually(
        () => post(notePostId),
        (edited) => expect(edited?.content).toBe('<p>Hello again, edited</p>'),
      );
      expect(view!.editedAt).not.toBeNull();
      const edits = await sql<{ content: string }>('SELECT content FROM post_edits WHERE post_id = $1', [notePostId]);
      expect(edits).toHaveLength(1);
      expect(edits[0].content).toContain('Hello');
    });

    it('tombstones a Note on Delete, and a replayed Create leaves it deleted', async () => {
      await peer.delete({ actor: 'dana', object: noteUri });
      await eventually(
        () => storedPost(noteUri),
        (row) => expect(row.deleted_at).not.toBeNull(),
      );
      expect(await post(notePostId)).toBeNull();
      expect((await storedPost(noteUri)).content).toBe('');
      expect(await timeline('HOME', carol.token)).not.toContain(noteUri);
      expect(await sql('SELECT uri FROM remote_tombstones WHERE uri = $1', [noteUri])).toEqual([{ uri: noteUri }]);

      const replay = (objectId: string) =>
        peer.rawPost({
          url: sharedInbox(),
          sign: { actor: 'dana' },
          body: JSON.stringify({
            '@context': AS,
            id: `${peer.httpOrigin}/activities/${randomUUID()}`,
            type: 'Create',
            actor: dana.id,
            to: [PUBLIC],
            object: {
              id: objectId,
              type: 'Note',
              attributedTo: dana.id,
              content: '<p>Back again</p>',
              to: [PUBLIC],
              cc: [actorUri(alice)],
              tag: [{ type: 'Mention', href: actorUri(alice) }],
            },
          }),
        });
      expect((await replay(noteUri)).status).toBe(202);
      await drained([queue]);
      const rows = await sql<{ deleted_at: Date | null; content: string }>(
        'SELECT deleted_at, content FROM posts WHERE uri = $1',
        [noteUri],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].deleted_at).not.toBeNull();
      expect(rows[0].content).toBe('');

      // A Delete that arrives before its Create is remembered.
      const early = `${peer.httpOrigin}/notes/${randomUUID()}`;
      const del = await peer.rawPost({
        url: sharedInbox(),
        sign: { actor: 'dana' },
        body: JSON.stringify({
          '@context': AS,
          id: `${peer.httpOrigin}/activities/${randomUUID()}`,
          type: 'Delete',
          actor: dana.id,
          to: [PUBLIC],
          object: { id: early, type: 'Tombstone' },
        }),
      });
      expect(del.status).toBe(202);
      await eventually(
        () => sql('SELECT uri FROM remote_tombstones WHERE uri = $1', [early]),
        (found) => expect(found).toEqual([{ uri: early }]),
      );
      expect((await replay(early)).status).toBe(202);
      await drained([queue]);
      expect(await sql('SELECT id FROM posts WHERE uri = $1', [early])).toEqual([]);
    });
  });

  describe('Update(Person), Block, Flag, Move, Delete(actor)', () => {
    it("refreshes an actor's profile on Update(Person)", async () => {
      const pat = await peer.createActor({ username: 'pat', name: 'Pat' });
      const patId = await followPeer(await signUp(t), pat);
      await peer.updateActor({ actor: 'pat', name: 'Pat Renamed', summary: '<p>New bio</p>' });
      await eventually(
        () =>
          sql<{ display_name: string; bio: string }>('SELECT display_name, bio FROM accounts WHERE id = $1', [patId]),
        (rows) => expect(rows).toEqual([{ display_name: 'Pat Renamed', bio: '<p>New bio</p>' }]),
      );
    });

    it('records a Block, ends the follows both ways, and lifts it on Undo(Block)', async () => {
      const dave = await signUp(t);
      const erik = await peer.createActor({ username: 'erik' });
      await peer.follow({ actor: 'erik', target: actorUri(dave) });
      await peer.waitFor('Accept', 1, 20_000, { actor: actorUri(dave) });
      const erikId = await followPeer(dave, erik);
      expect((await account(dave.username)).followersCount).toBe(1);

      const block = await peer.block({ actor: 'erik', target: actorUri(dave) });
      await eventually(
        () => sql('SELECT uri FROM blocks WHERE account_id = $1 AND target_id = $2', [erikId, dave.account.id]),
        (rows) => expect(rows).toEqual([{ uri: block.activityId }]),
      );
      expect(await followRow(erikId, dave.account.id)).toBeUndefined();
      expect(await followRow(dave.account.id, erikId)).toBeUndefined();
      expect((await account(dave.username)).followersCount).toBe(0);

      await peer.undo({ actor: 'erik', activityId: block.activityId });
      await eventually(
        () => sql('SELECT 1 FROM blocks WHERE account_id = $1 AND target_id = $2', [erikId, dave.account.id]),
        (rows) => expect(rows).toEqual([]),
      );
    });

    it('files a Flag as a report about the local account and its posts', async () => {
      const fay = await signUp(t);
      const postId = await createPost(fay, 'Something to report');
      const gus = await peer.createActor({ username: 'gus' });
      const flag = await peer.flag({
        actor: 'gus',
        target: actorUri(fay),
        objects: [postUri(postId)],
        content: 'Spam, sorry',
      });
      const gusId = (await account(gus.handle)).id;
      const reports = await eventually(
        () =>
          sql<{
            reporter_id: string;
            target_account_id: string;
            post_ids: string[];
            comment: string;
            source_domain: string;
          }>('SELECT reporter_id, target_account_id, post_ids, comment, source_domain FROM reports WHERE uri = $1', [
            flag.activityId,
          ]),
        (rows) => expect(rows).toHaveLength(1),
      );
      expect(reports[0]).toEqual({
        reporter_id: gusId,
        target_account_id: fay.account.id,
        post_ids: [postId],
        comment: 'Spam, sorry',
        source_domain: new URL(peer.httpOrigin).host,
      });
    });

    it('follows a Move to an actor whose alsoKnownAs names the old one, and refuses one that does not', async () => {
      const [hal, ivy] = await Promise.all([signUp(t), signUp(t)]);
      const oldie = await peer.createActor({ username: 'oldie' });
      const newbie = await peer.createActor({ username: 'newbie', alsoKnownAs: [oldie.id] });
      const liar = await peer.createActor({ username: 'liar' });
      const stranger = await peer.createActor({ username: 'stranger' });
      const oldieId = await followPeer(hal, oldie);
      const liarId = await followPeer(ivy, liar);

      // Sent to oldie's followers: hal, through our shared inbox.
      await peer.move({ actor: 'oldie', target: newbie.id });
      const moved = await eventually(
        () =>
          sql<{ moved_to: string | null; new_id: string | null }>(
            `SELECT o.moved_to_account_id AS moved_to, n.id AS new_id
             FROM accounts o LEFT JOIN accounts n ON n.uri = $2 WHERE o.id = $1`,
            [oldieId, newbie.id],
          ),
        (rows) => expect(rows[0].moved_to).not.toBeNull(),
      );
      expect(moved[0].moved_to).toBe(moved[0].new_id);
      const newbieId = moved[0].new_id!;
      await eventually(
        () => followRow(hal.account.id, oldieId),
        (row) => expect(row).toBeUndefined(),
      );
      // FollowService sent a Follow to newbie, which accepted it; and an Undo to oldie.
      await eventually(
        () => followRow(hal.account.id, newbieId),
        (row) => expect(row?.state).toBe('accepted'),
      );
      await eventually(
        () => peer.actor('oldie'),
        (details) => expect(details.followers).toEqual([]),
      );
      expect((await peer.actor('newbie')).followers).toEqual([expect.objectContaining({ id: actorUri(hal) })]);

      await peer.move({ actor: 'liar', target: stranger.id });
      await drained([queue]);
      expect(await followRow(ivy.account.id, liarId)).toEqual({ state: 'accepted', uri: null });
      expect(await sql('SELECT moved_to_account_id FROM accounts WHERE id = $1', [liarId])).toEqual([
        { moved_to_account_id: null },
      ]);
      expect(
        await sql('SELECT 1 FROM follows f JOIN accounts a ON a.id = f.followee_id WHERE a.uri = $1', [stranger.id]),
      ).toEqual([]);
    });

    it("removes a deleted actor's posts, likes, boosts and follows, with counts fixed, and suspends it", async () => {
      const jo = await signUp(t);
      const postId = await createPost(jo, 'Liked and boosted by a soon deleted actor');
      const kim = await peer.createActor({ username: 'kim' });
      await peer.follow({ actor: 'kim', target: actorUri(jo) });
      await peer.waitFor('Accept', 1, 20_000, { actor: actorUri(jo) });
      const created = await peer.create({
        actor: 'kim',
        content: '<p>Replying before I go</p>',
        inReplyTo: postUri(postId),
      });
      await peer.like({ actor: 'kim', object: postUri(postId) });
      await peer.announce({ actor: 'kim', object: postUri(postId) });
      await eventually(
        () => post(postId),
        (view) => expect(view).toMatchObject({ likesCount: 1, boostsCount: 1, repliesCount: 1 }),
      );
      expect((await account(jo.username)).followersCount).toBe(1);
      expect(await storedPost(created.objectId)).toBeDefined();
      const [{ id: kimId }] = await sql<{ id: string }>('SELECT id FROM accounts WHERE uri = $1', [kim.id]);

      await peer.deleteActor({ actor: 'kim' });
      await eventually(
        () => sql<{ suspended_at: Date | null }>('SELECT suspended_at FROM accounts WHERE id = $1', [kimId]),
        (rows) => expect(rows[0].suspended_at).not.toBeNull(),
      );
      expect(await post(postId)).toMatchObject({ likesCount: 0, boostsCount: 0, repliesCount: 0 });
      expect((await account(jo.username)).followersCount).toBe(0);
      expect(await sql('SELECT id FROM posts WHERE account_id = $1 AND deleted_at IS NULL', [kimId])).toEqual([]);
      expect(await sql('SELECT id FROM likes WHERE account_id = $1', [kimId])).toEqual([]);
      expect(await sql('SELECT id FROM follows WHERE follower_id = $1 OR followee_id = $1', [kimId])).toEqual([]);
    });
  });
});
