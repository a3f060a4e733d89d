import { randomUUID } from 'node:crypto';
import { ConfigService, queueConnection } from '@guildhall/core';
import { POLLS_QUEUE, PollJob, PollService } from '@guildhall/content';
import { Queue, type QueueOptions } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { signUp, type SignedUp } from './utils/factories';
import { startPeer, trustCertificateInThisProcess, type Peer, type PeerActor, type ReceivedEntry } from './utils/peer';
import { createListeningTestApp, type TestApp } from './utils/test-app';
import { drained, eventually } from './utils/eventually';

const AS = 'https://www.w3.org/ns/activitystreams';
const CONTEXT = [AS, { toot: 'http://joinmastodon.org/ns#', votersCount: 'toot:votersCount' }];
/** FEDERATION_POLL_UPDATE_DELAY_MS here. */
const POLL_WINDOW_MS = 3_000;
const POLL = 'poll { expired multiple votesCount votersCount options { title votesCount } voted ownVotes }';

interface PollView {
  expired: boolean;
  multiple: boolean;
  votesCount: number;
  votersCount: number | null;
  options: { title: string; votesCount: number | null }[];
  voted: boolean | null;
  ownVotes: number[] | null;
}

/** Polls over ActivityPub, both directions, against an independent Fedify peer. */
describe('federation: polls as Questions', () => {
  let peer: Peer;
  let t: TestApp & { origin: string };
  let db: DataSource;
  let queues: Queue[];
  let alice: SignedUp;
  let bob: PeerActor;
  let carol: PeerActor;

  const actorUri = (user: SignedUp) => `${t.origin}/users/${user.username}`;
  const postUri = (id: string) => `${t.origin}/posts/${id}`;
  const inbox = () => `${t.origin}/inbox`;
  const peerId = (kind: string) => `${peer.httpOrigin}/${kind}/${randomUUID()}`;

  async function send(activity: Record<string, unknown>, as: 'bob' | 'carol' = 'bob'): Promise<void> {
    const actor = as === 'bob' ? bob : carol;
    const body = JSON.stringify({ '@context': CONTEXT, id: peerId('activities'), actor: actor.id, ...activity });
    expect((await peer.rawPost({ url: inbox(), body, sign: { actor: as } })).status).toBe(202);
    await drained(queues);
  }

  async function poll(postId: string, user?: SignedUp): Promise<PollView | null> {
    const res = await t.gql<{ post: { poll: PollView | null } | null }>(
      `query($id: ID!) { post(id: $id) { ${POLL} } }`,
      { id: postId },
      user?.token,
    );
    return res.data?.post?.poll ?? null;
  }

  const about = (objectId: string, type: string) =>
    peer.received({ type }).then((entries) => entries.filter((entry) => objectOf(entry)?.id === objectId));

  function objectOf(entry: ReceivedEntry): Record<string, unknown> | null {
    const object = entry.activity?.object as unknown;
    return object && typeof object === 'object' ? (object as Record<string, unknown>) : null;
  }

  beforeAll(async () => {
    peer = await startPeer();
    trustCertificateInThisProcess(peer.caCertPath);
    t = await createListeningTestApp(
      { FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true', FEDERATION_POLL_UPDATE_DELAY_MS: String(POLL_WINDOW_MS) },
      { withWorker: true },
    );
    db = t.app.get(DataSource);
    const connection = queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions;
    queues = [new Queue('federation', connection), new Queue('federation-outbound', connection)];
    alice = await signUp(t);
    bob = await peer.createActor({ username: 'bob' });
    carol = await peer.createActor({ username: 'carol' });
    await peer.follow({ actor: 'bob', target: actorUri(alice) });
    await eventually(
      () => db.query<{ n: string }[]>('SELECT count(*) AS n FROM follows WHERE followee_id = $1', [alice.account.id]),
      (rows) => expect(rows[0].n).toBe('1'),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all((queues ?? []).map((queue) => queue.close()));
    await t?.close();
    await peer?.stop();
  });

  describe('a local poll', () => {
    let postId: string;

    beforeAll(async () => {
      const res = await t.gql<{ createPost: { id: string } }>(
        'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
        { input: { content: 'Tea or coffee?', poll: { options: ['Tea', 'Coffee'], expiresIn: 3600 } } },
        alice.token,
      );
      postId = res.data!.createPost.id;
    });

    it('goes out as a Question with oneOf, endTime and votersCount, and dereferences as one', async () => {
      const [create] = await eventually(
        () => about(postUri(postId), 'Create'),
        (entries) => expect(entries).toHaveLength(1),
      );
      expect(create.verification).toMatchObject({ verified: true, keyOwner: actorUri(alice) });
      const question = objectOf(create)!;
      expect(question).toMatchObject({
        type: 'Question',
        attributedTo: actorUri(alice),
        votersCount: 0,
        oneOf: [
          { type: 'Note', name: 'Tea', replies: { type: 'Collection', totalItems: 0 } },
          { type: 'Note', name: 'Coffee', replies: { type: 'Collection', totalItems: 0 } },
        ],
      });
      expect(question.anyOf).toBeUndefined();
      expect(question.closed).toBeUndefined();
      const ends = Date.parse(String(question.endTime));
      expect(Math.abs(ends - (Date.now() + 3_600_000))).toBeLessThan(60_000);

      const fetched = await request(t.origin).get(`/posts/${postId}`).set('accept', 'application/activity+json');
      expect(fetched.status).toBe(200);
      expect(JSON.parse(fetched.text)).toMatchObject({ id: postUri(postId), type: 'Question', votersCount: 0 });
    });

    it("counts a peer's vote (a Note named after an option), once, without storing it as a reply", async () => {
      const voteId = peerId('votes');
      const vote = {
        id: voteId,
        type: 'Note',
        name: 'Coffee',
        attributedTo: bob.id,
        inReplyTo: postUri(postId),
        to: [actorUri(alice)],
      };
      await send({ type: 'Create', object: vote, to: [actorUri(alice)] });
      // A redelivery (a new activity, the same vote) counts once.
      await send({ type: 'Create', object: vote, to: [actorUri(alice)] });
      expect(await poll(postId)).toMatchObject({
        votesCount: 1,
        votersCount: 1,
        options: [
          { title: 'Tea', votesCount: 0 },
          { title: 'Coffee', votesCount: 1 },
        ],
      });
      expect(await db.query('SELECT id FROM posts WHERE uri = $1', [voteId])).toEqual([]);
      expect(await db.query('SELECT replies_count FROM posts WHERE id = $1', [postId])).toEqual([{ replies_count: 0 }]);
      // A second vote of the same peer on a single-choice poll is refused.
      await send({
        type: 'Create',
        object: { ...vote, id: peerId('votes'), name: 'Tea' },
        to: [actorUri(alice)],
      });
      expect((await poll(postId))?.votesCount).toBe(1);
    });

    it('sends the new tallies to its audience as an Update of the Question, once for votes close together', async () => {
      const [update] = await eventually(
        () => about(postUri(postId), 'Update'),
        (entries) => expect(entries).toHaveLength(1),
      );
      expect(update.verification).toMatchObject({ verified: true, keyOwner: actorUri(alice) });
      expect(objectOf(update)).toMatchObject({
        type: 'Question',
        votersCount: 1,
        oneOf: [
          { name: 'Tea', replies: { totalItems: 0 } },
          { name: 'Coffee', replies: { totalItems: 1 } },
        ],
      });
      expect(String(update.activity!.id)).toMatch(new RegExp(`^${postUri(postId)}#updates/\\d+$`));

      // Two votes in one window (a remote one and a local one): one Update, with both.
      const dave = await signUp(t);
      while (Date.now() % POLL_WINDOW_MS > 300) await new Promise((resolve) => setTimeout(resolve, 50));
      const window = Math.floor(Date.now() / POLL_WINDOW_MS);
      await send(
        {
          type: 'Create',
          object: {
            id: peerId('votes'),
            type: 'Note',
            name: 'Tea',
            attributedTo: carol.id,
            inReplyTo: postUri(postId),
            to: [actorUri(alice)],
          },
          to: [actorUri(alice)],
        },
        'carol',
      );
      const voted = await t.gql(
        'mutation($postId: ID!) { votePoll(postId: $postId, choices: [0]) { votesCount } }',
        { postId },
        dave.token,
      );
      expect(voted.data).toEqual({ votePoll: { votesCount: 3 } });
      // Both votes were cast in the window they started in (else this test proves nothing).
      expect(Math.floor(Date.now() / POLL_WINDOW_MS)).toBe(window);
      const updates = await eventually(
        () => about(postUri(postId), 'Update'),
        (entries) => expect(entries).toHaveLength(2),
      );
      expect(objectOf(updates[1])).toMatchObject({
        votersCount: 3,
        oneOf: [{ replies: { totalItems: 2 } }, { replies: { totalItems: 1 } }],
      });
      // Nothing more comes once the window has passed.
      await new Promise((resolve) => setTimeout(resolve, POLL_WINDOW_MS + 500));
      await drained(queues);
      await peer.idle();
      expect(await about(postUri(postId), 'Update')).toHaveLength(2);
    });
    it('sends the closed Question when the poll ends (the sweep, in the worker)', async () => {
      await db.query(`UPDATE polls SET expires_at = now() - interval '1 second' WHERE post_id = $1`, [postId]);
      const polls = new Queue(POLLS_QUEUE, queueConnection(t.app.get(ConfigService)) as unknown as QueueOptions);
      try {
        await polls.add(PollJob.CloseExpired, {});
        const [closed] = await eventually(
          () => about(postUri(postId), 'Update').then((entries) => entries.filter((e) => objectOf(e)?.closed)),
          (entries) => expect(entries).toHaveLength(1),
        );
        const question = objectOf(closed)!;
        expect(question).toMatchObject({ type: 'Question', votersCount: 3 });
        expect(Date.parse(String(question.closed))).toBe(Date.parse(String(question.endTime)));
        expect(Date.parse(String(question.closed))).toBeLessThan(Date.now());
      } finally {
        await polls.close();
      }
    });
  });

  describe("a peer's Question", () => {
    const questionId = () => `${peer.httpOrigin}/questions/${randomUUID()}`;
    let uri: string;
    let postId: string;

    const question = (counts: [number, number], extra: Record<string, unknown> = {}) => ({
      id: uri,
      type: 'Question',
      attributedTo: bob.id,
      content: '<p>Yes or no, @alice?</p>',
      to: [`${AS}#Public`],
      cc: [actorUri(alice)],
      tag: [{ type: 'Mention', href: actorUri(alice) }],
      published: new Date().toISOString(),
      endTime: new Date(Date.now() + 3_600_000).toISOString(),
      votersCount: counts[0] + counts[1],
      oneOf: [
        { type: 'Note', name: 'Yes', replies: { type: 'Collection', totalItems: counts[0] } },
        { type: 'Note', name: 'No', replies: { type: 'Collection', totalItems: counts[1] } },
      ],
      ...extra,
    });

    beforeAll(async () => {
      uri = questionId();
      await send({ type: 'Create', object: question([3, 1]), to: [`${AS}#Public`], cc: [actorUri(alice)] });
      const [row] = await db.query<{ id: string }[]>('SELECT id FROM posts WHERE uri = $1', [uri]);
      postId = row.id;
    });

    it('is stored as a post with a poll, its tallies as sent', async () => {
      expect(await poll(postId, alice)).toEqual({
        expired: false,
        multiple: false,
        votesCount: 4,
        votersCount: 4,
        options: [
          { title: 'Yes', votesCount: 3 },
          { title: 'No', votesCount: 1 },
        ],
        voted: false,
        ownVotes: [],
      });
    });

    it("sends a local member's vote to the poll's author alone, as a Create of a Note named after the option", async () => {
      const posts = await db.query<{ n: string }[]>('SELECT count(*) AS n FROM posts WHERE account_id = $1', [
        alice.account.id,
      ]);
      const res = await t.gql<{ votePoll: PollView }>(
        'mutation($postId: ID!) { votePoll(postId: $postId, choices: [1]) { votesCount votersCount ownVotes } }',
        { postId },
        alice.token,
      );
      expect(res.data?.votePoll).toEqual({ votesCount: 5, votersCount: 5, ownVotes: [1] });
      const [create] = await eventually(
        () =>
          peer
            .received({ type: 'Create' })
            .then((entries) => entries.filter((entry) => objectOf(entry)?.inReplyTo === uri)),
        (entries) => expect(entries).toHaveLength(1),
      );
      expect(create.path).toBe('/users/bob/inbox');
      expect(create.verification).toMatchObject({ verified: true, keyOwner: actorUri(alice) });
      expect(create.activity).toMatchObject({ actor: actorUri(alice), to: bob.id });
      expect(String(create.activity!.id)).toMatch(new RegExp(`^${actorUri(alice)}#votes/[0-9a-f-]{36}/activity$`));
      expect(objectOf(create)).toMatchObject({
        type: 'Note',
        name: 'No',
        attributedTo: actorUri(alice),
        inReplyTo: uri,
        to: bob.id,
      });
      expect(objectOf(create)!.cc).toBeUndefined();
      // Not a reply post here.
      expect(
        await db.query<{ n: string }[]>('SELECT count(*) AS n FROM posts WHERE account_id = $1', [alice.account.id]),
      ).toEqual(posts);
    });

    it('takes the tallies of its Update without making it an edit, and closes when the author closes it', async () => {
      await send({ type: 'Update', object: question([3, 2]) });
      expect(await poll(postId, alice)).toMatchObject({
        votesCount: 5,
        votersCount: 5,
        expired: false,
        options: [
          { title: 'Yes', votesCount: 3 },
          { title: 'No', votesCount: 2 },
        ],
        ownVotes: [1],
      });
      expect(await db.query('SELECT edited_at FROM posts WHERE id = $1', [postId])).toEqual([{ edited_at: null }]);
      expect(await db.query('SELECT count(*)::int AS n FROM post_edits WHERE post_id = $1', [postId])).toEqual([
        { n: 0 },
      ]);

      await send({ type: 'Update', object: question([4, 2], { closed: new Date(Date.now() - 1000).toISOString() }) });
      expect(await poll(postId, alice)).toMatchObject({ expired: true, votesCount: 6, votersCount: 6 });
      const refused = await t.gql(
        'mutation($postId: ID!) { votePoll(postId: $postId, choices: [0]) { votesCount } }',
        {
          postId,
        },
        alice.token,
      );
      expect(refused.errors?.[0].extensions.reason).toBe('POLL_EXPIRED');
      // Its end reaches the local voter as a 'poll' notification from the author.
      await t.app.get(PollService).closeExpired();
      await eventually(
        () =>
          db.query<{ type: string; from_account_id: string }[]>(
            "SELECT type, from_account_id FROM notifications WHERE account_id = $1 AND post_id = $2 AND type = 'poll'",
            [alice.account.id, postId],
          ),
        (rows) => expect(rows).toEqual([{ type: 'poll', from_account_id: expect.any(String) }]),
      );
      const [author] = await db.query<{ account_id: string }[]>('SELECT account_id FROM posts WHERE id = $1', [postId]);
      const [from] = await db.query<{ from_account_id: string }[]>(
        "SELECT from_account_id FROM notifications WHERE account_id = $1 AND post_id = $2 AND type = 'poll'",
        [alice.account.id, postId],
      );
      expect(from.from_account_id).toBe(author.account_id);
    });

    it('reads anyOf as a multiple-choice poll', async () => {
      uri = questionId();
      const { oneOf, ...rest } = question([1, 2]);
      await send({ type: 'Create', object: { ...rest, anyOf: oneOf }, to: [`${AS}#Public`], cc: [actorUri(alice)] });
      const [row] = await db.query<{ id: string }[]>('SELECT id FROM posts WHERE uri = $1', [uri]);
      expect(await poll(row.id, alice)).toMatchObject({ multiple: true, votesCount: 3 });
    });
  });

  describe('a local poll edited', () => {
    it('goes out as an Update of the Question with the new options, the votes reset and the new end', async () => {
      const created = await t.gql<{ createPost: { id: string } }>(
        'mutation($input: CreatePostInput!) { createPost(input: $input) { id } }',
        { input: { content: 'Cats or dogs?', poll: { options: ['Cats', 'Dogs'], expiresIn: 3600 } } },
        alice.token,
      );
      const postId = created.data!.createPost.id;
      await eventually(
        () => about(postUri(postId), 'Create'),
        (entries) => expect(entries).toHaveLength(1),
      );
      const dave = await signUp(t);
      await t.gql(
        'mutation($postId: ID!) { votePoll(postId: $postId, choices: [1]) { votesCount } }',
        { postId },
        dave.token,
      );
      const edited = await t.gql<{ updatePost: { id: string } }>(
        'mutation($id: ID!, $input: UpdatePostInput!) { updatePost(id: $id, input: $input) { id } }',
        {
          id: postId,
          input: { content: 'Cats, dogs or fish?', poll: { options: ['Cats', 'Dogs', 'Fish'], expiresIn: 7200 } },
        },
        alice.token,
      );
      expect(edited.errors).toBeUndefined();
      const updates = await eventually(
        () => about(postUri(postId), 'Update').then((entries) => entries.filter((e) => objectOf(e)?.oneOf)),
        (entries) => expect(entries.some((e) => (objectOf(e)!.oneOf as unknown[]).length === 3)).toBe(true),
      );
      const update = updates.find((e) => (objectOf(e)!.oneOf as unknown[]).length === 3)!;
      expect(update.verification).toMatchObject({ verified: true, keyOwner: actorUri(alice) });
      const question = objectOf(update)!;
      expect(question).toMatchObject({
        type: 'Question',
        votersCount: 0,
        oneOf: [
          { type: 'Note', name: 'Cats', replies: { totalItems: 0 } },
          { type: 'Note', name: 'Dogs', replies: { totalItems: 0 } },
          { type: 'Note', name: 'Fish', replies: { totalItems: 0 } },
        ],
      });
      expect(String(question.content)).toContain('Cats, dogs or fish?');
      expect(question.updated).toBeDefined();
      expect(Math.abs(Date.parse(String(question.endTime)) - (Date.now() + 7_200_000))).toBeLessThan(60_000);
      expect(await poll(postId, dave)).toMatchObject({ votesCount: 0, voted: false, ownVotes: [] });
    });
  });
});
