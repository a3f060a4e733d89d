import { randomUUID } from 'node:crypto';
import { ContentErrorCode, EngagementService, PostRepository, PostService, Visibility } from '@guildhall/content';
import { localActor, remoteActor } from '@guildhall/identity';
import { BlockService, FollowService, FollowState } from '@guildhall/social';
import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { createTestApp, type TestApp } from './utils/test-app';

const CREATE = 'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }';

/**
 * The one write path per action (ADR 0024), called as the GraphQL, REST and inbox doors call it:
 * the same operation for a local and a remote actor, the remote differences carried by the actor.
 */
describe('operations that take an Actor', () => {
  let t: TestApp;
  let db: DataSource;
  let engagement: EngagementService;
  let posts: PostService;
  let postRows: PostRepository;
  let follows: FollowService;
  let blocks: BlockService;
  let author: SignedUp;

  const remoteAccount = async (manuallyApproves = false) => {
    const name = `r${randomUUID().slice(0, 8)}`;
    const [row] = await db.query<{ id: string }[]>(
      `INSERT INTO accounts (username, domain, uri, manually_approves_followers) VALUES ($1, 'remote.example', $2, $3)
       RETURNING id`,
      [name, `https://remote.example/users/${name}`, manuallyApproves],
    );
    return { id: row.id, domain: 'remote.example', manuallyApprovesFollowers: manuallyApproves };
  };

  const newPost = async (visibility = 'PUBLIC') => {
    const res = await t.gql<{ createPost: { id: string } }>(
      CREATE,
      { input: { content: `post ${randomUUID()}`, visibility } },
      author.token,
    );
    return (await postRows.findById(res.data!.createPost.id))!;
  };

  const counts = async (postId: string) => {
    const [row] = await db.query<{ likes_count: number; boosts_count: number }[]>(
      'SELECT likes_count, boosts_count FROM posts WHERE id = $1',
      [postId],
    );
    return row;
  };

  beforeAll(async () => {
    t = await createTestApp();
    db = t.app.get(DataSource);
    engagement = t.app.get(EngagementService);
    posts = t.app.get(PostService);
    postRows = t.app.get(PostRepository);
    follows = t.app.get(FollowService);
    blocks = t.app.get(BlockService);
    author = await signUp(t);
  });

  afterAll(() => t.close());

  it('likes once per remote activity id and per account, counting once, and undoes by the same operation', async () => {
    const post = await newPost();
    const remote = await remoteAccount();
    const likeUri = `https://remote.example/likes/${randomUUID()}`;
    expect(await engagement.addLike(remoteActor(remote.id, likeUri), post)).toBe('changed');
    expect(await engagement.addLike(remoteActor(remote.id, likeUri), post)).toBe('unchanged');
    const local = await signUp(t);
    expect(await engagement.addLike(localActor(local.account.id), post)).toBe('changed');
    expect(await counts(post.id)).toEqual({ likes_count: 2, boosts_count: 0 });
    const [stored] = await db.query<{ uri: string }[]>('SELECT uri FROM likes WHERE account_id = $1', [remote.id]);
    expect(stored.uri).toBe(likeUri);
    expect((await engagement.engagedByUri('like', likeUri, remote.id))?.id).toBe(post.id);
    // Someone else cannot name that like.
    expect(await engagement.engagedByUri('like', likeUri, local.account.id)).toBeNull();
    expect(await engagement.removeLike(remoteActor(remote.id, null), post)).toBe('changed');
    expect(await engagement.removeLike(remoteActor(remote.id, null), post)).toBe('unchanged');
    expect(await counts(post.id)).toEqual({ likes_count: 1, boosts_count: 0 });
  });

  it('refuses to boost a followers-only post for every actor, and a remote like without its activity id', async () => {
    const hidden = await newPost('FOLLOWERS');
    const remote = await remoteAccount();
    const boostUri = `https://remote.example/announces/${randomUUID()}`;
    expect(await engagement.addBoost(remoteActor(remote.id, boostUri), hidden)).toBe('not-boostable');
    expect(await engagement.addBoost(localActor(author.account.id), hidden)).toBe('not-boostable');
    await expect(engagement.addLike(remoteActor(remote.id, null), hidden)).rejects.toThrow(
      'a remote like needs the id of its activity',
    );
    expect(await counts(hidden.id)).toEqual({ likes_count: 0, boosts_count: 0 });
    const [{ n }] = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM posts WHERE boost_of_id = $1', [
      hidden.id,
    ]);
    expect(n).toBe(0);
  });

  it('takes no new like on a deleted post ("gone") and counts nothing', async () => {
    const post = await newPost();
    expect(await posts.remove(localActor(author.account.id), post)).toBe(true);
    const remote = await remoteAccount();
    const actor = remoteActor(remote.id, `https://remote.example/likes/${randomUUID()}`);
    expect(await engagement.addLike(actor, post)).toBe('gone');
    expect(await engagement.addBoost(actor, post, Visibility.Public)).toBe('gone');
    const [{ n }] = await db.query<{ n: number }[]>('SELECT count(*)::int AS n FROM likes WHERE post_id = $1', [
      post.id,
    ]);
    expect(n).toBe(0);
  });

  it('lets only the author revise or remove a post, and never revises a tombstone', async () => {
    const post = await newPost();
    const remote = await remoteAccount();
    const revision = () => ({
      title: null,
      content: '<p>rewritten</p>',
      summary: null,
      contentWarning: null,
      language: null,
      editedAt: new Date(),
      mentionedAccountIds: [],
      hashtags: [],
    });
    await expect(posts.revise(remoteActor(remote.id, null), post.id, revision)).rejects.toMatchObject({
      reason: ContentErrorCode.NotAuthor,
    });
    expect(await posts.remove(remoteActor(remote.id, null), post)).toBe(false);
    expect((await postRows.findById(post.id))!.deletedAt).toBeNull();

    expect(await posts.remove(localActor(author.account.id), post)).toBe(true);
    expect(await posts.remove(localActor(author.account.id), post)).toBe(false);
    expect(await posts.revise(localActor(author.account.id), post.id, revision)).toBeNull();
    const after = (await postRows.findById(post.id))!;
    expect(after.content).toBe('');
    expect(after.editedAt).toBeNull();
  });

  it('follows with one rule: a remote Follow of a local account, its redelivery, and a block either way', async () => {
    const remote = await remoteAccount();
    const followee = { id: author.account.id, domain: null, manuallyApprovesFollowers: false };
    const firstUri = `https://remote.example/follows/${randomUUID()}`;
    const first = await follows.startFollow(remoteActor(remote.id, firstUri), followee);
    expect(first).toMatchObject({ outcome: 'accepted', follow: { state: FollowState.Accepted, uri: firstUri } });
    // Asked again with a new id: the same follow, now named by the newer id, counted once.
    const againUri = `https://remote.example/follows/${randomUUID()}`;
    const again = await follows.startFollow(remoteActor(remote.id, againUri), followee);
    expect(again).toMatchObject({ outcome: 'accepted', follow: { id: first.follow!.id } });
    const [row] = await db.query<{ uri: string; followers_count: number }[]>(
      `SELECT f.uri, a.followers_count FROM follows f JOIN accounts a ON a.id = f.followee_id
       WHERE f.follower_id = $1 AND f.followee_id = $2`,
      [remote.id, author.account.id],
    );
    expect(row).toEqual({ uri: againUri, followers_count: 1 });

    // The local account blocks the remote one: the follow ends, and a new Follow is refused.
    expect(await blocks.addBlock(localActor(author.account.id), remote)).toBe(true);
    const blocked = await follows.startFollow(
      remoteActor(remote.id, `https://remote.example/follows/${randomUUID()}`),
      followee,
    );
    expect(blocked).toEqual({ outcome: 'blocked', follow: null });
    const [after] = await db.query<{ followers_count: number }[]>(
      'SELECT followers_count FROM accounts WHERE id = $1',
      [author.account.id],
    );
    expect(after.followers_count).toBe(0);
  });

  it('refuses a remote follower by the same operation as a local one: a request is rejected, a follow ends', async () => {
    const remote = await remoteAccount(true);
    const followee = await signUp(t);
    await db.query('UPDATE accounts SET manually_approves_followers = true WHERE id = $1', [followee.account.id]);
    const target = { id: followee.account.id, domain: null, manuallyApprovesFollowers: true };
    const asked = await follows.startFollow(remoteActor(remote.id, `https://remote.example/f/${randomUUID()}`), target);
    expect(asked.outcome).toBe('pending');
    const actor = localActor(followee.account.id);
    // Removing a follower touches accepted follows only: the request stays.
    expect(await follows.refuseFollower(actor, remote, [FollowState.Accepted])).toBeNull();
    expect((await follows.refuseFollower(actor, remote, [FollowState.Pending]))?.state).toBe(FollowState.Rejected);
    expect(await follows.acceptFollower(actor, remote)).toBeNull();
  });
});
